// Real: the CIMD resolver and document rules, statement verification with jose, the metadata rules.
// Stubbed: the network (an in-memory Fetcher) and nothing else.
import { CimdResolver, Fetcher, FetchError, FetchResponse } from '@admit/metadata';
import { AnchorKeys, buildTrustAnchors, StatementVerifier } from '@admit/trust';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createHash } from 'node:crypto';
import { RegistrationValidator } from './registration-validator';

const ISSUER = 'https://directory.example';
const DOC_URL = 'https://client.example/app.json';
const RECEIVED = new Date().toISOString();

class MemoryFetcher implements Fetcher {
  readonly bodies = new Map<string, string>();
  async fetch(url: string): Promise<FetchResponse> {
    const body = this.bodies.get(url);
    if (body === undefined) throw new FetchError('ERR_FETCH_STATUS', 'the document answered 404', 404);
    return { url, status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'max-age=120' }, body: Buffer.from(body), fetchedAt: new Date() };
  }
}

describe('RegistrationValidator', () => {
  let validator: RegistrationValidator;
  let fetcher: MemoryFetcher;
  let sign: (claims: Record<string, unknown>) => Promise<string>;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const anchors = buildTrustAnchors({
      anchors: [{ id: 'dir', issuer: ISSUER, algorithms: ['ES256'], max_age_s: 600, required_claims: ['software_id'], jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1' }] } }],
    });
    fetcher = new MemoryFetcher();
    validator = new RegistrationValidator(
      new CimdResolver(fetcher),
      new StatementVerifier({ anchors, keys: new AnchorKeys(anchors, { fetcher }), clock: () => new Date() }),
    );
    sign = (claims) => new SignJWT({ iss: ISSUER, ...claims }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuedAt().setExpirationTime('5m').sign(privateKey);
  });

  it('admits a metadata document with its evidence and origin', async () => {
    const body = JSON.stringify({ client_id: DOC_URL, redirect_uris: ['https://client.example/cb'], jwks: { keys: [] } });
    fetcher.bodies.set(DOC_URL, body);
    const v = await validator.validate({ client_id: DOC_URL, source: 'cimd', received_at: RECEIVED });
    expect(v).toMatchObject({
      client_id: DOC_URL,
      source: 'cimd',
      outcome: 'valid',
      origin: 'https://client.example',
      errors: [],
      jkts: [],
      evidence: { document: { url: DOC_URL, sha256: createHash('sha256').update(body).digest('hex'), status: 200, cache_ttl_s: 120 } },
    });
    expect(v.evidence.document).not.toHaveProperty('cached');
  });

  it('fails a document it cannot fetch, keeping the URL as client id', async () => {
    const v = await validator.validate({ client_id: 'https://client.example/missing.json', source: 'cimd', received_at: RECEIVED });
    expect(v).toMatchObject({ client_id: 'https://client.example/missing.json', source: 'cimd', outcome: 'invalid', errors: [{ code: 'ERR_FETCH_STATUS', error: 'invalid_client_metadata' }] });
  });

  it('registers a statement under the anchor-derived id, statement claims over the body', async () => {
    const statement = await sign({ software_id: 'cli', client_name: 'From statement', redirect_uris: ['https://cli.example/cb'] });
    const v = await validator.validate({ client_id: 'c_provisional', source: 'rfc7591', metadata: { software_statement: statement, client_name: 'From body' }, received_at: RECEIVED });
    expect(v).toMatchObject({ source: 'software_statement', outcome: 'valid', anchor: 'dir', software_id: 'cli', metadata: { client_name: 'From statement' } });
    expect(v.client_id).toMatch(/^s_/);
    expect(v.metadata).not.toHaveProperty('software_statement');
    const exp = new Date((decodeJwt(statement).exp as number) * 1000).toISOString();
    expect(v.evidence.statement).toEqual({ sha256: createHash('sha256').update(statement).digest('hex'), anchor: 'dir', kid: 'k1', alg: 'ES256', exp });
  });

  it('applies the metadata rules to what the statement says', async () => {
    const statement = await sign({ software_id: 'cli', redirect_uris: ['http://cli.example/cb'] });
    const v = await validator.validate({ client_id: 'c_provisional', source: 'rfc7591', metadata: { software_statement: statement }, received_at: RECEIVED });
    expect(v).toMatchObject({ source: 'software_statement', outcome: 'invalid', anchor: 'dir', errors: [{ code: 'invalid_redirect_uri' }] });
    expect(v.client_id).toMatch(/^s_/);
  });

  it('fails a statement that does not verify under the provisional id', async () => {
    const v = await validator.validate({ client_id: 'c_provisional', source: 'rfc7591', metadata: { software_statement: 'x.y.z' }, received_at: RECEIVED });
    expect(v).toMatchObject({ client_id: 'c_provisional', source: 'software_statement', outcome: 'invalid', errors: [{ error: 'invalid_software_statement' }] });
  });

  it('takes plain metadata at its word, as self-asserted', async () => {
    const v = await validator.validate({ client_id: 'c_1', source: 'rfc7591', metadata: { redirect_uris: ['https://app.example/cb'] }, received_at: RECEIVED });
    expect(v).toMatchObject({ client_id: 'c_1', source: 'self_asserted', outcome: 'valid', evidence: {}, jkts: [] });
  });
});
