// Real: the built apps started as a user starts them, PGlite, a loopback HTTPS server with a CA
// made for this run (the only host the SSRF guard is told to allow), ES256 statements and the
// admission tokens checked with jose against Admit's own JWKS endpoint. Nothing stubbed.
import { HttpsFixture, startHttpsFixture } from '@admit/metadata/testing';
import { startApp } from '@admit/launcher';
import { calculateJwkThumbprint, createRemoteJWKSet, exportJWK, generateKeyPair, JWTPayload, jwtVerify, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdmitUnderTest, startAdmit } from '../support/admit-under-test';
import { createTestDatabase, TestDatabase } from '../support/database';
import { KAFKA_BROKERS } from '../support/kafka';

const ISSUER = 'https://admit.test';
const ANCHOR_ISSUER = 'https://directory.example';
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

interface Decided {
  client_id: string;
  policy_version: string;
  admission: { source: string; anchor?: string; software_id?: string; origin?: string; jkts: string[]; evidence_sha256: string; expires_at: string };
}

// The default policies deny self-asserted metadata, so the clients here come with a software
// statement from a trust anchor, or with a published client metadata document.
describe('the admission token (embedded)', () => {
  let fixture: HttpsFixture;
  let admit: AdmitUnderTest;
  let dir: string;
  let sign: (claims: Record<string, unknown>) => Promise<string>;
  let jwks: ReturnType<typeof createRemoteJWKSet>;
  let clientJkt: string;
  let clientJwk: Record<string, unknown>;
  const run = randomUUID().slice(0, 8);
  let documentUrl: string;
  const tokens: Record<'statement' | 'document', { token: string; clientId: string }> = {} as never;

  beforeAll(async () => {
    fixture = await startHttpsFixture();
    documentUrl = `${fixture.origin}/clients/${run}.json`;
    fixture.route(`/clients/${run}.json`, {
      body: { client_id: documentUrl, client_name: 'Published', redirect_uris: ['https://app.example/cb'] },
      headers: { 'cache-control': 'max-age=300' },
    });
    const anchor = await generateKeyPair('ES256');
    const anchorJwk = { ...(await exportJWK(anchor.publicKey)), kid: 'dir-1', alg: 'ES256', use: 'sig' };
    clientJwk = { ...(await exportJWK((await generateKeyPair('ES256')).publicKey)), kid: 'client-1', use: 'sig' };
    clientJkt = await calculateJwkThumbprint(clientJwk);
    dir = mkdtempSync(join(tmpdir(), 'admit-token-e2e-'));
    const anchorsFile = join(dir, 'anchors.yaml');
    writeFileSync(
      anchorsFile,
      ['anchors:', '  - id: directory', `    issuer: ${ANCHOR_ISSUER}`, '    algorithms: [ES256]', '    max_age_s: 3600', `    jwks: ${JSON.stringify({ keys: [anchorJwk] })}`].join('\n'),
    );
    sign = (claims) => new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'dir-1' }).setIssuedAt().setExpirationTime('30m').sign(anchor.privateKey);
    admit = await startAdmit('embedded', {
      ADMIT_ISSUER: ISSUER,
      ADMIT_TRUST_ANCHORS_FILE: anchorsFile,
      ADMIT_FETCH_ALLOW_HOSTS: `localhost:${fixture.port}`,
      ADMIT_FETCH_CA_FILE: fixture.caFile,
    });
    // Loopback only: the JWKS comes from the Admit this suite started.
    jwks = createRemoteJWKSet(new URL(`${admit.stack.intakeUrl}/.well-known/jwks.json`));
  });
  afterAll(async () => {
    await admit?.close();
    await fixture?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const post = (path: string, body: unknown) =>
    fetch(`${admit.stack.intakeUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const verify = (token: string, currentDate?: Date) => jwtVerify(token, jwks, { issuer: ISSUER, typ: 'admission+jwt', algorithms: ['ES256'], currentDate });

  it('publishes the public signing keys with a cache lifetime', async () => {
    const res = await fetch(`${admit.stack.intakeUrl}/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    const body = (await res.json()) as { keys: Record<string, unknown>[] };
    expect(body.keys).toEqual([{ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: expect.any(String), alg: 'ES256', use: 'sig' }]);
    for (const key of body.keys) for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
  });

  it('answers a software statement registration with the client information and a verifiable admission token', async () => {
    const statement = await sign({ iss: ANCHOR_ISSUER, software_id: `cli-${run}`, redirect_uris: ['https://acme.example/cb'], jwks: { keys: [clientJwk] } });
    const res = await post('/register', { software_statement: statement, client_name: 'Acme CLI' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { client_id: string; admission: string; software_id: string };
    expect(body).toMatchObject({ client_id: expect.stringMatching(/^s_/), software_id: `cli-${run}`, redirect_uris: ['https://acme.example/cb'], client_id_issued_at: expect.any(Number) });
    const { payload, protectedHeader } = await verify(body.admission);
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: expect.any(String), typ: 'admission+jwt' });
    expect(payload).toMatchObject({ iss: ISSUER, sub: body.client_id, adm_source: 'software_statement', adm_anchor: 'directory', adm_software_id: `cli-${run}`, adm_jkts: [clientJkt] });
    expect(payload).not.toHaveProperty('adm_origin');
    tokens.statement = { token: body.admission, clientId: body.client_id };
  });

  it('answers a client metadata document admission with its own token', async () => {
    const res = await post('/admissions', { client_id: documentUrl });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { client_id: string; admission: string };
    expect(body.client_id).toBe(documentUrl);
    const { payload } = await verify(body.admission);
    expect(payload).toMatchObject({ iss: ISSUER, sub: documentUrl, adm_source: 'cimd', adm_origin: fixture.origin, adm_jkts: [] });
    expect(payload).not.toHaveProperty('adm_anchor');
    expect(payload.jti).not.toBe(decodeClaims(tokens.statement.token).jti);
    tokens.document = { token: body.admission, clientId: documentUrl };
  });

  it('fails verification from exp on (ERR_JWT_EXPIRED), and holds just before it', async () => {
    for (const { token } of Object.values(tokens)) {
      const { exp, iat } = decodeClaims(token);
      expect(exp).toBeGreaterThan(iat as number);
      await expect(verify(token, new Date(((exp as number) - 1) * 1000))).resolves.toBeDefined();
      await expect(verify(token, new Date((exp as number) * 1000))).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
      await expect(verify(token, new Date(((exp as number) + 3600) * 1000))).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
    }
  });

  it('fails verification under another issuer, another typ, or with a tampered payload', async () => {
    const { token } = tokens.statement;
    await expect(jwtVerify(token, jwks, { issuer: 'https://other.example' })).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'iss' });
    await expect(jwtVerify(token, jwks, { typ: 'JWT' })).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'typ' });
    const [header, payload, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...decodeClaims(token), adm_anchor: 'elsewhere' })).toString('base64url');
    expect(forged).not.toBe(payload);
    await expect(verify(`${header}.${forged}.${signature}`)).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  it('carries exactly what the decision recorded: policy version, evidence digest, thumbprints, expiry', async () => {
    const ids = Object.values(tokens).map((t) => t.clientId);
    const decided = await Promise.all(
      ids.map(async (id) => (await admit.auditEvents({ client_id: id, type: 'admit.registration.decided.v1' }, (events) => events.length > 0))[0].data as unknown as Decided),
    );
    for (const [index, { token }] of Object.values(tokens).entries()) {
      const { policy_version, admission, client_id } = decided[index];
      expect(decodeClaims(token)).toStrictEqual({
        iss: ISSUER,
        sub: client_id,
        iat: expect.any(Number),
        exp: Math.floor(Date.parse(admission.expires_at) / 1000),
        jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
        adm_policy: policy_version,
        adm_source: admission.source,
        ...(admission.anchor && { adm_anchor: admission.anchor }),
        ...(admission.software_id && { adm_software_id: admission.software_id }),
        ...(admission.origin && { adm_origin: admission.origin }),
        adm_evidence_sha256: admission.evidence_sha256,
        adm_jkts: admission.jkts,
      });
    }
  });
});

