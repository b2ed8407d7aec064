import { AuditError, AuditErrorCode } from '../audit-error';
import { parseQuery } from '../query/query-params';
import { ReportWindow } from './evidence-report';

export type ReportFormat = 'json' | 'html';

/**
 * `from` and `to` (both required, RFC 3339, `to` exclusive) and `format` (`json` by default, or
 * `html`), from a query string or CLI options; anything else is refused, as for the other queries.
 */
export function parseReportQuery(input: Record<string, unknown>): { window: ReportWindow; format: ReportFormat } {
  const { format = 'json', ...rest } = input;
  if (format !== 'json' && format !== 'html') throw invalid('format must be json or html');
  for (const name of ['limit', 'cursor']) if (rest[name] !== undefined) throw invalid(`unknown parameter "${name}"; known: from, to, format`);
  const { filters } = parseQuery(rest, ['from', 'to'] as const);
  if (!filters.from || !filters.to) throw invalid('from and to are both required: the report covers one window');
  return { window: { from: filters.from, to: filters.to }, format };
}

function invalid(message: string): AuditError {
  return new AuditError(AuditErrorCode.QueryInvalid, message);
}
