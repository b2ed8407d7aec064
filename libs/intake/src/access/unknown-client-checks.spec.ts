// Real: UnknownClientChecks. Stubbed: the publish function (it records, or fails on demand), the
// clock and the scheduler (a test closes windows by running what was scheduled).
import { EventData, Topic } from '@admit/contracts';
import { OTHER_UNKNOWN_CLIENTS, UnknownClientChecks } from './unknown-client-checks';

type Checked = EventData<typeof Topic.AccessChecked>;

const check = (client_id: string, n: number): Checked => ({
  check_id: `check-${client_id}-${n}`,
  client_id,
  action: 'read',
  resource: 'doc',
  decision: 'deny',
  reasons: [{ code: 'ERR_NOT_ADMITTED', description: 'no current admission for this client: it must register again' }],
  policy_version: `sha256:${'0'.repeat(64)}`,
  path: 'pipeline',
  checked_at: 'ignored',
});

describe('UnknownClientChecks', () => {
  let now: number;
  let scheduled: Array<{ run: () => void; ms: number }>;
  let published: Checked[];
  let failing: boolean;
  let checks: UnknownClientChecks;
  const runScheduled = async () => {
    const due = scheduled.splice(0);
    for (const { run } of due) run();
    await new Promise((resolve) => setImmediate(resolve));
  };

  beforeEach(() => {
    now = Date.parse('2026-11-30T12:00:00.000Z');
    scheduled = [];
    published = [];
    failing = false;
    const publish = async (event: Checked) => {
      if (failing) throw new Error('broker away');
      published.push(event);
    };
    checks = new UnknownClientChecks(publish, { windowMs: 60_000, maxClients: 2, now: () => now, schedule: (run, ms) => scheduled.push({ run, ms }) });
  });

  it('publishes one event per client id and window, counting every check in it', async () => {
    const ids = [checks.record(check('c_a', 1))];
    now += 30_000;
    ids.push(checks.record(check('c_a', 2)), checks.record(check('c_a', 3)));
    expect(ids).toEqual(['check-c_a-1', 'check-c_a-1', 'check-c_a-1']);
    expect(scheduled.map((s) => s.ms)).toEqual([60_000]);
    await runScheduled();
    expect(published).toEqual([
      { ...check('c_a', 1), count: 3, first_checked_at: '2026-11-30T12:00:00.000Z', checked_at: '2026-11-30T12:00:30.000Z' },
    ]);
    // The next check opens a new window.
    expect(checks.record(check('c_a', 4))).toBe('check-c_a-4');
  });

  it('gathers the checks of client ids past the bound in one window under "*", so random ids cannot grow the store either', async () => {
    checks.record(check('c_a', 1));
    checks.record(check('c_b', 1));
    for (let i = 0; i < 100; i++) checks.record(check(`c_random_${i}`, i));
    checks.record(check('c_a', 2));
    await runScheduled();
    expect(published.map((e) => [e.client_id, e.count])).toEqual([
      ['c_a', 2],
      ['c_b', 1],
      [OTHER_UNKNOWN_CLIENTS, 100],
    ]);
    expect(published[2]).not.toHaveProperty('resource');
  });

  it('keeps a window whose event could not be published, and publishes it later', async () => {
    checks.record(check('c_a', 1));
    failing = true;
    await runScheduled();
    expect(published).toEqual([]);
    failing = false;
    await runScheduled();
    expect(published).toMatchObject([{ client_id: 'c_a', count: 1 }]);
  });

  it('closes every open window at shutdown', async () => {
    checks.record(check('c_a', 1));
    checks.record(check('c_b', 1));
    await checks.closeAll();
    expect(published.map((e) => e.client_id)).toEqual(['c_a', 'c_b']);
  });
});