describe('the distributed intake and its signing key file', () => {
  let dir: string;
  let db: TestDatabase;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'admit-token-keys-'));
    db = await createTestDatabase('e2e_token_keys');
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  const startIntake = (env: Record<string, string>) =>
    startApp('intake', {
      env: { KAFKA_BROKERS: KAFKA_BROKERS.join(','), DATABASE_URL: db.appUrl, ADMIT_HTTP_PORT: '0', ADMIT_KAFKA_TOPIC_PREFIX: `keys-${randomUUID().slice(0, 8)}.`, ...env },
    });

  it('refuses to start without ADMIT_SIGNING_KEY_FILE', async () => {
    await expect(startIntake({ ADMIT_SIGNING_KEY_FILE: '' })).rejects.toThrow(/ADMIT_SIGNING_KEY_FILE is required/);
  });

  it('refuses to start on a broken key file, naming the variable and never printing key material', async () => {
    const secret = 'c2VjcmV0LWtleS1tYXRlcmlhbC1uZXZlci1wcmludGVk';
    const file = join(dir, 'broken.json');
    writeFileSync(file, `{"keys":[{"kty":"EC","crv":"P-256","kid":"k","d":"${secret}"`);
    const failure = startIntake({ ADMIT_SIGNING_KEY_FILE: file });
    await expect(failure).rejects.toThrow(`admit: ADMIT_SIGNING_KEY_FILE=${file}: is not valid JSON; expected a JSON JWK Set`);
    await expect(failure).rejects.toThrow(/^intake exited with 1 before it was ready:/);
    await expect(failure.catch((err: Error) => err.message)).resolves.not.toContain(secret);
  });

  it('refuses to start on a key file holding only a public key', async () => {
    const file = join(dir, 'public.json');
    writeFileSync(file, JSON.stringify({ keys: [{ ...(await exportJWK((await generateKeyPair('ES256')).publicKey)), kid: 'pub' }] }));
    await expect(startIntake({ ADMIT_SIGNING_KEY_FILE: file })).rejects.toThrow(
      `admit: ADMIT_SIGNING_KEY_FILE=${file}: keys[0] (kid "pub") is a public key; the file holds private keys (their public parts are published); expected`,
    );
  });
});

function decodeClaims(token: string): JWTPayload {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as JWTPayload;
}
