import { ClientProxy } from '@nestjs/microservices';
import { BusServer } from './bus-server';
import { InProcessFollower } from './follow/in-process-follower';
import { KafkaFollower } from './follow/kafka-follower';
import { TopicFollower } from './follow/topic-follower';
import { InProcessBroker } from './in-process/in-process-broker';
import { InProcessBusClient } from './in-process/in-process-client';
import { InProcessBusServer } from './in-process/in-process-server';
import { KafkaBusClient } from './kafka/kafka-client';
import { KafkaConnection, KafkaOptions } from './kafka/kafka-connection';
import { KafkaBusServer } from './kafka/kafka-server';
import { DEFAULT_RETRY, RetryPolicy } from './retry-policy';

/**
 * One transport: the Nest server that runs handlers, the client that publishes, and the follower
 * that reads compacted topics whole.
 */
export interface BusTransport {
  readonly server: BusServer;
  readonly client: ClientProxy;
  readonly follower: TopicFollower;
}

export function kafkaTransport(options: KafkaOptions, retry: RetryPolicy = DEFAULT_RETRY): BusTransport {
  const connection = new KafkaConnection(options);
  return { server: new KafkaBusServer(connection, retry), client: new KafkaBusClient(connection), follower: new KafkaFollower(connection) };
}

export function inProcessTransport(broker = new InProcessBroker(), retry: RetryPolicy = DEFAULT_RETRY): BusTransport {
  return { server: new InProcessBusServer(broker, retry), client: new InProcessBusClient(broker), follower: new InProcessFollower(broker) };
}
