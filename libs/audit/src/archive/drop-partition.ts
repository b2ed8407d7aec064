import { newEvent, Topic } from '@admit/contracts';
import { DataSource } from 'typeorm';
import { ChainWriter } from '../chain/chain-writer';
import { sqlOf } from '../sql-query';
import { ArchiveManifest, PARTITION_DROPPED, partitionName, RETENTION_CHAIN } from './archive-format';

/**
 * Drops a day's partition once its archive verified, through the owner's `audit_partition_drop`
 * (so `db` must connect as the tables' owner), then records the drop: an admin action event
 * (`admit.admin.actions.v1`, action `audit.partition.dropped`) naming the partition, the row count,
 * the archive manifest's SHA-256 and its signed chain heads, appended to RETENTION_CHAIN with the
 * chain writer like every stored event, so `admit audit verify` covers it.
 */
export async function dropArchivedDay(db: DataSource, manifest: ArchiveManifest, manifestSha256: string): Promise<{ event_id: string }> {
  const query = sqlOf(db);
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
  const [head] = await query<{ length: string }>(`SELECT length::text AS length FROM audit_chain_heads WHERE topic = $1 AND partition = $2`, [
    RETENTION_CHAIN.topic,
    RETENTION_CHAIN.partition,
  ]);
  await new ChainWriter(db).append(RETENTION_CHAIN.topic, RETENTION_CHAIN.partition, [{ event, offset: head?.length ?? '0' }]);
  return { event_id: event.id };
}
