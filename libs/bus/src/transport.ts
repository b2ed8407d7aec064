import { BusServer } from './bus-server';
import { InProcessFollower } from './follow/in-process-follower';
import { KafkaFollower } from './follow/kafka-follower';
import { TopicFollower } from './follow/topic-follower';
import { Inbox } from './inbox/inbox';
import { InProcessInbox } from './inbox/in-process-inbox';
import { KafkaInbox } from './inbox/kafka-inbox';
import { InProcessBroker } from './in-process/in-process-broker';
import { InProcessBusServer } from './in-process/in-process-server';
import { KafkaConnection, KafkaOptions } from './kafka/kafka-connection';
import { KafkaHealth } from './kafka/kafka-health';
import { KafkaBusServer } from './kafka/kafka-server';
import { BusSender } from './publisher';
import { BrokerStoredEvents, InProcessStoredEvents, StoredEvents } from './stored/stored-events';
import { DEFAULT_RETRY, RetryPolicy } from './retry-policy';
import { randomUUID } from 'node:crypto';

/**
 * One transport: the Nest server that runs handlers, the sender that publishes, the follower that
 * reads compacted topics whole, and this instance's inbox.
 */
export interface BusTransport {
  readonly server: BusServer;
  readonly client: BusSender;
  readonly follower: TopicFollower;
  readonly inbox: Inbox;
  /** When an event is durable: at once with Kafka, once the audit store committed it in one process. */
  readonly stored: StoredEvents;
  /** Kafka only: whether the broker answers now (readiness), and consumer lag (metrics). */
  readonly health?: KafkaHealth;
}

/** `instanceId` names this process's inbox; by default a new one per start. */
export function kafkaTransport(options: KafkaOptions, retry: RetryPolicy = DEFAULT_RETRY, instanceId: string = randomUUID()): BusTransport {
  const connection = new KafkaConnection(options);
  return {
    server: new KafkaBusServer(connection, retry),
    client: connection,
    follower: new KafkaFollower(connection),
    inbox: new KafkaInbox(connection, instanceId),
    stored: new BrokerStoredEvents(),
    health: new KafkaHealth(connection),
  };
}

export function inProcessTransport(broker = new InProcessBroker(), retry: RetryPolicy = DEFAULT_RETRY): BusTransport {
  return {
    server: new InProcessBusServer(broker, retry),
    client: {
      send: async (topic, { event, ...message }) => broker.publish(topic, message, event),
      // The broker outlives the sender; the server drains it.
      close: async () => undefined,
    },
    follower: new InProcessFollower(broker),
    inbox: new InProcessInbox(),
    stored: new InProcessStoredEvents(),
  };
}
