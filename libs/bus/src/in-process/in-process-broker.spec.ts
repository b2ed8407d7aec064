// Real: everything (the broker and its redelivery timer, set to 0 ms); nothing stubbed. Waits poll with a deadline.
import { WireMessage } from '@admit/contracts';
import { Delivery } from '../delivery';
import { gate, turns, until } from '../testing/event-loop';
import { InProcessBroker } from './in-process-broker';

const TOPIC = 'admit.test.v1';
const OTHER_TOPIC = 'admit.other.v1';

function message(key: string | null, n: number): WireMessage {
  return { key, headers: { n: String(n) }, value: Buffer.from(String(n)) };
}

const n = (d: Delivery) => Number(d.headers.n);
/** The partition the broker puts `key` in, learned from a throwaway broker of the same size. */
async function partitionOf(key: string, partitions = 6): Promise<number> {
  const probe = new InProcessBroker(partitions, 0);
  let partition = -1;
  const stop = probe.subscribe('probe', [TOPIC], async (d) => {
    partition = d.partition;
  });
  probe.publish(TOPIC, message(key, 0));
  await until(() => partition >= 0, `the partition of ${key}`);
  await stop();
  return partition;
}

async function keyOutside(partition: number): Promise<string> {
  for (let i = 0; i < 100; i++) {
    if ((await partitionOf(`key-${i}`)) !== partition) return `key-${i}`;
  }
  throw new Error(`no key outside partition ${partition}`);
}

