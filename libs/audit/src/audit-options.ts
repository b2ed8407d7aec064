import { CheckpointKeyOptions } from './checkpoint/checkpoint-keys';
import { CheckpointSink } from './checkpoint/external-checkpoints';

export interface AuditOptions {
  /** How often the chain heads are checkpointed and signed; 0 turns periodic checkpoints off. */
  checkpointIntervalMs: number;
  /** Where the checkpoint key comes from; without one, no checkpoints are made. */
  checkpointKey?: CheckpointKeyOptions;
  /** `GET /audit/verify` fails when the newest checkpoint is older than this; 0 or unset: not checked. */
  checkpointMaxAgeS?: number;
  /** The external copy of every checkpoint: a file (embedded) or a Kafka topic (distributed). */
  checkpointSink?: CheckpointSink;
  /** The console's session key (at least 32 bytes), the same on every instance; without it the console only says it is not configured. */
  consoleSessionKey?: Buffer;
  /** Where the console forwards revocations: the revocation service's base URL, or `self` (embedded: this same server). Unset: the console cannot revoke. */
  revocationUrl?: string;
}

export const AUDIT_OPTIONS = Symbol('AUDIT_OPTIONS');

export const DEFAULT_AUDIT_OPTIONS: AuditOptions = { checkpointIntervalMs: 60_000 };
