// Real: SigningKeys (a key generated in a temporary folder), AdmissionTokens, jose. Nothing stubbed.
import { SigningKeys } from '@admit/keys';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { AdmissionTokens } from '../admission-token/admission-tokens';
import { allowDecision, testAdmissionTokens } from '../testing/fixtures';
import { verifiedClient } from './gateway-identity';

const decided = (clientId: string) => allowDecision({ anchor: 'directory' }, { client_id: clientId });

const unsignedAssertion = (iss: unknown) => `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss, sub: iss })).toString('base64url')}.sig`;

describe('verifiedClient', () => {
  const signer = testAdmissionTokens();

  it('asks for a proof, without an error code, when none is presented; a bare client id is no proof', async () => {
    expect(await verifiedClient({ 'admit-client-id': 's_a', 'x-client-id': 's_a' }, signer.tokens)).toEqual({
      ok: false,
      description: 'a client assertion (X-Client-Assertion) or an admission token (X-Admission-Token) is required',
    });
  });

  it('takes the client from an admission token Admit signed', async () => {
    expect(await verifiedClient({ 'x-admission-token': await signer.tokens.issue(decided('s_a')) }, signer.tokens)).toEqual({ ok: true, clientId: 's_a' });
  });

  it('refuses a token signed by another key, of another issuer, or not a JWT (invalid_token)', async () => {
    const other = new AdmissionTokens(await SigningKeys.load({ dataDir: mkdtempSync(join(signer.dir, 'other-')) }), { issuer: 'https://admit.example' });
    const elsewhere = new AdmissionTokens(await SigningKeys.load({ dataDir: signer.dir }), { issuer: 'https://other.example' });
    const refusals = await Promise.all(
      [await other.issue(decided('s_a')), await elsewhere.issue(decided('s_a')), 'not-a-jwt'].map((token) => verifiedClient({ 'x-admission-token': token }, signer.tokens)),
    );
    expect(refusals).toEqual([
      { ok: false, error: 'invalid_token', description: 'the admission token is not valid (ERR_JWKS_NO_MATCHING_KEY)' },
      { ok: false, error: 'invalid_token', description: 'the admission token is not valid (ERR_JWT_CLAIM_VALIDATION_FAILED)' },
      { ok: false, error: 'invalid_token', description: 'the admission token is not valid (ERR_JWS_INVALID)' },
    ]);
  });

  it("refuses another type of JWT signed with Admit's own key", async () => {
    const token = await signer.keys.sign({ iss: 'https://admit.example', sub: 's_a', exp: Math.floor(Date.now() / 1000) + 60 }, 'JWT');
    expect(await verifiedClient({ 'x-admission-token': token }, signer.tokens)).toEqual({
      ok: false,
      error: 'invalid_token',
      description: 'the admission token is not valid (ERR_JWT_CLAIM_VALIDATION_FAILED)',
    });
  });

  it("names the client of an assertion by its iss, for the access check to verify against that client's keys", async () => {
    const assertion = unsignedAssertion('s_b');
    expect(await verifiedClient({ 'x-client-assertion': assertion }, signer.tokens)).toEqual({ ok: true, clientId: 's_b', assertion });
  });

  it.each([
    ['not a JWT', 'abc'],
    ['no iss', unsignedAssertion(undefined)],
    ['a numeric iss', unsignedAssertion(7)],
    ['two headers', ['a', 'b']],
  ])('refuses an assertion with %s (invalid_client)', async (_case, assertion) => {
    expect(await verifiedClient({ 'x-client-assertion': assertion }, signer.tokens)).toEqual({
      ok: false,
      error: 'invalid_client',
      description: 'X-Client-Assertion must be one JWT whose iss is the client id',
    });
  });

  it('takes both proofs together only when they name the same client', async () => {
    const token = await signer.tokens.issue(decided('s_a'));
    expect(await verifiedClient({ 'x-admission-token': token, 'x-client-assertion': unsignedAssertion('s_a') }, signer.tokens)).toMatchObject({ ok: true, clientId: 's_a' });
    expect(await verifiedClient({ 'x-admission-token': token, 'x-client-assertion': unsignedAssertion('s_b') }, signer.tokens)).toEqual({
      ok: false,
      error: 'invalid_client',
      description: 'the client assertion and the admission token name different clients',
    });
  });
});