describe('InProcessBroker', () => {
  const stops: (() => Promise<void>)[] = [];
  let broker: InProcessBroker;

  function subscribe(group: string, topics: string[], deliver: (d: Delivery) => Promise<void>): () => Promise<void> {
    const stop = broker.subscribe(group, topics, deliver);
    stops.push(stop);
    return stop;
  }

  function collect(group: string, topics: string[] = [TOPIC]): Delivery[] {
    const got: Delivery[] = [];
    subscribe(group, topics, async (d) => {
      got.push(d);
    });
    return got;
  }

  beforeEach(() => {
    broker = new InProcessBroker(6, 0);
  });

  afterEach(async () => {
    await Promise.all(stops.splice(0).map((stop) => stop()));
  });

  it('gives every subscribed group every message of its topics', async () => {
    const a = collect('a');
    const b = collect('b');
    const both = collect('both', [TOPIC, OTHER_TOPIC]);
    const other = collect('other', [OTHER_TOPIC]);
    for (let i = 0; i < 20; i++) broker.publish(TOPIC, message(i % 3 === 0 ? null : `key-${i % 5}`, i));
    broker.publish(OTHER_TOPIC, message('x', 100));

    await until(() => a.length === 20 && b.length === 20 && both.length === 21 && other.length === 1, 'every delivery');
    const range = Array.from({ length: 20 }, (_, i) => i);
    expect(a.map(n).sort((x, y) => x - y)).toEqual(range);
    expect(b.map(n).sort((x, y) => x - y)).toEqual(range);
    expect(both.map(n).sort((x, y) => x - y)).toEqual([...range, 100]);
    expect(other.map((d) => [d.topic, n(d)])).toEqual([[OTHER_TOPIC, 100]]);
    await turns(20);
    expect([a.length, b.length, both.length, other.length]).toEqual([20, 20, 21, 1]);
  });

  it('hands over key, headers and body unchanged, with the topic', async () => {
    const got = collect('g');
    broker.publish(TOPIC, { key: 'c_✓', headers: { ce_id: 'id-1', 'content-type': 'application/json' }, value: Buffer.from('{"a":1}') });
    broker.publish(TOPIC, { key: null, headers: {}, value: null });
    await until(() => got.length === 2, 'two deliveries');
    const byKey = new Map(got.map((d) => [d.key, d]));
    expect(byKey.get('c_✓')).toMatchObject({ topic: TOPIC, key: 'c_✓', headers: { ce_id: 'id-1', 'content-type': 'application/json' }, value: Buffer.from('{"a":1}') });
    expect(byKey.get(null)).toMatchObject({ topic: TOPIC, key: null, partition: 0, headers: {}, value: null });
  });

  it('delivers messages with the same key in publish order, one at a time, however long each takes', async () => {
    const done: Delivery[] = [];
    const inFlight = new Map<number, number>();
    let overlap = false;
    subscribe('g', [TOPIC], async (d) => {
      inFlight.set(d.partition, (inFlight.get(d.partition) ?? 0) + 1);
      if (inFlight.get(d.partition)! > 1) overlap = true;
      // Earlier messages take longer, so any reordering would show.
      await turns(40 - n(d));
      inFlight.set(d.partition, inFlight.get(d.partition)! - 1);
      done.push(d);
    });
    const keys = ['alpha', 'beta', 'gamma', 'δέλτα'];
    for (let i = 0; i < 40; i++) broker.publish(TOPIC, message(keys[i % keys.length], i));

    await until(() => done.length === 40, 'all 40 deliveries');
    for (const key of keys) {
      const expected = Array.from({ length: 40 }, (_, i) => i).filter((i) => keys[i % keys.length] === key);
      expect({ key, order: done.filter((d) => d.key === key).map(n) }).toEqual({ key, order: expected });
    }
    expect(overlap).toBe(false);
  });

  it('delivers a message whose handler rejects again, and holds back later messages of its partition', async () => {
    const attempts: number[] = [];
    let healthy = false;
    subscribe('g', [TOPIC], async (d) => {
      attempts.push(n(d));
      if (n(d) === 1 && !healthy) throw new Error('handler down');
    });
    const other = await keyOutside(await partitionOf('k'));
    broker.publish(TOPIC, message('k', 1));
    broker.publish(TOPIC, message('k', 2));
    broker.publish(TOPIC, message(other, 3));

    await until(() => attempts.filter((x) => x === 1).length >= 3 && attempts.includes(3), 'retries of 1 and the other partition');
    expect(attempts).not.toContain(2);

    healthy = true;
    await until(() => attempts.includes(2), 'message 2 after message 1 succeeded');
    const lastOfOne = attempts.lastIndexOf(1);
    expect(attempts.indexOf(2)).toBeGreaterThan(lastOfOne);
    expect(attempts.filter((x) => x === 2)).toEqual([2]);
    expect(attempts.filter((x) => x === 3)).toEqual([3]);
  });

  it('redelivers a handler that throws synchronously', async () => {
    let calls = 0;
    subscribe('g', [TOPIC], ((d: Delivery) => {
      calls++;
      if (calls < 3) throw new Error(`sync failure ${n(d)}`);
      return Promise.resolve();
    }) as (d: Delivery) => Promise<void>);
    broker.publish(TOPIC, message('k', 1));
    await until(() => calls === 3, 'the third attempt');
    await turns(20);
    expect(calls).toBe(3);
  });

  it('numbers offsets from 0 per topic and partition, in publish order', async () => {
    const got = collect('g', [TOPIC, OTHER_TOPIC]);
    const second = await keyOutside(await partitionOf('first'));
    const plan: [string, string | null][] = [
      [TOPIC, 'first'],
      [TOPIC, second],
      [TOPIC, 'first'],
      [TOPIC, null],
      [OTHER_TOPIC, 'first'],
      [TOPIC, 'first'],
      [TOPIC, second],
      [TOPIC, null],
    ];
    plan.forEach(([topic, key], i) => broker.publish(topic, message(key, i)));
    await until(() => got.length === plan.length, 'every delivery');

    const offsets = (topic: string, key: string | null) =>
      got
        .filter((d) => d.topic === topic && d.key === key)
        .sort((x, y) => n(x) - n(y))
        .map((d) => d.offset);
    expect(offsets(TOPIC, 'first')).toEqual(['0', '1', '2']);
    expect(offsets(TOPIC, second)).toEqual(['0', '1']);
    expect(offsets(TOPIC, null)).toEqual(['0', '1']);
    expect(offsets(OTHER_TOPIC, 'first')).toEqual(['0']);
    for (const d of got) expect(d.partition === 0 || d.key !== null).toBe(true);
    for (const d of got) expect(Number.isInteger(d.partition) && d.partition >= 0 && d.partition < broker.partitions).toBe(true);
  });

  it('gives every group the same partition and offset for one message', async () => {
    const a = collect('a');
    const b = collect('b');
    for (let i = 0; i < 10; i++) broker.publish(TOPIC, message(`key-${i % 4}`, i));
    await until(() => a.length === 10 && b.length === 10, 'both groups');
    const positions = (got: Delivery[]) => got.map((d) => `${n(d)}@${d.partition}/${d.offset}`).sort();
    expect(positions(a)).toEqual(positions(b));
  });

  describe('batch subscriptions', () => {
    function subscribeBatch(group: string, max: number, deliver: (ds: Delivery[]) => Promise<void>): () => Promise<void> {
      const stop = broker.subscribeBatch(group, [TOPIC], deliver, max);
      stops.push(stop);
      return stop;
    }

    it('hands over what is queued for a partition, in offset order, at most maxBatch at a time', async () => {
      const batches: Delivery[][] = [];
      subscribeBatch('g', 3, async (ds) => {
        batches.push(ds);
      });
      for (let i = 0; i < 7; i++) broker.publish(TOPIC, message('k', i));
      await until(() => batches.flat().length === 7, 'all seven');
      expect(batches.map((b) => b.map(n))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
      expect(batches.flat().map((d) => d.offset)).toEqual(['0', '1', '2', '3', '4', '5', '6']);
    });

    it('never mixes partitions in one batch', async () => {
      const batches: Delivery[][] = [];
      subscribeBatch('g', 100, async (ds) => {
        batches.push(ds);
      });
      const other = await keyOutside(await partitionOf('k'));
      for (let i = 0; i < 6; i++) broker.publish(TOPIC, message(i % 2 === 0 ? 'k' : other, i));
      await until(() => batches.flat().length === 6, 'all six');
      for (const batch of batches) expect(new Set(batch.map((d) => d.partition)).size).toBe(1);
      expect(batches.map((b) => b.map(n)).sort()).toEqual([[0, 2, 4], [1, 3, 5]]);
    });

    it('delivers a failed batch again whole, and holds back what came after it', async () => {
      const attempts: number[][] = [];
      let healthy = false;
      subscribeBatch('g', 2, async (ds) => {
        attempts.push(ds.map(n));
        if (!healthy) throw new Error('database away');
      });
      for (let i = 0; i < 3; i++) broker.publish(TOPIC, message('k', i));
      await until(() => attempts.length >= 3, 'three attempts');
      expect(new Set(attempts.map((a) => a.join(',')))).toEqual(new Set(['0,1']));
      healthy = true;
      await until(() => attempts.some((a) => a.includes(2)), 'the message after the batch');
      expect(attempts.filter((a) => a.includes(2))).toEqual([[2]]);
    });
  });

  describe('unsubscribing', () => {
    it('waits for the delivery in flight, and stops delivering queued messages', async () => {
      const release = gate();
      const started: number[] = [];
      const finished: number[] = [];
      const stop = subscribe('g', [TOPIC], async (d) => {
        started.push(n(d));
        if (n(d) === 1) await release.wait;
        finished.push(n(d));
      });
      broker.publish(TOPIC, message('k', 1));
      broker.publish(TOPIC, message('k', 2));
      await until(() => started.includes(1), 'the first delivery to start');

      let stopped = false;
      const stopping = stop().then(() => {
        stopped = true;
      });
      await turns(20);
      expect(stopped).toBe(false);

      release.open();
      await stopping;
      expect(finished).toEqual([1]);
      broker.publish(TOPIC, message('k', 3));
      await turns(20);
      expect(started).toEqual([1]);
    });

    it('stops redelivering a failing message', async () => {
      let calls = 0;
      const stop = subscribe('g', [TOPIC], async () => {
        calls++;
        throw new Error('always failing');
      });
      broker.publish(TOPIC, message('k', 1));
      await until(() => calls >= 2, 'a redelivery');
      await stop();
      const after = calls;
      await turns(20);
      expect(calls).toBe(after);
    });

    it('leaves the other groups subscribed', async () => {
      const stopA = subscribe('a', [TOPIC], async () => undefined);
      const b = collect('b');
      await stopA();
      broker.publish(TOPIC, message('k', 1));
      await until(() => b.length === 1, 'group b');
    });

    it('is safe to call twice: the second call must not unsubscribe another group', async () => {
      const stopA = subscribe('a', [TOPIC], async () => undefined);
      const b = collect('b');
      await stopA();
      await stopA();
      const sentinel = collect('sentinel');
      broker.publish(TOPIC, message('k', 1));
      await until(() => sentinel.length === 1, 'the sentinel group');
      await turns(20);
      expect(b.map(n)).toEqual([1]);
    });
  });
});
