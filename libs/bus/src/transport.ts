import { ClientProxy } from '@nestjs/microservices';
import { BusServer } from './bus-server';
import { InProcessBroker } from './in-process/in-process-broker';
import { InProcessBusClient } from './in-process/in-process-client';
import { InProcessBusServer } from './in-process/in-process-server';
import { KafkaBusClient } from './kafka/kafka-client';
import { KafkaConnection, KafkaOptions } from './kafka/kafka-connection';
import { KafkaBusServer } from './kafka/kafka-server';
import { DEFAULT_RETRY, RetryPolicy } from './retry-policy';

/** The two halves of one transport: the Nest server that runs handlers, and the client that publishes. */
export interface BusTransport {
  readonly server: BusServer;
  readonly client: ClientProxy;
}

export function kafkaTransport(options: KafkaOptions, retry: RetryPolicy = DEFAULT_RETRY): BusTransport {
  const connection = new KafkaConnection(options);
  return { server: new KafkaBusServer(connection, retry), client: new KafkaBusClient(connection) };
}

export function inProcessTransport(broker = new InProcessBroker(), retry: RetryPolicy = DEFAULT_RETRY): BusTransport {
  return { server: new InProcessBusServer(broker, retry), client: new InProcessBusClient(broker) };
}
