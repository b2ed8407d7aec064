import { createServer, Server, Socket, connect } from 'node:net';

/**
 * A loopback TCP proxy in front of the shared broker that a test can close and reopen, so one app
 * loses the broker while every other suite keeps it. Kafka clients connect to the brokers the
 * cluster metadata names, not to the address they were given, so the proxy rewrites the port in
 * Metadata (api key 3) and FindCoordinator (api key 10) responses to its own; the host (127.0.0.1)
 * stays, so no frame changes size. Covers the versions kafkajs speaks (Metadata v0-v6, FindCoordinator v0-v2).
 */
export class KafkaProxy {
  private readonly sockets = new Set<Socket>();
  /** While false, every connection is cut as soon as it is made: to its clients, the broker is gone. */
  private accepting = true;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly upstream: { host: string; port: number },
  ) {}

  /**
   * Opens a proxy to `broker` (`host:port`) on a free loopback port, which it keeps until `stop`:
   * giving the port up while the broker is "away" would let another process take it meanwhile.
   */
  static async start(broker: string): Promise<KafkaProxy> {
    const [host, port] = broker.split(':');
    // The server exists before the proxy that owns it; connections wait for neither (none come before start returns).
    const made: { proxy?: KafkaProxy } = {};
    const server = createServer((client) => made.proxy?.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    made.proxy = new KafkaProxy(server, (server.address() as { port: number }).port, { host, port: Number(port) });
    return made.proxy;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Lets connections through again, on the same port. */
  async open(): Promise<void> {
    this.accepting = true;
  }

  /** Cuts every open connection and every new one until `open`: to its clients, the broker is gone. */
  async close(): Promise<void> {
    this.accepting = false;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  /** Closes the proxy for good, giving its port back. */
  async stop(): Promise<void> {
    await this.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.accepting) this.pipe(client);
    else client.destroy();
  }

  private pipe(client: Socket): void {
    const broker = connect(this.upstream.port, this.upstream.host);
    this.sockets.add(client).add(broker);
    const apis = new Map<number, { key: number; version: number }>();
    const end = () => {
      client.destroy();
      broker.destroy();
      this.sockets.delete(client);
      this.sockets.delete(broker);
    };
    client.on('error', end).on('close', end);
    broker.on('error', end).on('close', end);
    // Requests pass unchanged; their api key and version are remembered by correlation id.
    frames(client, (frame) => {
      apis.set(frame.readInt32BE(8), { key: frame.readInt16BE(4), version: frame.readInt16BE(6) });
      broker.write(frame);
    });
    frames(broker, (frame) => {
      const correlationId = frame.readInt32BE(4);
      const api = apis.get(correlationId);
      apis.delete(correlationId);
      if (api) this.rewrite(frame, api.key, api.version);
      client.write(frame);
    });
  }

  /** Points every broker address in a response at the proxy. `frame` starts with its size, then the correlation id. */
  private rewrite(frame: Buffer, key: number, version: number): void {
    let at = 8;
    const string = () => {
      const length = frame.readInt16BE(at);
      at += 2 + Math.max(length, 0);
    };
    if (key === 3) {
      if (version >= 3) at += 4; // throttle_time_ms
      const brokers = frame.readInt32BE(at);
      at += 4;
      for (let i = 0; i < brokers; i++) {
        at += 4; // node_id
        string(); // host
        frame.writeInt32BE(this.port, at);
        at += 4;
        if (version >= 1) string(); // rack
      }
    } else if (key === 10) {
      if (version >= 1) at += 4; // throttle_time_ms
      at += 2; // error_code
      if (version >= 1) string(); // error_message
      at += 4; // node_id
      string(); // host
      frame.writeInt32BE(this.port, at);
    }
  }
}

/** Calls `onFrame` with each size-prefixed Kafka frame read from `socket`, whole. */
function frames(socket: Socket, onFrame: (frame: Buffer) => void): void {
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      const size = 4 + pending.readInt32BE(0);
      onFrame(pending.subarray(0, size));
      pending = pending.subarray(size);
    }
  });
}
