import { AuditLinksQuery } from '@admit/contracts';

/** The positions of a `GET /audit/links` query its schema (AuditLinksQuery) accepted: `<topic>:<partition>:<position>,…`. */
export function linkPoints(at: AuditLinksQuery['at']): { topic: string; partition: number; position: number }[] {
  return at.split(',').map((point) => {
    const [topic, partition, position] = point.split(':');
    return { topic, partition: Number(partition), position: Number(position) };
  });
}
