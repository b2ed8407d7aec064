// OAuth attestation-based client authentication end to end. Real: the built apps as a user starts
// them, the Kafka broker, PostgreSQL / PGlite, and jose signing each attestation with an attester key
// and each proof of possession with an agent key, all made for this run. Nothing stubbed.
import { AdminScope } from '@admit/platform';
import { calculateJwkThumbprint, type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { AdmitUnderTest, MODES, startAdmit } from '../support/admit-under-test';
import { revokeUntilDenied } from '../support/revoke';

const ISSUER = 'https://admit.e2e.example';
const ATTESTER = 'https://agents.platform.example';
const AGENT_METADATA = { client_name: 'Agent', grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', scope: 'tools' };

type Agent = { id: string; jwk: JWK; privateKey: CryptoKey };

async function agentKey(id: string): Promise<Agent> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  return { id, jwk: await exportJWK(publicKey), privateKey };
}

describe.each(MODES)('client attestation (%s)', (mode) => {
  let admit: AdmitUnderTest;
  let dir: string;
  let attesterKey: CryptoKey;
  let rogueKey: CryptoKey;
  let agent: Agent;
  let sibling: Agent;

  beforeAll(async () => {
    const attester = await generateKeyPair('ES256');
    attesterKey = attester.privateKey;
    rogueKey = (await generateKeyPair('ES256')).privateKey;
    [agent, sibling] = await Promise.all([agentKey('agent-7f3a'), agentKey('agent-sibling')]);
    dir = mkdtempSync(join(tmpdir(), 'admit-attestation-'));
    const anchorsFile = join(dir, 'anchors.yaml');
    const attesterJwk = { ...(await exportJWK(attester.publicKey)), kid: 'att-1', alg: 'ES256' };
    writeFileSync(anchorsFile, stringify({ anchors: [{ id: 'agents', type: 'client_attester', issuer: ATTESTER, jwks: { keys: [attesterJwk] }, metadata: AGENT_METADATA }] }));
    admit = await startAdmit(mode, { ADMIT_ISSUER: ISSUER, ADMIT_TRUST_ANCHORS_FILE: anchorsFile }, [AdminScope.RevocationsWrite]);
  });
  afterAll(async () => {
    await admit?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const now = () => Math.floor(Date.now() / 1000);
  const attestation = (of: Agent, claims: Record<string, unknown> = {}, key = attesterKey) =>
    new SignJWT({ iss: ATTESTER, sub: of.id, exp: now() + 600, cnf: { jwk: of.jwk }, ...claims }).setProtectedHeader({ alg: 'ES256', kid: 'att-1', typ: 'oauth-client-attestation+jwt' }).sign(key);
  const pop = (of: Agent, key = of.privateKey) =>
    new SignJWT({ aud: ISSUER, jti: randomUUID(), iat: now() }).setProtectedHeader({ alg: 'ES256', typ: 'oauth-client-attestation-pop+jwt' }).sign(key);
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${admit.stack.intakeUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const proofHeaders = (att: string, p?: string): Record<string, string> => ({ 'oauth-client-attestation': att, ...(p === undefined ? {} : { 'oauth-client-attestation-pop': p }) });
  const admitAgent = async (of: Agent, att?: string, p?: string) => post('/admissions', { client_id: of.id }, proofHeaders(att ?? (await attestation(of)), p ?? (await pop(of))));
  const check = async (of: Agent, headers: Record<string, string> = {}) =>
    (await (await post('/access-checks', { client_id: of.id, action: 'tools/call', context: { sensitivity: 'sensitive' } }, headers)).json()) as { decision: string; reasons: { code: string }[] };
  const checkWithProof = async (of: Agent) => check(of, proofHeaders(await attestation(of), await pop(of)));

  it("admits an agent by its attestation and PoP: the attestation's sub is its client id, the attester's metadata with its key, never past the attestation", async () => {
    const exp = now() + 300;
    const att = await attestation(agent, { exp });
    const res = await admitAgent(agent, att);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as Record<string, unknown>;
    expect(answer).toMatchObject({ client_id: agent.id, ...AGENT_METADATA, jwks: { keys: [agent.jwk] } });
    expect(answer.client_id_expires_at as number).toBeLessThanOrEqual(exp);

    const jkt = await calculateJwkThumbprint(agent.jwk);
    const [validated] = await admit.auditEvents({ client_id: agent.id, type: 'admit.registration.validated.v1' }, (events) => events.length > 0);
    expect(validated.data).toMatchObject({
      source: 'client_attestation',
      outcome: 'valid',
      attester: 'agents',
      jkts: [jkt],
      evidence: { client_attestation: { attester: 'agents', issuer: ATTESTER, jkt, attestation_sha256: createHash('sha256').update(att).digest('hex'), exp: new Date(exp * 1000).toISOString() } },
    });
    const [decided] = await admit.auditEvents({ client_id: agent.id, type: 'admit.registration.decided.v1' }, (events) => events.length > 0);
    expect(decided.data).toMatchObject({
      decision: 'allow',
      determining_policies: ['register-client-attestation'],
      admission: { source: 'client_attestation', attester: 'agents', jkts: [jkt], expires_at: new Date(exp * 1000).toISOString() },
    });
  });

  it.each([
    ['an attestation without its PoP', async () => [await attestation(agent), undefined], 'ERR_ATTESTATION_POP_MISSING'],
    ['a PoP signed by a key that is not in cnf', async () => [await attestation(agent), await pop(agent, rogueKey)], 'ERR_ATTESTATION_POP_SIGNATURE'],
    ['an attestation from an unknown attester', async () => [await attestation(agent, { iss: 'https://rogue.example' }, rogueKey), await pop(agent)], 'ERR_ATTESTATION_ATTESTER_UNKNOWN'],
    ["an attestation signed with a key not the attester's", async () => [await attestation(agent, {}, rogueKey), await pop(agent)], 'ERR_ATTESTATION_SIGNATURE'],
    ['an expired attestation', async () => [await attestation(agent, { exp: now() - 120 }), await pop(agent)], 'ERR_ATTESTATION_EXPIRED'],
    ["an attestation of another agent than the client_id", async () => [await attestation(sibling), await pop(sibling)], 'ERR_PROOF_CLIENT_ID'],
  ] as const)('refuses %s with the exact reason', async (_, proof, code) => {
    const [att, p] = await proof();
    const res = await post('/admissions', { client_id: agent.id }, proofHeaders(att as string, p));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; error_description: string };
    expect(body.error).toBe('invalid_client_metadata');
    expect(body.error_description.startsWith(`${code}: `)).toBe(true);
  });

  it('accepts each PoP once: a replayed PoP is refused, on admission and on access checks', async () => {
    const att = await attestation(agent);
    const p = await pop(agent);
    expect((await admitAgent(agent, att, p)).status).toBe(200);
    const replayed = await admitAgent(agent, att, p);
    expect(replayed.status).toBe(400);
    expect(((await replayed.json()) as { error_description: string }).error_description.startsWith('ERR_ATTESTATION_POP_REPLAYED: ')).toBe(true);
    expect(await check(agent, proofHeaders(att, p))).toMatchObject({ decision: 'deny', reasons: [{ code: 'ERR_ATTESTATION_POP_REPLAYED' }] });
  });

  it('proves the agent on access checks: a sensitive action needs its attestation and a fresh PoP', async () => {
    expect(await checkWithProof(agent)).toMatchObject({ decision: 'allow' });
    expect(await check(agent)).toMatchObject({ decision: 'deny', reasons: [{ code: 'policy:sensitive-needs-client-assertion' }] });
  });

  it('admits an agent on its first access check with an attestation, on any instance', async () => {
    expect(await checkWithProof(sibling)).toMatchObject({ decision: 'allow' });
  });

  it("revoking the agent's key (jkt) denies its next access check, and a new admission on that key", async () => {
    expect(await revokeUntilDenied(admit, 'jkt', await calculateJwkThumbprint(agent.jwk), () => checkWithProof(agent))).toEqual(['revoked:jkt']);
    const again = await admitAgent(agent);
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: 'invalid_client_metadata', error_description: 'revoked:jkt: the client is revoked; the reason is in the audit trail' });
    // The sibling's key is not revoked.
    expect(await checkWithProof(sibling)).toMatchObject({ decision: 'allow' });
  });

  it('revoking the attester denies every agent it attested', async () => {
    expect(await revokeUntilDenied(admit, 'attester', 'agents', () => checkWithProof(sibling))).toEqual(['revoked:attester']);
  });
});
