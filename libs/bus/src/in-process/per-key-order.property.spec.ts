// Real: the in-process broker, the bus server's delivery (decode, dedupe, retries) and the publisher.
// Handlers are plain functions that wait a generated number of event-loop turns and fail on demand.
import { CloudEvent, Topic } from '@admit/contracts';
import { Logger } from '@nestjs/common';
import { MessageHandler } from '@nestjs/microservices';
import fc from 'fast-check';
import { Publisher } from '../publisher';
import { tick, until } from '../testing/event-loop';
import { BusTransport, inProcessTransport } from '../transport';
import { InProcessBroker } from './in-process-broker';

type Requested = CloudEvent<typeof Topic.RegistrationRequested>;

/** The number a test put in the request's metadata. */
const numberOf = (event: Requested): number => Number(event.data.source === 'rfc7591' ? event.data.metadata.n : NaN);

/** A running in-process bus whose one per-event consumer runs `handle`. */
async function busWith(partitions: number, handle: (event: Requested) => Promise<void>): Promise<BusTransport> {
  const transport = inProcessTransport(new InProcessBroker(partitions, 0), { maxAttempts: 3, baseDelayMs: 0, maxDelayMs: 0 });
  const handler = Object.assign(handle, { isEventHandler: true }) as unknown as MessageHandler;
  transport.server.addHandler(Topic.RegistrationRequested, handler, true, { consumer: 'validator' });
  await new Promise<void>((resolve, reject) => void transport.server.listen((err?: unknown) => (err ? reject(err) : resolve())));
  return transport;
}

function publish(transport: BusTransport, client: string, n: number): Promise<unknown> {
  return new Publisher(transport.client, 'intake').publish(
    Topic.RegistrationRequested,
    { client_id: client, source: 'rfc7591', metadata: { n: String(n) }, received_at: new Date(0).toISOString() },
    { subject: client },
  );
}

/** One generated event: its client, how many turns its handler takes, and whether its first attempt fails. */
const step = fc.record({ client: fc.constantFrom('c_a', 'c_b', 'c_c', 'c_d', 'c_e', 'c_f', 'c_g'), turns: fc.nat(5), failsOnce: fc.boolean() });

describe('delivery by key over batches', () => {
  // Every generated failure would log a warning.
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new Logger()));

  it('handles every event exactly once, and each client’s events in the order they were published (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 6 }), async (steps, partitions) => {
        const handled: { client: string; n: number }[] = [];
        const failed = new Set<number>();
        const transport = await busWith(partitions, async (event) => {
          const n = numberOf(event);
          for (let i = 0; i < steps[n].turns; i++) await tick();
          if (steps[n].failsOnce && !failed.has(n)) {
            failed.add(n);
            throw new Error(`event ${n} fails once`);
          }
          handled.push({ client: event.data.client_id, n });
        });
        try {
          await Promise.all(steps.map((s, n) => publish(transport, s.client, n)));
          await until(() => handled.length >= steps.length, `${steps.length} events handled`);
          await tick();
          expect(handled.map((h) => h.n).sort((a, b) => a - b)).toEqual(steps.map((_, n) => n));
          for (const client of new Set(steps.map((s) => s.client))) {
            expect(handled.filter((h) => h.client === client).map((h) => h.n)).toEqual(steps.flatMap((s, n) => (s.client === client ? [n] : [])));
          }
        } finally {
          await transport.server.close();
        }
      }),
      { numRuns: 60 },
    );
  });

  /** A one-partition bus whose handler holds event 0 until `release`, recording the order events are handled in. */
  async function slowFirstEvent() {
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const handled: number[] = [];
    const transport = await busWith(1, async (event) => {
      const n = numberOf(event);
      if (n === 0) await slow;
      handled.push(n);
    });
    return { transport, handled, release };
  }

  it('in one batch, a slow client holds up only its own later events, not another client of the same partition', async () => {
    const { transport, handled, release } = await slowFirstEvent();
    try {
      // Published in one turn, so the partition hands them over as one batch.
      await Promise.all([publish(transport, 'c_slow', 0), publish(transport, 'c_fast', 1), publish(transport, 'c_slow', 2)]);
      await until(() => handled.includes(1), 'the other client handled');
      expect(handled).toEqual([1]);
      release();
      await until(() => handled.length === 3, 'all handled');
      expect(handled).toEqual([1, 0, 2]);
    } finally {
      release();
      await transport.server.close();
    }
  });

  it('across batches, a slow client holds up neither the partition’s later batches nor their other clients, and keeps its own order', async () => {
    const { transport, handled, release } = await slowFirstEvent();
    try {
      await publish(transport, 'c_slow', 0);
      await until(() => handled.length === 0 && transport.server.isReady(), 'the slow event taken');
      // Published in later turns: later batches of the one partition.
      await publish(transport, 'c_fast', 1);
      await until(() => handled.includes(1), 'a later batch handled while the first waits');
      await publish(transport, 'c_slow', 2);
      await publish(transport, 'c_other', 3);
      await until(() => handled.includes(3), 'a third client handled');
      expect(handled).toEqual([1, 3]);
      release();
      await until(() => handled.length === 4, 'all handled');
      expect(handled).toEqual([1, 3, 0, 2]);
    } finally {
      release();
      await transport.server.close();
    }
  });
});
