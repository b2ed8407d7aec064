// Real: the five built apps as separate processes (node dist/apps/*/main.js), the Kafka broker,
// PostgreSQL. Nothing stubbed. Reads what operators read: the JSON log lines, the events on the
// topics, and GET /metrics.
import { Topic } from '@admit/contracts';
import { selfAssertedPolicyDir, Stack, startDistributed } from '@admit/launcher';
import { adminTokenEntryYaml, AdminScope, hashAdminToken, newAdminToken } from '@admit/platform';
import { generateKeyPair, SignJWT } from 'jose';
import { Kafka, logLevel } from 'kafkajs';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createTestTopics, KAFKA_BROKERS, TestTopics } from '../support/kafka';
import { startOtlpReceiver, traceTree } from '../support/otlp-receiver';
import { eventually } from '../support/poll';

type LogLine = Record<string, unknown> & { service?: string; msg?: string; trace_id?: string; request_id?: string };

describe('observability (distributed)', () => {
  const policies = selfAssertedPolicyDir();
  const adminToken = newAdminToken();
  const lines: string[] = [];
  let dir: string;
  let db: TestDatabase;
  let topics: TestTopics;
  let stack: Stack;
  let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>;
  const url = (name: string) => stack.apps.find((a) => a.name === name)!.url;
  const logs = (): LogLine[] =>
    lines.flatMap((l) => {
      try {
        return [JSON.parse(l) as LogLine];
      } catch {
        return [];
      }
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'admit-observe-'));
    writeFileSync(join(dir, 'admin-tokens.yaml'), ['tokens:', adminTokenEntryYaml({ name: 'observer', sha256: hashAdminToken(adminToken), scopes: [AdminScope.RevocationsRead] })].join('\n'));
    [db, topics, otlp] = await Promise.all([createTestDatabase('e2e_observe'), createTestTopics('e2e-observe'), startOtlpReceiver()]);
    stack = await startDistributed({
      env: {
        KAFKA_BROKERS: KAFKA_BROKERS.join(','),
        DATABASE_URL: db.url,
        ADMIT_KAFKA_TOPIC_PREFIX: topics.prefix,
        ADMIT_KAFKA_GROUP_PREFIX: topics.prefix,
        ADMIT_HTTP_PORT: '0',
        ADMIT_POLICY_DIR: policies.dir,
        ADMIT_ADMIN_TOKENS_FILE: join(dir, 'admin-tokens.yaml'),
        ADMIT_LOG_LEVEL: 'debug',
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      },
      onLine: (line) => lines.push(line),
    });
  });
  afterAll(async () => {
    const codes = stack ? await stack.stop() : {};
    await Promise.all([db?.drop(), topics?.drop(), otlp?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
    policies.remove();
    expect(Object.values(codes).every((c) => c === 0)).toBe(true);
  });

  it('exports one registration as one connected OpenTelemetry trace across the services (OTLP/HTTP)', async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const res = await fetch(`${stack.intakeUrl}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${callerSpan}-01` },
      body: JSON.stringify({ redirect_uris: ['https://app.example/cb'], client_name: `exported ${randomUUID()}` }),
    });
    expect(res.status).toBe(201);
    // Every service's part, down to the audit service storing the decision.
    const spans = await eventually('the spans of every service', () => {
      const mine = otlp.spans.filter((s) => s.traceId === traceId);
      const wanted: [string, RegExp][] = [
        ['admit-intake', /^POST \/register$/],
        ['admit-validator', new RegExp(`validator process \\S*${Topic.RegistrationRequested}$`)],
        ['admit-policy', new RegExp(`policy process \\S*${Topic.RegistrationValidated}$`)],
        ['admit-policy', /^cedar decide registration$/],
        ['admit-intake', new RegExp(`intake process \\S*${Topic.RegistrationDecided}$`)],
        ['admit-audit', new RegExp(`audit process \\S*${Topic.RegistrationDecided}$`)],
        ['admit-audit', /^audit append$/],
      ];
      return wanted.every(([service, name]) => mine.some((s) => s.service === service && name.test(s.name))) ? mine : undefined;
    });
    // Connected: the request's span is a child of the caller's, and every other span's parent is a span of the trace.
    const ids = new Set(spans.map((s) => s.spanId));
    const roots = spans.filter((s) => !ids.has(s.parentSpanId ?? ''));
    expect(roots.map((s) => [s.service, s.name, s.parentSpanId])).toEqual([['admit-intake', 'POST /register', callerSpan]]);
    expect(traceTree(spans)).toMatch(/^POST \/register {2}\[admit-intake\]\n {2}/);
  });

  it('keeps one registration in one trace: the caller’s trace id is on its events and on every service’s log lines', async () => {
    const traceId = randomBytes(16).toString('hex');
    const res = await fetch(`${stack.intakeUrl}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`, 'x-request-id': 'observe-1' },
      body: JSON.stringify({ redirect_uris: ['https://app.example/cb'], client_name: `traced ${randomUUID()}` }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBe('observe-1');
    const { client_id } = (await res.json()) as { client_id: string };

    // The events on the topics, as any consumer reads them.
    const kafka = new Kafka({ clientId: 'observe-test', brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `${topics.prefix}observe-test-${randomUUID()}` });
    const seen = new Map<string, string>();
    await consumer.connect();
    try {
      const wanted = [Topic.RegistrationRequested, Topic.RegistrationValidated, Topic.RegistrationDecided];
      await consumer.subscribe({ topics: wanted.map((t) => `${topics.prefix}${t}`), fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          if (message.headers?.ce_subject?.toString() === client_id) seen.set(String(message.headers.ce_type), String(message.headers.traceparent));
        },
      });
      await eventually('the three events of the registration', () => (seen.size === 3 ? true : undefined));
    } finally {
      await consumer.disconnect();
    }
    for (const traceparent of seen.values()) expect(traceparent.split('-')[1]).toBe(traceId);

    // intake answered the request, validator and policy handled its events, audit stored them: all in the trace.
    const traced = await eventually('every service logging the trace', () => {
      const services = new Set(logs().filter((l) => l.trace_id === traceId).map((l) => l.service));
      return ['intake', 'validator', 'policy', 'audit'].every((s) => services.has(s)) ? services : undefined;
    });
    expect([...traced].sort()).toEqual(expect.arrayContaining(['audit', 'intake', 'policy', 'validator']));
    expect(logs().find((l) => l.service === 'intake' && l.request_id === 'observe-1' && l.trace_id === traceId)).toBeDefined();
  });

  it('never logs a software statement or an admin token', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const statement = await new SignJWT({ software_id: 'observe', redirect_uris: ['https://app.example/cb'] })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer('https://not-an-anchor.example')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    const registered = await fetch(`${stack.intakeUrl}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'observe-statement' },
      body: JSON.stringify({ software_statement: statement, redirect_uris: ['https://app.example/cb'] }),
    });
    expect(registered.status).toBe(400);
    const admin = await fetch(`${url('revocation')}/revocations`, { headers: { authorization: `Bearer ${adminToken}`, 'x-request-id': 'observe-admin' } });
    expect(admin.status).toBe(200);

    // Both requests were logged (so the absence below means something) ...
    await eventually('the two requests in the logs', () =>
      ['observe-statement', 'observe-admin'].every((id) => logs().some((l) => l.request_id === id)) ? true : undefined,
    );
    // ... and no line anywhere holds the statement, its signature, or the token.
    const all = lines.join('\n');
    expect(all).not.toContain(statement);
    expect(all).not.toContain(statement.split('.')[2]);
    expect(all).not.toContain(adminToken);
    expect(all).not.toContain(adminToken.slice('admit_'.length));
  });

  it('serves every metric the Grafana dashboard and the Prometheus alert rules name', async () => {
    const files = ['ops/grafana/admit-dashboard.json', 'ops/prometheus/admit-alerts.yml'].map((f) => readFileSync(join(__dirname, '..', '..', f), 'utf8'));
    const named = new Set(files.flatMap((text) => [...text.matchAll(/\b((?:admit|process|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1])));
    expect(named.size).toBeGreaterThan(10);
    // What any app serves: every series name, and each histogram's base name.
    const served = new Set<string>();
    for (const app of stack.apps) {
      const text = await (await fetch(`${app.url}/metrics`)).text();
      for (const [, name] of text.matchAll(/^([a-z_][a-z0-9_]*)(?:\{| )/gm)) served.add(name);
    }
    expect([...named].filter((n) => !served.has(n)).sort()).toEqual([]);
  });

  it('exposes the named series at GET /metrics', async () => {
    const scrape = async (name: string) => {
      const res = await fetch(`${url(name)}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      return res.text();
    };
    const series = async (name: string, patterns: RegExp[]) => {
      const text = await eventually(`${name} metrics`, async () => {
        const t = await scrape(name);
        return patterns.every((p) => p.test(t)) ? t : undefined;
      });
      for (const p of patterns) expect(text).toMatch(p);
    };
    await series('intake', [
      /^admit_http_requests_total\{method="POST",route="\/register",status="201"\} [1-9]/m,
      /^admit_http_request_duration_seconds_bucket\{le="[^"]+",method="POST",route="\/register",status="201"\}/m,
      /^admit_revocations_in_force 0$/m,
      /^admit_decisions_total\{kind="access"|^# TYPE admit_decisions_total counter$/m,
    ]);
    await series('policy', [/^admit_decisions_total\{kind="registration",decision="allow",reason="[^"]+"\} [1-9]/m, /^admit_decisions_total\{kind="registration",decision="deny",reason="[^"]+"\} [1-9]/m]);
    await series('validator', [
      /^admit_bus_handler_duration_seconds_bucket\{le="[^"]+",consumer="validator",topic="admit\.registration\.requested\.v1",outcome="ok"\}/m,
      /^admit_kafka_consumer_lag\{group="validator",topic="admit\.registration\.requested\.v1",partition="\d+"\} \d+$/m,
      /^admit_fetches_total\{outcome="ok"\} \d+$/m,
      /^admit_cache_lookups_total\{cache="cimd",result="(hit|miss)"\} \d+$/m,
      /^admit_cache_lookups_total\{cache="statement",result="miss"\} [1-9]/m,
    ]);
    await series('audit', [/^admit_dead_letters_total\{consumer="none",topic="none",reason="none"\} 0$/m, /^process_cpu_seconds_total /m]);
  });
});
