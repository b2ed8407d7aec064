// Real: the built apps as a user starts them, the Kafka broker, PostgreSQL / PGlite, one loopback
// HTTPS fixture with a CA made for this run, serving 24 dripping hosts (ports of 127.0.0.1) and one
// healthy host ([::1]), and ES256 statements signed with jose. Nothing stubbed.
//
// The attack: unauthenticated admissions of documents that drip one byte every 500 ms, each a
// fetch that holds on until its deadline (5 s). The promise: statements and healthy documents are
// answered while every dripping admission still waits, so none of them queued behind a drip. The
// order of the answers shows it; nothing is timed.
import { HttpsFixture, startHttpsFixture } from '@admit/metadata/testing';
import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { ServerResponse } from 'node:http';
import { AdmitUnderTest, MODES, startAdmit } from '../support/admit-under-test';
import { createTestAnchor, TestAnchor } from '../support/anchor';
import { eventually } from '../support/poll';

const ISSUER = 'https://directory.example';
const DRIPPING_HOSTS = 24;
const HEALTHY = 20;

describe.each(MODES)('slow metadata hosts cannot stall admissions (%s)', (mode) => {
  let fixture: HttpsFixture;
  let admit: AdmitUnderTest;
  let anchor: TestAnchor | undefined;
  const run = randomUUID().slice(0, 8);
  const drips = new Set<NodeJS.Timeout>();
  let dripping = 0;
  let drippingOrigins: string[];
  let healthyOrigin: string;
  let attack: Promise<Response>[] = [];

  /** Answers 200 and then one byte of whitespace every 500 ms, for as long as the client listens. */
  const drip = (res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    dripping += 1;
    const timer = setInterval(() => res.write(' '), 500);
    drips.add(timer);
    res.write(' ');
    res.on('close', () => {
      clearInterval(timer);
      drips.delete(timer);
      dripping -= 1;
    });
  };

  beforeAll(async () => {
    fixture = await startHttpsFixture();
    fixture.route('/drip.json', (_req, res) => drip(res));
    drippingOrigins = [];
    for (let i = 0; i < DRIPPING_HOSTS; i++) drippingOrigins.push(await fixture.listen('127.0.0.1'));
    healthyOrigin = await fixture.listen('::1');
    // One more of each, to warm up the process before the attack starts.
    for (let i = 0; i <= HEALTHY; i++) {
      const url = `${healthyOrigin}/clients/${run}-${i}.json`;
      fixture.route(`/clients/${run}-${i}.json`, {
        body: { client_id: url, client_name: `Healthy ${i}`, redirect_uris: ['https://app.example/cb'], token_endpoint_auth_method: 'none' },
        headers: { 'cache-control': 'max-age=300' },
      });
    }
    anchor = await createTestAnchor(ISSUER);
    admit = await startAdmit(mode, {
      ADMIT_FETCH_ALLOW_HOSTS: [...drippingOrigins, healthyOrigin].map((origin) => new URL(origin).host).join(','),
      ADMIT_FETCH_CA_FILE: fixture.caFile,
      ADMIT_TRUST_ANCHORS_FILE: anchor.file,
    });
  });
  afterAll(async () => {
    // Stopping waits for the requests in flight: the attack's are let finish first.
    await Promise.allSettled(attack);
    await admit?.close();
    for (const timer of drips) clearInterval(timer);
    await fixture?.close();
    anchor?.remove();
  });

  const post = (path: string, body: unknown) =>
    fetch(`${admit.stack.intakeUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  let attackAnswered = 0;
  /** The status and body of one request, and how many dripping admissions had been answered when it was. */
  async function answered(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown>; attackAnswered: number }> {
    const res = await post(path, body);
    const answer = (await res.json()) as Record<string, unknown>;
    return { status: res.status, body: answer, attackAnswered };
  }

  const sign = (claims: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'dir-1' }).setIssuedAt().setExpirationTime('10m').sign((anchor as TestAnchor).privateKey);

  it(`answers statement registrations and healthy documents while all ${DRIPPING_HOSTS} dripping admissions still wait`, async () => {
    // The first requests of a process load what every later one reuses; they are not the attack's doing.
    expect((await post('/register', { software_statement: await sign({ iss: ISSUER, software_id: `warm-${run}`, redirect_uris: ['https://app.example/cb'] }) })).status).toBe(201);
    expect((await post('/admissions', { client_id: `${healthyOrigin}/clients/${run}-${HEALTHY}.json` })).status).toBe(200);

    attack = drippingOrigins.map((origin) => post('/admissions', { client_id: `${origin}/drip.json` }));
    for (const answer of attack) void answer.finally(() => (attackAnswered += 1)).catch(() => undefined);
    // 24 hosts on one address: as many as the per-address cap (8) drip at once, the rest queue for it.
    await eventually('the dripping hosts to be fetched from', () => (dripping >= 8 ? true : undefined));

    const statements = await Promise.all(
      Array.from({ length: HEALTHY }, (_, i) => sign({ iss: ISSUER, software_id: `drip-${run}-${i}`, redirect_uris: ['https://app.example/cb'] })),
    );
    const [registered, admitted] = await Promise.all([
      Promise.all(statements.map((statement) => answered('/register', { software_statement: statement }))),
      Promise.all(Array.from({ length: HEALTHY }, (_, i) => answered('/admissions', { client_id: `${healthyOrigin}/clients/${run}-${i}.json` }))),
    ]);
    const drippingWhenAnswered = dripping;

    expect(registered.map(({ status, body }) => ({ status, software_id: body.software_id }))).toEqual(
      statements.map((_, i) => ({ status: 201, software_id: `drip-${run}-${i}` })),
    );
    for (const { body } of registered) expect(body.client_id).toMatch(/^s_[A-Za-z0-9_-]+$/);
    expect(admitted.map(({ status, body }) => ({ status, client_id: body.client_id }))).toEqual(
      Array.from({ length: HEALTHY }, (_, i) => ({ status: 200, client_id: `${healthyOrigin}/clients/${run}-${i}.json` })),
    );
    // Every one was answered before the first dripping admission was: none waited for a drip's deadline.
    expect([...registered, ...admitted].map((a) => a.attackAnswered)).toEqual(Array.from({ length: 2 * HEALTHY }, () => 0));
    // The attack was still going on when they were answered.
    expect(drippingWhenAnswered).toBeGreaterThan(0);

    // The dripping documents never finish: each is refused once its fetch's deadline passes.
    const refused = await Promise.all(
      attack.map(async (answer) => {
        const res = await answer;
        return { status: res.status, error: ((await res.json()) as { error: string }).error };
      }),
    );
    expect(refused).toEqual(drippingOrigins.map(() => ({ status: 400, error: 'invalid_client_metadata' })));
  });
});
