import { AuditEventView } from '@admit/audit';
import { once } from 'node:events';
import { Writable } from 'node:stream';

export type ExportFormat = 'jsonl' | 'csv';

export const CSV_COLUMNS = ['seq', 'id', 'type', 'source', 'subject', 'time', 'correlationid', 'causationid', 'topic', 'partition', 'offset', 'recorded_at', 'data'] as const;

/** One event as a line of the export: JSON, or an RFC 4180 CSV row with `data` as JSON. */
export function formatEvent(event: AuditEventView, format: ExportFormat): string {
  if (format === 'jsonl') return `${JSON.stringify(event)}\n`;
  return `${CSV_COLUMNS.map((c) => csvField(c === 'data' ? JSON.stringify(event.data) : event[c])).join(',')}\r\n`;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  // Evidence is exported exactly: no formula-guard prefix. Open it in a spreadsheet as text.
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Writes honouring backpressure, so an export of any size holds one page in memory. */
export async function writeAll(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}
