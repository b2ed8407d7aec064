// Real: the built policy app (node dist/apps/policy/main.js), the Kafka broker, Cedar, policy folders
// on disk; the admit CLI run as a user runs it. Nothing stubbed.
import { BusTransport, kafkaTransport } from '@admit/bus';
import { PolicySetPublished, Topic } from '@admit/contracts';
import { RunningApp, startApp } from '@admit/launcher';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestTopics, KAFKA_BROKERS, TestTopics } from '../support/kafka';
import { PolicyDir, policyDir, REPO_POLICIES } from '@admit/launcher';
import { eventually } from '../support/poll';

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);

describe('the policy service', () => {
  let topics: TestTopics;
  let policies: PolicyDir;
  const apps: RunningApp[] = [];
  const transports: BusTransport[] = [];

  beforeAll(async () => {
    topics = await createTestTopics('e2e-policy');
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await Promise.all(transports.map((t) => t.follower.close()));
    policies?.remove();
    await topics?.drop();
  });

  const env = (dir: string) => ({
    KAFKA_BROKERS: KAFKA_BROKERS.join(','),
    ADMIT_KAFKA_TOPIC_PREFIX: topics.prefix,
    ADMIT_KAFKA_GROUP_PREFIX: topics.prefix,
    ADMIT_HTTP_PORT: '0',
    ADMIT_POLICY_DIR: dir,
    ADMIT_POLICY_RELOAD_MS: '100',
  });

  it('refuses to start on a policy the schema does not allow, with Cedar’s message', async () => {
    const bad = policyDir([], { 'typo.cedar': '@id("typo") permit (principal, action, resource) when { principal.sorce == "cimd" };' });
    try {
      const failed = startApp('policy', { env: env(bad.dir) });
      await expect(failed).rejects.toThrow(/^policy exited with 1 before it was ready:/);
      await expect(failed).rejects.toThrow('typo.cedar: for policy `typo`, attribute `sorce` on entity type `Admit::Client` not found');
    } finally {
      bad.remove();
    }
  });

  it('publishes the folder at start, then every valid change, and keeps the running version on an invalid one', async () => {
    policies = policyDir();
    const app = await startApp('policy', { env: env(policies.dir) });
    apps.push(app);
    const transport = kafkaTransport({ brokers: KAFKA_BROKERS, clientId: 'policy-e2e', groupPrefix: topics.prefix, topicPrefix: topics.prefix });
    transports.push(transport);
    const published: PolicySetPublished[] = [];
    await transport.follower.follow(Topic.Policies, (key, event) => {
      if (key === 'active' && event) published.push(event.data);
    });
    const first = await eventually('the set published at start', () => published[0]);
    expect(first.files.map((f) => f.name)).toEqual(['access.cedar', 'registration.cedar']);

    writeFileSync(join(policies.dir, 'zz-extra.cedar'), '@id("extra") forbid (principal, action, resource) when { false };');
    const second = await eventually('the changed set', () => published.find((p) => p.version !== first.version));
    expect(second.files.map((f) => f.name)).toEqual(['access.cedar', 'registration.cedar', 'zz-extra.cedar']);

    writeFileSync(join(policies.dir, 'zz-extra.cedar'), '@id("extra") forbid (principal, action, resource) when { principal.nope };');
    await eventually('the invalid change logged', () => (app.output().includes('zz-extra.cedar: for policy `extra`, attribute `nope`') ? true : undefined));
    expect(app.output()).toContain('the running version stays');
    writeFileSync(join(policies.dir, 'zz-extra.cedar'), '@id("extra2") forbid (principal, action, resource) when { false };');
    const third = await eventually('the next valid set', () => published.find((p) => p.version !== first.version && p.version !== second.version));
    // A follower may be handed a record again (it reads a table, not a queue): compare distinct versions.
    expect([...new Set(published.map((p) => p.version))]).toEqual([first.version, second.version, third.version]);
  });
});

