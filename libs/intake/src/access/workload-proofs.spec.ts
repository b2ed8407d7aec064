// Real: jose signing and verification, the anchors loader, the client attestation and SVID checks.
// Stubbed: the jti ledger (TestingJtis: PGlite cannot load inside jest) and the network (no fetch is made).
import { buildTrustAnchors, ClientAttesters, SpiffeSource } from '@admit/trust';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { TestingJtis } from './testing-jtis';
import { proofFor, WorkloadProofs } from './workload-proofs';

const ISSUER = 'https://admit.test';
const ATTESTER = 'https://agents.platform.example';
const RECEIVED = new Date().toISOString();

describe('WorkloadProofs', () => {
  let proofs: WorkloadProofs;
  let attesterKey: CryptoKey;
  let agent: { jwk: JWK; privateKey: CryptoKey };

  beforeAll(async () => {
    const attester = await generateKeyPair('ES256');
    attesterKey = attester.privateKey;
    const pair = await generateKeyPair('ES256');
    agent = { jwk: await exportJWK(pair.publicKey), privateKey: pair.privateKey };
    const anchors = buildTrustAnchors({
      anchors: [{ id: 'agents', type: 'client_attester', issuer: ATTESTER, jwks: { keys: [{ ...(await exportJWK(attester.publicKey)), kid: 'att-1' }] }, metadata: { client_name: 'Agent', grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt' } }],
    });
    const noFetch = { fetch: () => Promise.reject(new Error('no network in this test')) };
    proofs = new WorkloadProofs(new SpiffeSource(anchors.spiffe, ISSUER, noFetch), new ClientAttesters(anchors.attesters), ISSUER, new TestingJtis());
  });

  const now = () => Math.floor(Date.now() / 1000);
  const attestation = () =>
    new SignJWT({ iss: ATTESTER, sub: 'agent-7f3a', exp: now() + 600, cnf: { jwk: agent.jwk } }).setProtectedHeader({ alg: 'ES256', kid: 'att-1', typ: 'oauth-client-attestation+jwt' }).sign(attesterKey);
  const pop = () => new SignJWT({ aud: ISSUER, jti: `jti-${Math.random()}`, iat: now() }).setProtectedHeader({ alg: 'ES256', typ: 'oauth-client-attestation-pop+jwt' }).sign(agent.privateKey);
  const codeOf = (result: Awaited<ReturnType<WorkloadProofs['attestation']>>) => (result.ok ? 'ok' : result.problem.code);

  it('turns an attestation with its PoP into the request that admits the agent, with the key it proved', async () => {
    const att = await attestation();
    const result = await proofs.attestation({ attestation: att, pop: await pop() }, RECEIVED);
    expect(result).toMatchObject({ ok: true, proof: { clientId: 'agent-7f3a', request: { client_id: 'agent-7f3a', source: 'client_attestation', client_attestation: att, received_at: RECEIVED } } });
    expect(result.ok && result.proof.jkt).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('accepts a PoP once, refuses a PoP alone, and a proof of another client, each with its code', async () => {
    const presented = { attestation: await attestation(), pop: await pop() };
    expect(codeOf(await proofs.attestation(presented, RECEIVED))).toBe('ok');
    expect(codeOf(await proofs.attestation(presented, RECEIVED))).toBe('ERR_ATTESTATION_POP_REPLAYED');
    expect(codeOf(await proofs.attestation({ pop: await pop() }, RECEIVED))).toBe('ERR_ATTESTATION_INVALID');
    const other = proofFor('agent-other', await proofs.attestation({ attestation: await attestation(), pop: await pop() }, RECEIVED));
    expect(codeOf(other)).toBe('ERR_PROOF_CLIENT_ID');
  });

  it('refuses an SVID of a trust domain it does not know', async () => {
    const svid = await new SignJWT({ sub: 'spiffe://prod.example/ns/a', aud: ISSUER, exp: now() + 60 }).setProtectedHeader({ alg: 'ES256', kid: 'k' }).sign(agent.privateKey);
    expect(codeOf(await proofs.svid(svid, RECEIVED))).toBe('ERR_SPIFFE_TRUST_DOMAIN_UNKNOWN');
  });
});
