import { ClientProxy, ReadPacket, WritePacket } from '@nestjs/microservices';
import { WireMessage } from '@admit/contracts';
import { KafkaConnection } from './kafka-connection';

export class KafkaBusClient extends ClientProxy {
  constructor(private readonly connection: KafkaConnection) {
    super();
  }

  async connect(): Promise<void> {
    await this.connection.connectedProducer();
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  // Nest types the result generically; events have none.
  protected async dispatchEvent<T = undefined>(packet: ReadPacket<WireMessage>): Promise<T> {
    await this.connection.send(packet.pattern, packet.data);
    return undefined as T;
  }

  protected publish(_packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    callback({ err: new Error('Admit has no request-reply: publish events with emit()'), isDisposed: true });
    return () => undefined;
  }

  unwrap<T>(): T {
    return this.connection.kafka as T;
  }

  override on(): void {
    // Connection events are logged by KafkaConnection.
  }
}