describe('npx admit policy explain', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'admit-explain-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const explain = async (request: unknown, ...args: string[]) => {
    const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(request));
    return run(join(ROOT, 'node_modules', '.bin', 'admit'), ['policy', 'explain', '--request', file, '--policies', REPO_POLICIES, ...args], { cwd: ROOT });
  };
  const validated = {
    client_id: 'c_demo',
    source: 'self_asserted',
    outcome: 'valid',
    metadata: { redirect_uris: ['https://app.example/cb'] },
    errors: [],
    evidence: {},
    jkts: [],
    validated_at: '2026-06-01T12:00:00.000Z',
  };

  it('prints the decision, the determining policies and the reasons of a registration', async () => {
    const { stdout } = await explain({ validated, now: '2026-06-01T12:00:00.000Z' });
    expect(stdout).toMatch(
      /^decision: deny \(register\)\npolicy version: sha256:[0-9a-f]{64}\ndetermining policies: \(none: Cedar's default deny\)\nreasons:\n {2}- policy:self-asserted-not-admitted: self-asserted client metadata is not admitted by the active policy; use a client ID metadata document or a software statement from a trust anchor\n$/,
    );
  });

  it('prints JSON with --json, the same data the service decides', async () => {
    const cimd = { ...validated, client_id: 'https://app.example/c.json', source: 'cimd', metadata: { redirect_uris: ['http://127.0.0.1/cb'] } };
    const { stdout } = await explain({ validated: cimd, now: '2026-06-01T12:00:00.000Z' }, '--json');
    expect(JSON.parse(stdout)).toMatchObject({
      question: 'register',
      decision: 'allow',
      determining_policies: ['register-cimd'],
      reasons: [{ code: 'policy:register-cimd' }],
      admission: { expires_at: '2026-06-01T12:15:00.000Z', flags: ['loopback_redirect_uris'] },
    });
  });

  it('explains an access check, with revalidate', async () => {
    const admission = { source: 'cimd', jkts: [], evidence_sha256: 'a'.repeat(64), validated_at: '2026-06-01T12:00:00.000Z', expires_at: '2026-06-01T12:15:00.000Z', flags: [] };
    const request = { client_id: 'https://app.example/c.json', admission, action: 'delete_repo', context: { sensitivity: 'sensitive', client_assertion: 'verified' }, now: '2026-06-01T12:02:00.000Z' };
    const { stdout } = await explain(request);
    expect(stdout).toContain('decision: deny (access)\n');
    expect(stdout).toContain('determining policies: sensitive-needs-fresh-admission\n');
    expect(stdout).toContain('revalidate: true');
  });

  it('fails with exit code 1 and Cedar’s message on an invalid policy folder', async () => {
    const bad = policyDir([], { 'bad.cedar': 'permit (principal, action' });
    try {
      await expect(
        run(join(ROOT, 'node_modules', '.bin', 'admit'), ['policy', 'explain', '--request', join(dir, 'none.json'), '--policies', bad.dir], { cwd: ROOT }),
      ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('admit: cannot read') });
      writeFileSync(join(dir, 'ok.json'), JSON.stringify({ validated }));
      await expect(run(join(ROOT, 'node_modules', '.bin', 'admit'), ['policy', 'explain', '--request', join(dir, 'ok.json'), '--policies', bad.dir], { cwd: ROOT })).rejects.toMatchObject({
        code: 1,
        stderr: 'admit: bad.cedar: unexpected end of input\n',
      });
    } finally {
      bad.remove();
    }
  });

  it('answers a usage error with exit code 2', async () => {
    await expect(run(join(ROOT, 'node_modules', '.bin', 'admit'), ['policy', 'explain'], { cwd: ROOT })).rejects.toMatchObject({ code: 2 });
    await expect(run(join(ROOT, 'node_modules', '.bin', 'admit'), ['nope'], { cwd: ROOT })).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining("unknown command 'nope'") });
  });
});
