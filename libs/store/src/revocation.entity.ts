import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One revocation, in force (`active`) or ended (`lifted` by an admin, `expired` at its
 * `expires_at`). Rows are never deleted: the table is the record the compacted topic is rebuilt from.
 */
@Entity({ name: 'revocations' })
export class RevocationEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  value!: string;

  @Column({ type: 'text' })
  reason!: string;

  /** The admin credential's name, never the credential. */
  @Column({ type: 'text' })
  actor!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ type: 'text' })
  status!: 'active' | 'lifted' | 'expired';

  @Column({ name: 'lifted_at', type: 'timestamptz', nullable: true })
  liftedAt!: Date | null;

  /** The admin who lifted it, or `system` when it expired. */
  @Column({ name: 'lifted_by', type: 'text', nullable: true })
  liftedBy!: string | null;
}

/**
 * What the revocation service still has to publish, written in the same statement as the change
 * it reports. A row on `admit.revocations.v1` names only a key: the publisher sends the key's state
 * as it is when it publishes, so a late publish can never put back an older state.
 */
@Entity({ name: 'revocation_outbox' })
export class RevocationOutboxEntity {
  @PrimaryColumn({ type: 'bigint' })
  seq!: string;

  @Column({ type: 'text' })
  topic!: string;

  @Column({ type: 'text' })
  key!: string;

  /** The CloudEvent id of an admin action, fixed at write time so a republish is deduplicated. */
  @Column({ name: 'event_id', type: 'uuid', nullable: true })
  eventId!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  data!: unknown;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;
}
