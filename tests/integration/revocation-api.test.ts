// Real: the Kafka broker (topics of its own), PostgreSQL (a database of its own), the migrations, the
// revocation service and the admin credential module, started as the revocation app starts them,
// over HTTP. The topics are read with a plain kafkajs consumer. Nothing stubbed.
import { kafkaTransport } from '@admit/bus';
import { Topic } from '@admit/contracts';
import { AdminAuthModule, hashAdminToken, startService } from '@admit/platform';
import { RevocationModule } from '@admit/revocation';
import { StoreModule } from '@admit/store';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Consumer, Kafka, logLevel } from 'kafkajs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Writable } from 'node:stream';
// The CLI as a user runs it, in-process (its commands are tested here against the real service).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { runCli } from '../../tools/cli/src/program';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createTestTopics, KAFKA_BROKERS, TestTopics } from '../support/kafka';
import { eventually } from '../support/poll';

const WRITER = `writer-${randomUUID()}`;
const READER = `reader-${randomUUID()}`;

interface Record {
  topic: string;
  key: string;
  value: unknown;
  type?: string;
}

/** Everything on the revocation and admin-action topics of one prefix, in arrival order. */
async function readTopics(prefix: string): Promise<{ records: Record[]; consumer: Consumer }> {
  const records: Record[] = [];
  const kafka = new Kafka({ clientId: 'admit-revocation-test', brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `${prefix}reader-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [`${prefix}${Topic.Revocations}`, `${prefix}${Topic.AdminActions}`], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      records.push({
        topic: topic.slice(prefix.length),
        key: message.key?.toString() ?? '',
        value: message.value === null ? null : JSON.parse(message.value.toString()),
        type: message.headers?.ce_type?.toString(),
      });
    },
  });
  return { records, consumer };
}

function collector(): Writable & { text: string } {
  const stream = new Writable({
    write(chunk, _enc, done) {
      stream.text += String(chunk);
      done();
    },
  }) as Writable & { text: string };
  stream.text = '';
  return stream;
}

describe('revocation service', () => {
  let db: TestDatabase;
  let topics: TestTopics;
  let app: NestFastifyApplication;
  let url: string;
  let pg: Client;
  let reading: { records: Record[]; consumer: Consumer };
  const consumers: Consumer[] = [];
  const tokensFile = join(mkdtempSync(join(tmpdir(), 'admit-admin-')), 'tokens.yaml');

  async function start(prefix: string): Promise<NestFastifyApplication> {
    const transport = kafkaTransport({ brokers: KAFKA_BROKERS, clientId: 'admit-revocation-test', groupPrefix: prefix, topicPrefix: prefix });
    return startService({
      name: 'revocation-test',
      imports: [StoreModule.forRoot({ url: db.appUrl }), AdminAuthModule.forRoot({ tokensFile }), RevocationModule.forRoot({ sweepIntervalMs: 200 })],
      transport,
      http: { host: '127.0.0.1', port: 0 },
      logLevel: 'error',
    });
  }

  function call(method: string, path: string, token?: string, body?: unknown) {
    return fetch(`${url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  /** An RFC 9457 problem with this status and code (and any other members), served as application/problem+json. */
  async function expectProblem(response: Response, status: number, code: string, members: object = {}): Promise<void> {
    expect([response.status, response.headers.get('content-type')]).toEqual([status, 'application/problem+json; charset=utf-8']);
    expect(await response.json()).toEqual({ type: 'about:blank', title: expect.any(String), status, detail: expect.any(String), code, ...members });
  }

  const on = (topic: string, key: string) => reading.records.filter((r) => r.topic === topic && r.key === key);
  const rows = async (value: string) => (await pg.query('SELECT * FROM revocations WHERE value = $1', [value])).rows;

  beforeAll(async () => {
    writeFileSync(
      tokensFile,
      `tokens:\n  - name: ops\n    sha256: ${hashAdminToken(WRITER)}\n    scopes: [revocations:write, revocations:read]\n` +
        `  - name: auditor\n    sha256: ${hashAdminToken(READER)}\n    scopes: [revocations:read, audit:read]\n`,
    );
    [db, topics] = await Promise.all([createTestDatabase('revocation'), createTestTopics('revocation')]);
    app = await start(topics.prefix);
    url = await app.getUrl();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    reading = await readTopics(topics.prefix);
    consumers.push(reading.consumer);
  });
  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect()));
    await pg?.end();
    await app?.close();
    await Promise.all([db?.drop(), topics?.drop()]);
  });

  it('refuses missing or wrong credentials with 401 and a read-only one with 403, and changes nothing', async () => {
    const value = `https://refused.example/${randomUUID()}`;
    const body = { kind: 'client_id', value, reason: 'test' };
    const attempts = [
      [await call('POST', '/revocations', undefined, body), 401, 'invalid_token', 'Bearer realm="admit"'],
      [await call('POST', '/revocations', `${WRITER}x`, body), 401, 'invalid_token', 'Bearer realm="admit", error="invalid_token"'],
      [await call('POST', '/revocations', READER, body), 403, 'insufficient_scope', 'Bearer realm="admit", error="insufficient_scope", scope="revocations:write"'],
      [await call('GET', '/revocations', 'not-a-token'), 401, 'invalid_token', 'Bearer realm="admit", error="invalid_token"'],
      [await call('DELETE', `/revocations/${randomUUID()}`, READER), 403, 'insufficient_scope', 'Bearer realm="admit", error="insufficient_scope", scope="revocations:write"'],
    ] as const;
    for (const [response, status, code, challenge] of attempts) {
      expect(response.headers.get('www-authenticate')).toBe(challenge);
      await expectProblem(response, status, code);
    }
    // The credential is checked before the body: a caller without one learns nothing about it.
    await expectProblem(await call('POST', '/revocations', undefined, '{"kind":'), 401, 'invalid_token');
    await expectProblem(await call('GET', '/revocations?include=everything', READER.slice(1)), 401, 'invalid_token');
    expect(await rows(value)).toEqual([]);
    // Nothing reaches the topics without an outbox row, and no refused request wrote one.
    expect((await pg.query(`SELECT * FROM revocation_outbox WHERE key LIKE $1 OR data::text LIKE $2`, [`%${value}`, `%${value}%`])).rows).toEqual([]);
  });

  it('revokes: 201, a row, the revocation on the compacted topic and an admin action naming the actor', async () => {
    const value = `https://app.example/${randomUUID()}`;
    const response = await call('POST', '/revocations', WRITER, { kind: 'client_id', value, reason: 'leaked key' });
    expect(response.status).toBe(201);
    const created = (await response.json()) as { id: string; created_at: string };
    expect(created).toEqual({ id: expect.any(String), kind: 'client_id', value, reason: 'leaked key', actor: 'ops', created_at: expect.any(String), status: 'active' });
    expect(await rows(value)).toMatchObject([{ id: created.id, status: 'active', actor: 'ops' }]);

    const key = `client_id:${value}`;
    // 201 means published (acks=all): the record is on the topic already, the consumer only has to read it.
    const [event] = await eventually('the revocation on the topic', () => on(Topic.Revocations, key)[0] && on(Topic.Revocations, key));
    expect(event).toEqual({ topic: Topic.Revocations, key, type: Topic.Revocations, value: { id: created.id, kind: 'client_id', value, reason: 'leaked key', actor: 'ops', created_at: created.created_at } });
    const action = await eventually('the admin action', () => on(Topic.AdminActions, 'ops').find((r) => (r.value as { target: string }).target === created.id));
    expect(action.value).toEqual({ actor: 'ops', action: 'revocation.created', target: created.id, details: { kind: 'client_id', value, reason: 'leaked key' }, at: expect.any(String) });
    expect(JSON.stringify(reading.records)).not.toContain(WRITER);

    const duplicate = await call('POST', '/revocations', WRITER, { kind: 'client_id', value, reason: 'again' });
    await expectProblem(duplicate, 409, 'ERR_REVOCATION_EXISTS', { revocation_id: created.id });

    expect(((await (await call('GET', '/revocations', READER)).json()) as { id: string }[]).map((r) => r.id)).toContain(created.id);
    expect(await (await call('GET', `/revocations/${created.id}`, READER)).json()).toMatchObject({ id: created.id, status: 'active' });
  });

  it.each([
    ['{"kind":', 'invalid_request'],
    ['[]', 'invalid_request'],
    [{ kind: 'client_id', value: 'x', reason: 'r', scope: 'all' }, 'ERR_REVOCATION_UNKNOWN_FIELD'],
    [{ kind: 'user', value: 'x', reason: 'r' }, 'ERR_REVOCATION_KIND_INVALID'],
    [{ value: 'x', reason: 'r' }, 'ERR_REVOCATION_KIND_INVALID'],
    [{ kind: 'client_id', value: 42, reason: 'r' }, 'ERR_REVOCATION_VALUE_INVALID'],
    [{ kind: 'jkt', value: 'short', reason: 'r' }, 'ERR_REVOCATION_VALUE_INVALID'],
    [{ kind: 'client_id', value: 'x', reason: '' }, 'ERR_REVOCATION_REASON_INVALID'],
    [{ kind: 'client_id', value: 'x', reason: 'r', expires_at: 'tomorrow' }, 'ERR_REVOCATION_EXPIRES_AT_INVALID'],
    [{ kind: 'client_id', value: 'x', reason: 'r', expires_at: '2020-01-01T00:00:00Z' }, 'ERR_REVOCATION_EXPIRES_AT_INVALID'],
  ])('answers 400 to %j with a problem coded %s and stores nothing', async (body, code) => {
    const before = (await pg.query('SELECT count(*)::int AS n FROM revocation_outbox')).rows[0].n as number;
    const response = await call('POST', '/revocations', WRITER, body);
    await expectProblem(response, 400, code);
    expect((await pg.query('SELECT count(*)::int AS n FROM revocation_outbox')).rows[0].n).toBe(before);
  });

  it('lifts: 204, a tombstone under kind:value and an admin action; then 409, and 404 for unknown ids', async () => {
    const value = `acme-${randomUUID()}`;
    const created = (await (await call('POST', '/revocations', WRITER, { kind: 'software_id', value, reason: 'recalled' })).json()) as { id: string };
    const lifted = await call('DELETE', `/revocations/${created.id}`, WRITER);
    expect(lifted.status).toBe(204);
    const key = `software_id:${value}`;
    await eventually('the tombstone', () => (on(Topic.Revocations, key).at(-1)?.value === null ? true : undefined));
    expect(on(Topic.Revocations, key).map((r) => (r.value === null ? null : 'revocation'))).toEqual(['revocation', null]);
    await eventually('the lift action', () =>
      on(Topic.AdminActions, 'ops').find((r) => (r.value as { action: string; target: string }).action === 'revocation.lifted' && (r.value as { target: string }).target === created.id),
    );
    expect(await rows(value)).toMatchObject([{ status: 'lifted', lifted_by: 'ops' }]);

    await expectProblem(await call('DELETE', `/revocations/${created.id}`, WRITER), 409, 'ERR_REVOCATION_NOT_ACTIVE', { revocation_id: created.id });
    for (const id of [randomUUID(), 'not-a-uuid']) {
      await expectProblem(await call('DELETE', `/revocations/${id}`, WRITER), 404, 'ERR_NOT_FOUND');
      await expectProblem(await call('GET', `/revocations/${id}`, READER), 404, 'ERR_NOT_FOUND');
    }
    const active = (await (await call('GET', '/revocations', READER)).json()) as { id: string }[];
    expect(active.map((r) => r.id)).not.toContain(created.id);
    const all = (await (await call('GET', '/revocations?include=lifted', READER)).json()) as { id: string; status: string }[];
    expect(all.find((r) => r.id === created.id)?.status).toBe('lifted');
    await expectProblem(await call('GET', '/revocations?include=everything', READER), 400, 'ERR_REVOCATION_INCLUDE_INVALID');
    await expectProblem(await call('GET', '/revocations?include=lifted&include=lifted', READER), 400, 'ERR_REVOCATION_INCLUDE_INVALID');
  });

  it('`admit revoke`, `admit revocations list` and `lift` drive the same API: in force, listed, lifted, and refusals in one line', async () => {
    const value = `https://cli.example/${randomUUID()}`;
    const admit = async (token: string | undefined, ...args: string[]) => {
      const [out, err] = [collector(), collector()];
      const saved = process.env.ADMIT_ADMIN_TOKEN;
      if (token === undefined) delete process.env.ADMIT_ADMIN_TOKEN;
      else process.env.ADMIT_ADMIN_TOKEN = token;
      try {
        return { code: await runCli(args, { out, err }), out: out.text, err: err.text };
      } finally {
        if (saved === undefined) delete process.env.ADMIT_ADMIN_TOKEN;
        else process.env.ADMIT_ADMIN_TOKEN = saved;
      }
    };
    const revoked = await admit(WRITER, 'revoke', 'client_id', value, '--reason=leaked key', `--url=${url}`, '--json');
    expect({ code: revoked.code, err: revoked.err }).toEqual({ code: 0, err: '' });
    const created = JSON.parse(revoked.out) as { id: string };
    expect(created).toEqual({ id: expect.any(String), kind: 'client_id', value, reason: 'leaked key', actor: 'ops', created_at: expect.any(String), status: 'active' });
    expect(await rows(value)).toMatchObject([{ id: created.id, status: 'active', actor: 'ops' }]);

    const listed = await admit(READER, 'revocations', 'list', '--url', url, '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.out)).toContainEqual(created);
    const lines = await admit(READER, 'revocations', 'list', '--url', url);
    expect(lines.out).toContain(`${created.id}  active  client_id=${value}  by ops`);

    const again = await admit(WRITER, 'revoke', 'client_id', value, '--reason', 'again', '--url', url);
    expect(again).toEqual({ code: 1, out: '', err: `admit: POST /revocations: 409 ERR_REVOCATION_EXISTS: client_id ${JSON.stringify(value)} is already revoked (revocation ${created.id})\n` });
    const readOnly = await admit(READER, 'revocations', 'lift', created.id, '--url', url);
    expect({ code: readOnly.code, out: readOnly.out }).toEqual({ code: 1, out: '' });
    expect(readOnly.err).toMatch(/^admit: DELETE \/revocations\/[0-9a-f-]+: 403 insufficient_scope/);
    expect(await admit(undefined, 'revocations', 'list', '--url', url)).toEqual({ code: 2, out: '', err: 'admit: set ADMIT_ADMIN_TOKEN to an admin token with the revocations:read scope\n' });

    const lifted = await admit(WRITER, 'revocations', 'lift', created.id, '--url', url);
    expect(lifted).toEqual({ code: 0, out: `lifted ${created.id}\n`, err: '' });
    expect(await rows(value)).toMatchObject([{ id: created.id, status: 'lifted', lifted_by: 'ops' }]);
    const all = await admit(READER, 'revocations', 'list', '--all', '--url', url, '--json');
    expect(JSON.parse(all.out)).toContainEqual(expect.objectContaining({ id: created.id, status: 'lifted', lifted_by: 'ops' }));
  });

  it('lapses at expires_at: row expired, tombstone, and an admin action by system', async () => {
    const value = `https://lapsing.example/${randomUUID()}`;
    // Far enough ahead to still be in the future when the API reads it on a busy machine (it refuses a past one).
    const expiresAt = new Date(Date.now() + 5_000).toISOString();
    const response = await call('POST', '/revocations', WRITER, { kind: 'client_id', value, reason: 'temporary', expires_at: expiresAt });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    const key = `client_id:${value}`;
    await eventually('the tombstone after expiry', () => (on(Topic.Revocations, key).at(-1)?.value === null ? true : undefined));
    expect(await rows(value)).toMatchObject([{ status: 'expired', lifted_by: 'system' }]);
    const action = await eventually('the expiry action', () => on(Topic.AdminActions, 'system').find((r) => (r.value as { target: string }).target === id));
    expect(action.value).toMatchObject({ actor: 'system', action: 'revocation.expired', details: { kind: 'client_id', value, expires_at: expiresAt } });
  });

  it('rebuilds an empty topic from the database at start: active revocations, and tombstones for ended ones', async () => {
    const kept = `https://kept.example/${randomUUID()}`;
    const ended = `https://ended.example/${randomUUID()}`;
    const keptId = ((await (await call('POST', '/revocations', WRITER, { kind: 'client_id', value: kept, reason: 'kept' })).json()) as { id: string }).id;
    const endedId = ((await (await call('POST', '/revocations', WRITER, { kind: 'client_id', value: ended, reason: 'ended' })).json()) as { id: string }).id;
    expect((await call('DELETE', `/revocations/${endedId}`, WRITER)).status).toBe(204);
    await app.close();

    const fresh = await createTestTopics('revocation-restart');
    try {
      app = await start(fresh.prefix);
      url = await app.getUrl();
      const rebuilt = await readTopics(fresh.prefix);
      consumers.push(rebuilt.consumer);
      const at = (key: string) => rebuilt.records.filter((r) => r.topic === Topic.Revocations && r.key === key);
      await eventually('both keys on the new topic', () => (at(`client_id:${kept}`).length > 0 && at(`client_id:${ended}`).length > 0 ? true : undefined));
      expect(at(`client_id:${kept}`).at(-1)?.value).toMatchObject({ id: keptId, value: kept, actor: 'ops' });
      expect(at(`client_id:${ended}`).at(-1)?.value).toBeNull();
    } finally {
      await app.close();
      app = await start(topics.prefix);
      await fresh.drop();
    }
  });
});
