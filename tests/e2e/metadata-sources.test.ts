// Real: the built apps as a user starts them, the Kafka broker, PostgreSQL / PGlite, a loopback HTTPS
// server with a CA made for this run (the only host the SSRF guard is told to allow), and ES256
// statements signed with jose. Nothing stubbed.
import { HttpsFixture, startHttpsFixture } from '@admit/metadata/testing';
import { SignJWT } from 'jose';
import { createHash, randomUUID } from 'node:crypto';
import { AdmitUnderTest, MODES, startAdmit } from '../support/admit-under-test';
import { createTestAnchor, TestAnchor } from '../support/anchor';

const ISSUER = 'https://directory.example';

describe.each(MODES)('client metadata documents and software statements (%s)', (mode) => {
  let fixture: HttpsFixture;
  let admit: AdmitUnderTest;
  let anchor: TestAnchor | undefined;
  let sign: (claims: Record<string, unknown>, kid?: string, iat?: number) => Promise<string>;
  const run = randomUUID().slice(0, 8);
  let documentUrl: string;
  let documentBody: string;

  beforeAll(async () => {
    fixture = await startHttpsFixture();
    documentUrl = `${fixture.origin}/clients/${run}.json`;
    documentBody = JSON.stringify({
      client_id: documentUrl,
      client_name: 'Published Client',
      client_uri: 'https://app.example',
      logo_uri: 'https://app.example/logo.png',
      redirect_uris: ['https://app.example/callback', 'http://127.0.0.1/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none',
      post_logout_redirect_uris: ['https://app.example/bye'],
      'https://vendor.example/extension': { tier: 'gold' },
    });
    fixture.route(`/clients/${run}.json`, { body: documentBody, headers: { 'cache-control': 'max-age=300' } });
    fixture.route(`/clients/${run}-mismatch.json`, { body: { client_id: 'https://other.example/client.json', redirect_uris: ['https://app.example/cb'] } });

    const made = (anchor = await createTestAnchor(ISSUER));
    sign = (claims, kid = 'dir-1', iat) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid }).setIssuedAt(iat).setExpirationTime('10m').sign(made.privateKey);

    admit = await startAdmit(mode, {
      ADMIT_FETCH_ALLOW_HOSTS: `localhost:${fixture.port}`,
      ADMIT_FETCH_CA_FILE: fixture.caFile,
      ADMIT_TRUST_ANCHORS_FILE: made.file,
    });
  });
  afterAll(async () => {
    await admit?.close();
    await fixture?.close();
    anchor?.remove();
  });

  const post = (path: string, body: unknown) =>
    fetch(`${admit.stack.intakeUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const errorOf = async (res: Response) => ({ status: res.status, error: ((await res.json()) as { error: string }).error });

  it('admits a client by its published metadata document, extra fields and all', async () => {
    const res = await post('/admissions', { client_id: documentUrl });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      client_id: documentUrl,
      client_name: 'Published Client',
      redirect_uris: ['https://app.example/callback', 'http://127.0.0.1/callback'],
      'https://vendor.example/extension': { tier: 'gold' },
    });
  });

  it('refuses documents and URLs that break the rules, with exact codes', async () => {
    expect(await errorOf(await post('/admissions', { client_id: `${fixture.origin}/clients/${run}-mismatch.json` }))).toEqual({ status: 400, error: 'invalid_client_metadata' });
    expect(await errorOf(await post('/admissions', { client_id: `http://localhost:${fixture.port}/clients/${run}.json` }))).toEqual({ status: 400, error: 'invalid_client_metadata' });
    expect(await errorOf(await post('/admissions', { client_id: `${documentUrl}#frag` }))).toEqual({ status: 400, error: 'invalid_client_metadata' });
    expect(await errorOf(await post('/admissions', { client_id: 42 }))).toEqual({ status: 400, error: 'invalid_client_metadata' });
  });

  it('registers a software statement under a deterministic client id, statement claims first', async () => {
    const statement = await sign({ iss: ISSUER, software_id: `acme-cli-${run}`, client_name: 'Acme CLI', redirect_uris: ['https://acme.example/cb'] });
    const first = await post('/register', { software_statement: statement, client_name: 'claimed by the body' });
    expect(first.status).toBe(201);
    const body = (await first.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ client_name: 'Acme CLI', redirect_uris: ['https://acme.example/cb'], software_id: `acme-cli-${run}` });
    expect(body.client_id).toMatch(/^s_[A-Za-z0-9_-]+$/);
    expect(body).not.toHaveProperty('software_statement');

    // A later statement for the same software (a rotation) replaces the admission under the same id.
    const later = Math.floor(Date.now() / 1000) + 2;
    const again = await post('/register', { software_statement: await sign({ iss: ISSUER, software_id: `acme-cli-${run}`, redirect_uris: ['https://acme.example/cb'] }, 'dir-1', later) });
    expect(((await again.json()) as { client_id: string }).client_id).toBe(body.client_id);
  });

  it('refuses statements that do not verify, with exact codes', async () => {
    expect(await errorOf(await post('/register', { software_statement: await sign({ iss: 'https://stranger.example', software_id: 'x' }) }))).toEqual({ status: 400, error: 'unapproved_software_statement' });
    expect(await errorOf(await post('/register', { software_statement: await sign({ iss: ISSUER, software_id: 'x' }, 'no-such-kid') }))).toEqual({ status: 400, error: 'invalid_software_statement' });
    expect(await errorOf(await post('/register', { software_statement: 'not.a.jwt' }))).toEqual({ status: 400, error: 'invalid_software_statement' });
  });

  it('records the evidence: the document and the statement, by digest', async () => {
    const statement = await sign({ iss: ISSUER, software_id: `evidence-${run}`, redirect_uris: ['https://acme.example/cb'] });
    const registered = (await (await post('/register', { software_statement: statement })).json()) as { client_id: string };

    const validated = (clientId: string) => admit.auditEvents({ client_id: clientId, type: 'admit.registration.validated.v1' }, (events) => events.length > 0);
    const [{ data: document }] = await validated(documentUrl);
    expect(document).toMatchObject({
      source: 'cimd',
      outcome: 'valid',
      origin: fixture.origin,
      evidence: { document: { url: documentUrl, sha256: createHash('sha256').update(documentBody).digest('hex'), status: 200, cache_ttl_s: 300 } },
    });
    const [{ data: signed }] = await validated(registered.client_id);
    expect(signed).toMatchObject({
      source: 'software_statement',
      outcome: 'valid',
      anchor: 'directory',
      software_id: `evidence-${run}`,
      evidence: { statement: { anchor: 'directory', kid: 'dir-1', alg: 'ES256', sha256: createHash('sha256').update(statement).digest('hex') } },
    });
  });
});
