import { newEvent, Topic } from '@admit/contracts';
import { inTransaction } from '@admit/store';
import { DataSource } from 'typeorm';
import { AuditError, AuditErrorCode } from '../audit-error';
import { chainAppend, writeChained } from '../chain/chain-writer';
import { ArchiveManifest, PARTITION_DROPPED, partitionName, RETENTION_CHAIN } from './archive-format';

/**
 * Drops a day's partition once its archive verified, through the owner's `audit_partition_drop`
 * (so `db` must connect as the tables' owner), once the partition is seen to hold exactly the
 * archived events, and records the drop in the same transaction: an admin action event
 * (`admit.admin.actions.v1`, action `audit.partition.dropped`) naming the partition, the row count,
 * the archive manifest's SHA-256 and its signed chain heads, linked into RETENTION_CHAIN like every
 * stored event, so `admit audit verify` covers it. A drop is never without its record, nor a record
 * without its drop.
 */
export async function dropArchivedDay(db: DataSource, manifest: ArchiveManifest, manifestSha256: string): Promise<{ event_id: string }> {
  return inTransaction(db, async (query) => {
    // The partition must hold exactly what the archive holds: a row stored there that the archive left out would be lost.
    const [held] = await query<{ rows: string; outside: string }>(
      `SELECT count(*)::text AS rows, count(*) FILTER (WHERE event_time < $1 OR event_time >= $2)::text AS outside FROM ${partitionName(manifest.day)}`,
      [manifest.from, manifest.to],
    );
    if (Number(held.rows) !== manifest.rows || Number(held.outside) !== 0) {
      throw new AuditError(
        AuditErrorCode.PartitionMismatch,
        `${AuditErrorCode.PartitionMismatch}: ${partitionName(manifest.day)} holds ${held.rows} events (${held.outside} of another day), the archive of ${manifest.day} ${manifest.rows}: not dropped`,
      );
    }
    await query(`SELECT audit_partition_drop($1::date)`, [manifest.day]);
    const [{ actor }] = await query<{ actor: string }>(`SELECT current_user AS actor`);
    const event = newEvent(
      Topic.AdminActions,
      {
        actor,
        action: PARTITION_DROPPED,
        target: partitionName(manifest.day),
        details: { day: manifest.day, rows: manifest.rows, manifest_sha256: manifestSha256, chains: manifest.chains },
        at: new Date().toISOString(),
      },
      { source: 'admit-cli' },
    );
    const { topic, partition } = RETENTION_CHAIN;
    const [head] = await query<{ length: string }>(`SELECT length::text AS length FROM audit_chain_heads WHERE topic = $1 AND partition = $2`, [topic, partition]);
    await writeChained(query, [chainAppend(topic, partition, [{ event, offset: head?.length ?? '0' }])]);
    return { event_id: event.id };
  });
}
