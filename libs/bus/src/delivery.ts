import type { CloudEvent } from '@admit/contracts';

/** One message handed to a consumer group, the same shape on both transports. */
export interface Delivery {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  value: Buffer | null;
  /** Keeps the consumer's claim on its partitions alive while a delivery waits (Kafka heartbeats). */
  keepAlive?: () => Promise<void>;
  /**
   * In-process only: the event the message encodes, as its publisher built and validated it, so no
   * consumer decodes it again. Handlers treat events as read-only: every group shares this object.
   */
  event?: CloudEvent;
}
