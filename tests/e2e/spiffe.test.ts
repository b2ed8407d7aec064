// SPIFFE JWT-SVIDs end to end. Real: the built apps as a user starts them, the Kafka broker,
// PostgreSQL / PGlite, jose signing each SVID with a trust domain key made for this run, and a
// loopback HTTPS server with a CA made for this run (the only host the SSRF guard is told to allow)
// serving one trust domain's SPIFFE bundle endpoint. Nothing stubbed.
import { HttpsFixture, startHttpsFixture } from '@admit/metadata/testing';
import { AdminScope } from '@admit/platform';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { AdmitUnderTest, MODES, startAdmit } from '../support/admit-under-test';
import { revokeUntilDenied } from '../support/revoke';

const ISSUER = 'https://admit.e2e.example';
const JWT_SPIFFE = 'urn:ietf:params:oauth:client-assertion-type:jwt-spiffe';
const WORKLOAD = { grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', scope: 'payments' };
const API = 'spiffe://prod.example/ns/payments/api';
const NEIGHBOUR = 'spiffe://prod.example/ns/payments2/api';
const EDGE = 'spiffe://edge.example/gw/ingress';

type TrustDomainKey = { jwk: JWK; privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'] };

async function trustDomainKey(kid: string): Promise<TrustDomainKey> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  return { jwk: { ...(await exportJWK(publicKey)), kid, use: 'jwt-svid', alg: 'ES256' }, privateKey };
}

describe.each(MODES)('SPIFFE JWT-SVIDs (%s)', (mode) => {
  let fixture: HttpsFixture;
  let admit: AdmitUnderTest;
  let dir: string;
  let prod: TrustDomainKey;
  let edge: TrustDomainKey;
  let stranger: TrustDomainKey;

  beforeAll(async () => {
    [prod, edge, stranger] = await Promise.all([trustDomainKey('prod-1'), trustDomainKey('edge-1'), trustDomainKey('stranger-1')]);
    fixture = await startHttpsFixture();
    // edge.example publishes its bundle at an https_web bundle endpoint, with a refresh hint.
    fixture.route('/edge/bundle', { headers: { 'content-type': 'application/json' }, body: { keys: [edge.jwk], spiffe_refresh_hint: 60 } });
    dir = mkdtempSync(join(tmpdir(), 'admit-spiffe-'));
    const anchorsFile = join(dir, 'anchors.yaml');
    const templates = { 'ns/payments/': { ...WORKLOAD, client_name: 'Payments' }, 'ns/': { ...WORKLOAD, client_name: 'Any namespace', scope: 'read' } };
    writeFileSync(
      anchorsFile,
      stringify({
        anchors: [
          { id: 'prod', type: 'spiffe', trust_domain: 'prod.example', bundle: { keys: [prod.jwk] }, max_lifetime_s: 600, templates },
          { id: 'edge', type: 'spiffe', trust_domain: 'edge.example', bundle_endpoint: `${fixture.origin}/edge/bundle`, templates: { 'gw/': { ...WORKLOAD, client_name: 'Gateway' } } },
        ],
      }, { aliasDuplicateObjects: false }),
    );
    admit = await startAdmit(
      mode,
      { ADMIT_ISSUER: ISSUER, ADMIT_FETCH_ALLOW_HOSTS: `localhost:${fixture.port}`, ADMIT_FETCH_CA_FILE: fixture.caFile, ADMIT_TRUST_ANCHORS_FILE: anchorsFile },
      [AdminScope.RevocationsWrite],
    );
  });
  afterAll(async () => {
    await admit?.close();
    await fixture?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const now = () => Math.floor(Date.now() / 1000);
  const svid = (claims: Record<string, unknown>, key: TrustDomainKey = prod) =>
    new SignJWT({ aud: ISSUER, exp: now() + 300, ...claims }).setProtectedHeader({ alg: 'ES256', kid: key.jwk.kid as string, typ: 'JWT' }).sign(key.privateKey);
  const post = (path: string, body: unknown) =>
    fetch(`${admit.stack.intakeUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const admitBySvid = (assertion: string) => post('/admissions', { client_assertion_type: JWT_SPIFFE, client_assertion: assertion });
  const check = async (clientId: string) => (await (await post('/access-checks', { client_id: clientId, action: 'read' })).json()) as { decision: string; reasons: { code: string }[] };

  it('admits a workload by its JWT-SVID: the SPIFFE ID is its client id, the template its metadata, never past the SVID', async () => {
    const exp = now() + 240;
    const assertion = await svid({ sub: API, exp });
    const res = await admitBySvid(assertion);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as Record<string, unknown>;
    expect(answer).toMatchObject({ client_id: API, client_name: 'Payments', ...WORKLOAD });
    expect(answer.client_id_expires_at as number).toBeLessThanOrEqual(exp);

    const [validated] = await admit.auditEvents({ client_id: API, type: 'admit.registration.validated.v1' }, (events) => events.length > 0);
    expect(validated.data).toMatchObject({
      source: 'spiffe',
      outcome: 'valid',
      anchor: 'prod',
      trust_domain: 'prod.example',
      spiffe_path: ['ns', 'payments', 'api'],
      evidence: { spiffe: { spiffe_id: API, anchor: 'prod', trust_domain: 'prod.example', exp: new Date(exp * 1000).toISOString(), template: 'ns/payments/' } },
    });
    const digest = createHash('sha256').update(assertion).digest('hex');
    expect((validated.data.evidence as { spiffe: { svid_sha256: string } }).spiffe.svid_sha256).toBe(digest);
    // The audit store keeps the request's SVID, a bearer credential until its exp, only by that digest.
    const [requested] = await admit.auditEvents({ client_id: API, type: 'admit.registration.requested.v1' }, (events) => events.length > 0);
    expect(requested.data).toMatchObject({ source: 'spiffe', client_assertion: `sha256:${digest}` });
    const [decided] = await admit.auditEvents({ client_id: API, type: 'admit.registration.decided.v1' }, (events) => events.length > 0);
    expect(decided.data).toMatchObject({
      decision: 'allow',
      determining_policies: ['register-spiffe'],
      admission: { source: 'spiffe', trust_domain: 'prod.example', spiffe_path: ['ns', 'payments', 'api'], expires_at: new Date(exp * 1000).toISOString() },
    });
  });

  it("admits a workload of a trust domain whose bundle comes from its bundle endpoint", async () => {
    const res = await admitBySvid(await svid({ sub: EDGE }, edge));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ client_id: EDGE, client_name: 'Gateway' });
    expect(fixture.requests.some((r) => r.path === '/edge/bundle')).toBe(true);
  });

  it.each([
    ['an SVID signed by another trust domain', { sub: API }, 'stranger', 'ERR_SVID_SIGNATURE'],
    ['a trust domain no anchor has', { sub: 'spiffe://staging.example/ns/payments/api' }, 'prod', 'ERR_SPIFFE_TRUST_DOMAIN_UNKNOWN'],
    ['a sub that is not a SPIFFE ID', { sub: 'https://prod.example/ns/payments/api' }, 'prod', 'ERR_SPIFFE_ID'],
    ['a wrong aud', { sub: API, aud: 'https://other.example' }, 'prod', 'ERR_SVID_AUDIENCE'],
    ['an expired SVID', { sub: API, exp: Math.floor(Date.now() / 1000) - 120 }, 'prod', 'ERR_SVID_EXPIRED'],
    ['a lifetime over the anchor maximum', { sub: API, exp: Math.floor(Date.now() / 1000) + 3600 }, 'prod', 'ERR_SVID_LIFETIME'],
    ['a path no template covers', { sub: 'spiffe://prod.example/batch/report' }, 'prod', 'ERR_SPIFFE_NO_TEMPLATE'],
  ] as const)('denies %s with the exact reason', async (_, claims, key, code) => {
    const res = await admitBySvid(await svid(claims, key === 'stranger' ? stranger : prod));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; error_description: string };
    expect(body.error).toBe('invalid_client_metadata');
    expect(body.error_description.startsWith(`${code}: `)).toBe(true);
  });

  it('refuses an assertion without its type, or with a client_id, before anything is verified', async () => {
    const assertion = await svid({ sub: API });
    const alone = await post('/admissions', { client_assertion: assertion });
    expect(alone.status).toBe(400);
    expect(await alone.json()).toEqual({ error: 'invalid_client_metadata', error_description: '/client_assertion_type: Expected required property' });
    const both = await post('/admissions', { client_id: API, client_assertion_type: JWT_SPIFFE, client_assertion: assertion });
    expect(both.status).toBe(400);
    expect(await both.json()).toEqual({ error: 'invalid_client_metadata', error_description: '/client_id: unknown member; allowed: client_assertion_type, client_assertion' });
  });

  it('takes a JWT-SVID as the client assertion of an access check (jwt-spiffe): it proves the workload, and admits one this instance does not hold', async () => {
    const sensitive = (clientId: string, assertion?: string) =>
      post('/access-checks', {
        client_id: clientId,
        action: 'payments/refund',
        context: { sensitivity: 'sensitive' },
        ...(assertion === undefined ? {} : { client_assertion_type: JWT_SPIFFE, client_assertion: assertion }),
      }).then(async (res) => (await res.json()) as { decision: string; reasons: { code: string }[] });
    expect(await sensitive(API, await svid({ sub: API }))).toMatchObject({ decision: 'allow' });
    // The same SVID again: SVIDs carry no jti and are reused until their exp.
    const reused = await svid({ sub: API });
    expect(await sensitive(API, reused)).toMatchObject({ decision: 'allow' });
    expect(await sensitive(API, reused)).toMatchObject({ decision: 'allow' });
    expect(await sensitive(API)).toMatchObject({ decision: 'deny', reasons: [{ code: 'policy:sensitive-needs-client-assertion' }] });
    // A workload never admitted before is admitted on its SVID at its first access check.
    const worker = 'spiffe://prod.example/ns/payments/worker';
    expect(await sensitive(worker, await svid({ sub: worker }))).toMatchObject({ decision: 'allow' });
    // Refused with the exact reason: another workload's SVID, a wrong aud, a foreign trust domain's key.
    expect(await sensitive(API, await svid({ sub: worker }))).toMatchObject({ decision: 'deny', reasons: [{ code: 'ERR_PROOF_CLIENT_ID' }] });
    expect(await sensitive(API, await svid({ sub: API, aud: 'https://other.example' }))).toMatchObject({ decision: 'deny', reasons: [{ code: 'ERR_SVID_AUDIENCE' }] });
    expect(await sensitive(API, await svid({ sub: API }, stranger))).toMatchObject({ decision: 'deny', reasons: [{ code: 'ERR_SVID_SIGNATURE' }] });
  });

  it("revoking its namespace (spiffe_prefix) denies the workload's next access check, and not the neighbour outside it", async () => {
    expect((await admitBySvid(await svid({ sub: NEIGHBOUR }))).status).toBe(200);
    expect(await check(API)).toMatchObject({ decision: 'allow' });
    expect(await check(NEIGHBOUR)).toMatchObject({ decision: 'allow' });
    expect(await revokeUntilDenied(admit, 'spiffe_prefix', 'spiffe://prod.example/ns/payments', () => check(API))).toEqual(['revoked:spiffe_prefix']);
    // Whole segments: ns/payments2 is not under ns/payments.
    expect(await check(NEIGHBOUR)).toMatchObject({ decision: 'allow' });
    // A fresh SVID does not admit it again while the revocation stands.
    const again = await admitBySvid(await svid({ sub: API }));
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: 'invalid_client_metadata', error_description: 'revoked:spiffe_prefix: the client is revoked; the reason is in the audit trail' });
  });

  it('revoking the trust domain denies every workload of it', async () => {
    expect(await revokeUntilDenied(admit, 'trust_domain', 'edge.example', () => check(EDGE))).toEqual(['revoked:trust_domain']);
  });
});
