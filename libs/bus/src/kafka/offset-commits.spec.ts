// Real: OffsetCommits; the commit function records each request it is asked to send and can be held open.
import { gate, tick, turns, until } from '../testing/event-loop';
import { OffsetCommits, PartitionOffset } from './offset-commits';

describe('OffsetCommits', () => {
  const committed: string[] = [];
  const requests: string[][] = [];
  const warnings: string[] = [];
  let hold: Promise<void> = Promise.resolve();
  const named = (offsets: PartitionOffset[]) => offsets.map(({ topic, partition, offset }) => `${topic}/${partition}@${offset}`);
  const commits = (intervalMs?: number) =>
    new OffsetCommits(
      async (offsets) => {
        await hold;
        requests.push(named(offsets));
        committed.push(...named(offsets));
      },
      (message) => warnings.push(message),
      intervalMs,
    );

  beforeEach(() => {
    committed.length = 0;
    requests.length = 0;
    warnings.length = 0;
    hold = Promise.resolve();
  });

  it('commits a chunk’s offset only once it and every earlier chunk of the partition are handled', async () => {
    const offsets = commits();
    const early = gate();
    const late = gate();
    offsets.after('t', 0, '5', early.wait);
    offsets.after('t', 0, '9', late.wait);
    offsets.after('t', 1, '3', Promise.resolve());
    late.open();
    await tick();
    expect(committed).toEqual(['t/1@3']);
    early.open();
    await offsets.flushed();
    expect(committed).toEqual(['t/1@3', 't/0@5', 't/0@9']);
  });

  it('commits nothing past a chunk whose handling was given up (closing)', async () => {
    const offsets = commits();
    offsets.after('t', 0, '2', Promise.resolve());
    offsets.after('t', 0, '4', Promise.reject(new Error('closing')));
    offsets.after('t', 0, '6', Promise.resolve());
    await offsets.flushed();
    expect(committed).toEqual(['t/0@2']);
  });

  it('sends only the latest offset waiting while a commit is in flight', async () => {
    const offsets = commits();
    const slowCommit = gate();
    hold = slowCommit.wait;
    offsets.after('t', 0, '1', Promise.resolve());
    await tick();
    offsets.after('t', 0, '2', Promise.resolve());
    offsets.after('t', 0, '3', Promise.resolve());
    await tick();
    slowCommit.open();
    await offsets.flushed();
    expect(committed).toEqual(['t/0@1', 't/0@3']);
  });

  it('sends the offsets of every partition waiting while a commit is in flight as one request', async () => {
    const offsets = commits();
    const slowCommit = gate();
    hold = slowCommit.wait;
    offsets.after('t', 0, '1', Promise.resolve());
    await tick();
    offsets.after('t', 1, '4', Promise.resolve());
    offsets.after('u', 2, '7', Promise.resolve());
    offsets.after('t', 1, '5', Promise.resolve());
    await tick();
    slowCommit.open();
    await offsets.flushed();
    expect(requests).toEqual([['t/0@1'], ['t/1@5', 'u/2@7']]);
  });

  it('starts at most one commit per interval, and sends what waited meanwhile in one request', async () => {
    const offsets = commits(50);
    offsets.after('t', 0, '1', Promise.resolve());
    await tick();
    offsets.after('t', 0, '2', Promise.resolve());
    offsets.after('t', 1, '4', Promise.resolve());
    await turns(5);
    expect(requests).toEqual([['t/0@1']]);
    await until(() => requests.length === 2, 'the commit after the interval');
    expect(requests).toEqual([['t/0@1'], ['t/0@2', 't/1@4']]);
  });

  it('sends what waits for the interval at once when closing', async () => {
    // An interval no test outlives: flushed() must not wait it out.
    const offsets = commits(600_000);
    offsets.after('t', 0, '1', Promise.resolve());
    await tick();
    offsets.after('t', 0, '2', Promise.resolve());
    await turns(5);
    expect(committed).toEqual(['t/0@1']);
    await offsets.flushed();
    expect(committed).toEqual(['t/0@1', 't/0@2']);
  });

  it('a refused commit is reported and covered by the next one', async () => {
    let refuse = true;
    const offsets = new OffsetCommits(
      async (list) => {
        if (refuse) throw new Error('rebalance in progress');
        committed.push(...named(list));
      },
      (message) => warnings.push(message),
    );
    offsets.after('t', 0, '1', Promise.resolve());
    await offsets.flushed();
    refuse = false;
    offsets.after('t', 0, '2', Promise.resolve());
    await offsets.flushed();
    expect(warnings).toEqual(['committing t/0@1 failed: rebalance in progress']);
    expect(committed).toEqual(['t/0@2']);
  });
});
