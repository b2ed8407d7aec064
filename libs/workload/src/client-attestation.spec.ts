import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { ATTESTATION_TYPE, AttestationRules, POP_TYPE, verifyClientAttestation } from './client-attestation';
import { WorkloadError } from './workload-error';

const AUDIENCE = 'https://admit.test';
const ATTESTER = 'https://agents.platform.example';
const CLIENT = 'agent-7f3a';
const NOW = 1_800_000_000;

describe('client attestation and its proof of possession', () => {
  let attesterKey: CryptoKey;
  let agent: { privateKey: CryptoKey; jwk: JWK };
  let otherKey: CryptoKey;
  let used: Set<string>;
  let rules: AttestationRules;

  beforeAll(async () => {
    const attester = await generateKeyPair('ES256');
    attesterKey = attester.privateKey;
    const agentPair = await generateKeyPair('ES256');
    agent = { privateKey: agentPair.privateKey, jwk: await exportJWK(agentPair.publicKey) };
    otherKey = (await generateKeyPair('ES256')).privateKey;
    rules = {
      attesters: [{ id: 'platform', issuer: ATTESTER, jwks: { keys: [{ ...(await exportJWK(attester.publicKey)), kid: 'att-1' }] } }],
      audience: AUDIENCE,
      nowS: NOW,
      skewS: 30,
      claimJti: async (clientId, jti) => !used.has(`${clientId} ${jti}`) && Boolean(used.add(`${clientId} ${jti}`)),
    };
  });
  beforeEach(() => (used = new Set()));

  const attestation = (claims: Record<string, unknown> = {}, key = attesterKey) =>
    new SignJWT({ iss: ATTESTER, sub: CLIENT, exp: NOW + 3600, cnf: { jwk: agent.jwk }, ...claims }).setProtectedHeader({ alg: 'ES256', kid: 'att-1', typ: ATTESTATION_TYPE }).sign(key);
  const pop = (claims: Record<string, unknown> = {}, key = agent.privateKey) =>
    new SignJWT({ aud: AUDIENCE, jti: `jti-${Math.random()}`, iat: NOW, ...claims }).setProtectedHeader({ alg: 'ES256', typ: POP_TYPE }).sign(key);
  const codeOf = async (a: string, p: string | undefined) => verifyClientAttestation(a, p, rules).then(() => 'verified', (err: unknown) => (err instanceof WorkloadError ? err.code : String(err)));

  it('admits the agent the attester vouches for, with the bound key’s thumbprint and the attestation’s exp', async () => {
    const verified = await verifyClientAttestation(await attestation(), await pop(), rules);
    expect(verified).toMatchObject({ clientId: CLIENT, attester: { id: 'platform' }, exp: NOW + 3600 });
    expect(verified.jkt).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses, each with its exact reason', async () => {
    expect(await codeOf(await attestation(), undefined)).toBe('ERR_ATTESTATION_POP_MISSING');
    expect(await codeOf(await attestation(), await pop({}, otherKey))).toBe('ERR_ATTESTATION_POP_SIGNATURE');
    expect(await codeOf(await attestation({ iss: 'https://rogue.example' }), await pop())).toBe('ERR_ATTESTATION_ATTESTER_UNKNOWN');
    expect(await codeOf(await attestation({}, otherKey), await pop())).toBe('ERR_ATTESTATION_SIGNATURE');
    expect(await codeOf(await attestation({ exp: NOW - 60 }), await pop())).toBe('ERR_ATTESTATION_EXPIRED');
    expect(await codeOf(await attestation({ cnf: undefined }), await pop())).toBe('ERR_ATTESTATION_INVALID');
    expect(await codeOf(await attestation({ cnf: { jwk: { kty: 'oct', k: 'c2VjcmV0' } } }), await pop())).toBe('ERR_ATTESTATION_INVALID');
    expect(await codeOf(await attestation(), await pop({ aud: 'https://other.example' }))).toBe('ERR_ATTESTATION_POP_AUDIENCE');
    expect(await codeOf(await attestation(), await pop({ iat: NOW - 600 }))).toBe('ERR_ATTESTATION_POP_STALE');
    expect(await codeOf(await attestation(), await pop({ iss: 'another-agent' }))).toBe('ERR_ATTESTATION_POP_INVALID');
  });

  it('accepts each PoP once: a replay is refused', async () => {
    const a = await attestation();
    const p = await pop();
    expect(await codeOf(a, p)).toBe('verified');
    expect(await codeOf(a, p)).toBe('ERR_ATTESTATION_POP_REPLAYED');
  });
});
