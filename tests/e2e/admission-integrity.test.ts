// Real: the built apps as a user starts them, the Kafka broker, PostgreSQL / PGlite, a loopback HTTPS
// server with a CA made for this run (the only host the SSRF guard is told to allow), and ES256
// statements and client assertions signed with jose. Nothing stubbed.
import { HttpsFixture, startHttpsFixture } from '@admit/metadata/testing';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { AdmitUnderTest, MODES, startAdmit } from '../support/admit-under-test';
import { createTestAnchor, TestAnchor } from '../support/anchor';

/** Admit's issuer, the `aud` a client assertion must name. */
const ADMIT_ISSUER = 'https://admit.test';

const ISSUER = 'https://directory.example';

describe.each(MODES)('admission integrity (%s)', (mode) => {
  let fixture: HttpsFixture;
  let admit: AdmitUnderTest;
  let anchor: TestAnchor | undefined;
  let sign: (claims: Record<string, unknown>, iat?: number) => Promise<string>;
  const run = randomUUID().slice(0, 8);
  /** Every client id Admit answered with an admission: each must have its decision in the audit store. */
  const admitted = new Set<string>();

  beforeAll(async () => {
    fixture = await startHttpsFixture();
    const made = (anchor = await createTestAnchor(ISSUER));
    sign = (claims, iat) => new SignJWT({ iss: ISSUER, ...claims }).setProtectedHeader({ alg: 'ES256', kid: 'dir-1' }).setIssuedAt(iat).setExpirationTime('10m').sign(made.privateKey);
    admit = await startAdmit(mode, {
      ADMIT_FETCH_ALLOW_HOSTS: `localhost:${fixture.port}`,
      ADMIT_FETCH_CA_FILE: fixture.caFile,
      ADMIT_TRUST_ANCHORS_FILE: made.file,
      ADMIT_ISSUER,
    });
  });
  afterAll(async () => {
    await admit?.close();
    await fixture?.close();
    anchor?.remove();
  });

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${admit.stack.intakeUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await res.json()) as Record<string, unknown>;
    if ((res.status === 200 || res.status === 201) && typeof json.client_id === 'string' && typeof json.admission === 'string') admitted.add(json.client_id);
    return { status: res.status, body: json };
  };

  it('a copied statement without keys cannot bind the copier\'s keys: their client assertion is refused', async () => {
    const statement = await sign({ software_id: `copied-${run}`, redirect_uris: ['https://acme.example/cb'] });
    const original = await post('/register', { software_statement: statement });
    expect(original.status).toBe(201);
    const attacker = await generateKeyPair('ES256');
    const copy = await post('/register', { software_statement: statement, jwks: { keys: [{ ...(await exportJWK(attacker.publicKey)), kid: 'mine' }] }, token_endpoint_auth_method: 'private_key_jwt' });
    expect(copy).toMatchObject({ status: 201, body: { client_id: original.body.client_id, token_endpoint_auth_method: 'none' } });
    expect(copy.body).not.toHaveProperty('jwks');
    const clientId = original.body.client_id as string;
    // Well-formed in every way that needs no key, so what refuses it is that the client has none.
    const assertion = await new SignJWT({ iss: clientId, sub: clientId, aud: ADMIT_ISSUER, jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: 'mine' })
      .setExpirationTime('1m')
      .sign(attacker.privateKey);
    const check = await post('/access-checks', { client_id: clientId, action: 'deploy', context: { sensitivity: 'sensitive' }, client_assertion: assertion });
    expect(check).toMatchObject({ status: 200, body: { decision: 'deny', reasons: [{ code: 'ERR_CLIENT_ASSERTION_NO_KEYS' }] } });
  });

  it('an older copy of a statement cannot replace or evict the live admission of a later one', async () => {
    const now = Math.floor(Date.now() / 1000);
    const older = await sign({ software_id: `rotated-${run}`, redirect_uris: ['https://old.example/cb'] }, now - 600);
    const later = await sign({ software_id: `rotated-${run}`, redirect_uris: ['https://acme.example/cb'] }, now);
    const live = await post('/register', { software_statement: later });
    expect(live.status).toBe(201);
    expect(await post('/register', { software_statement: older })).toMatchObject({ status: 400, body: { error: 'invalid_software_statement' } });
    const check = await post('/access-checks', { client_id: live.body.client_id, action: 'read' });
    expect(check).toMatchObject({ status: 200, body: { decision: 'allow' } });
  });

  it('a sensitive call without a client assertion is denied by the default policies', async () => {
    const registered = await post('/register', { software_statement: await sign({ software_id: `sensitive-${run}`, redirect_uris: ['https://acme.example/cb'] }) });
    const check = await post('/access-checks', { client_id: registered.body.client_id, action: 'deploy', context: { sensitivity: 'sensitive' } });
    expect(check).toMatchObject({ status: 200, body: { decision: 'deny', reasons: [{ code: 'policy:sensitive-needs-client-assertion' }] } });
  });

  it('metadata holding a NUL character or a lone surrogate is never admitted, from any source', async () => {
    const refused = { status: 400, body: { error: 'invalid_client_metadata' } };
    const statement = await sign({ software_id: `nul-${run}`, redirect_uris: ['https://acme.example/cb'] });
    expect(await post('/register', { software_statement: statement, client_name: 'Bank\u0000' })).toMatchObject(refused);
    expect(await post('/register', { redirect_uris: ['https://app.example/cb'], client_name: 'x\ud800' })).toMatchObject(refused);
    expect(await post('/register', { software_statement: await sign({ software_id: `lone-${run}`, client_name: 'Bank\udc00', redirect_uris: ['https://acme.example/cb'] }) })).toMatchObject(refused);
    const documentUrl = `${fixture.origin}/clients/${run}-lone.json`;
    fixture.route(`/clients/${run}-lone.json`, { body: JSON.stringify({ client_id: documentUrl, redirect_uris: ['https://app.example/cb'], client_name: 'App\ud800' }) });
    expect(await post('/admissions', { client_id: documentUrl })).toMatchObject(refused);
  });

  it('no admission is answered whose decision the audit store does not hold', async () => {
    const ids = [...admitted];
    expect(ids.length).toBeGreaterThanOrEqual(3);
    for (const id of ids) {
      const allowed = (events: { data: Record<string, unknown> }[]) => events.some((e) => e.data.decision === 'allow');
      expect(allowed(await admit.auditEvents({ client_id: id, type: 'admit.registration.decided.v1' }, allowed))).toBe(true);
    }
  });
});
