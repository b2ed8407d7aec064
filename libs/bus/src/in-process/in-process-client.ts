import { ClientProxy, ReadPacket, WritePacket } from '@nestjs/microservices';
import { WireMessage } from '@admit/contracts';
import { InProcessBroker } from './in-process-broker';

export class InProcessBusClient extends ClientProxy {
  constructor(private readonly broker: InProcessBroker) {
    super();
  }

  async connect(): Promise<void> {
    // Nothing to connect to: the broker lives in this process.
  }

  async close(): Promise<void> {
    // The broker outlives the client; the server drains it.
  }

  // Nest types the result generically; events have none.
  protected async dispatchEvent<T = undefined>(packet: ReadPacket<WireMessage>): Promise<T> {
    this.broker.publish(packet.pattern, packet.data);
    return undefined as T;
  }

  protected publish(_packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    callback({ err: new Error('Admit has no request-reply: publish events with emit()'), isDisposed: true });
    return () => undefined;
  }

  unwrap<T>(): T {
    return this.broker as T;
  }

  override on(): void {
    // No connection events in-process.
  }
}
