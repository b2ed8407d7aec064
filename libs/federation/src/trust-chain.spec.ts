import { FetchErrorCode } from '@admit/metadata';
import { rejectedBy } from '@admit/contracts/testing';
import { TestEntity, TestFederation, testKey } from './testing';
import { FederationError } from './federation-error';
import { FederationLimits, TrustChainResolver, underFederationDomains } from './trust-chain';

const RP = {
  client_name: 'Leaf RP',
  redirect_uris: ['https://leaf.example/cb'],
  grant_types: ['authorization_code', 'refresh_token', 'implicit'],
  token_endpoint_auth_method: 'private_key_jwt',
};

/** anchor <- intermediate <- leaf, plus a trust mark issuer the anchor authorises for "accredited". */
async function federation() {
  const fed = new TestFederation();
  const anchor = await fed.add('anchor');
  const intermediate = await fed.add('intermediate');
  const issuer = await fed.add('marks');
  const leaf = await fed.add('leaf', { metadata: { openid_relying_party: { ...RP } } });
  anchor.trust_mark_issuers = { accredited: [issuer.id] };
  fed.link(intermediate, anchor, { metadata_policy: { openid_relying_party: { grant_types: { subset_of: ['authorization_code', 'refresh_token'] } } } });
  fed.link(leaf, intermediate, { metadata_policy: { openid_relying_party: { contacts: { default: ['ops@leaf.example'] } } } });
  leaf.trust_marks = [await fed.trustMark('accredited', leaf, issuer)];
  return { fed, anchor, intermediate, issuer, leaf };
}

const resolverOf = (fed: TestFederation, anchor: TestEntity, limits: Partial<FederationLimits> = {}) =>
  new TrustChainResolver(fed.fetcher, [{ id: 'test-federation', entityId: anchor.id, jwks: { keys: [anchor.key.jwk] } }], limits);

const failure = (promise: Promise<unknown>) => rejectedBy(FederationError, promise).then(({ code, message }) => ({ code, message }));

describe('TrustChainResolver', () => {
  it('resolves leaf -> intermediate -> anchor, applies the merged policies and keeps the earliest exp', async () => {
    const { fed, anchor, intermediate, issuer, leaf } = await federation();
    leaf.expIn = 600;
    const chain = await resolverOf(fed, anchor).resolve(leaf.id);
    expect(chain.path).toEqual([leaf.id, intermediate.id, anchor.id]);
    expect(chain.statements.map((s) => [s.iss, s.sub])).toEqual([
      [leaf.id, leaf.id],
      [intermediate.id, leaf.id],
      [anchor.id, intermediate.id],
      [anchor.id, anchor.id],
    ]);
    expect(chain.statements.every((s) => /^[0-9a-f]{64}$/.test(s.sha256))).toBe(true);
    expect(chain.expiresAt).toBe(chain.statements[0].exp);
    expect(chain.clientType).toBe('openid_relying_party');
    expect(chain.clientMetadata).toEqual({ ...RP, grant_types: ['authorization_code', 'refresh_token'], contacts: ['ops@leaf.example'] });
    expect(chain.trustMarks).toEqual([{ type: 'accredited', issuer: issuer.id }]);
    expect(chain.rejectedTrustMarks).toEqual([]);
  });

  it('uses oauth_client metadata when the leaf has no relying-party metadata', async () => {
    const { fed, anchor, leaf } = await federation();
    leaf.metadata = { oauth_client: { client_name: 'plain client', redirect_uris: ['https://leaf.example/cb'] } };
    const chain = await resolverOf(fed, anchor).resolve(leaf.id);
    expect(chain.clientType).toBe('oauth_client');
    expect(chain.clientMetadata).toEqual({ client_name: 'plain client', redirect_uris: ['https://leaf.example/cb'] });
  });

  it('caches statements until they expire: a second resolution fetches nothing', async () => {
    const { fed, anchor, leaf } = await federation();
    const resolver = resolverOf(fed, anchor);
    await resolver.resolve(leaf.id);
    const fetched = fed.requests.length;
    await resolver.resolve(leaf.id);
    expect(fed.requests.length).toBe(fetched);
    // A freshness re-check fetches every statement again.
    await resolver.resolve(leaf.id, { fresh: true });
    expect(fed.requests.length).toBe(2 * fetched);
  });

  describe('refuses, with its exact reason', () => {
    it('a chain longer than the depth limit', async () => {
      const fed = new TestFederation();
      const anchor = await fed.add('anchor');
      let below = await fed.add('leaf', { metadata: { openid_relying_party: RP } });
      const leafId = below.id;
      for (let i = 0; i < 3; i++) {
        const above = await fed.add(`i${i}`);
        fed.link(below, above);
        below = above;
      }
      fed.link(below, anchor);
      expect(await failure(resolverOf(fed, anchor, { maxDepth: 3 }).resolve(leafId))).toMatchObject({ code: 'ERR_FEDERATION_CHAIN_TOO_LONG' });
      expect((await resolverOf(fed, anchor, { maxDepth: 4 }).resolve(leafId)).path).toHaveLength(5);
    });

    it('a loop in authority_hints', async () => {
      const fed = new TestFederation();
      const anchor = await fed.add('anchor');
      const a = await fed.add('a');
      const b = await fed.add('b');
      const leaf = await fed.add('leaf', { metadata: { openid_relying_party: RP } });
      fed.link(leaf, a);
      fed.link(a, b);
      fed.link(b, a);
      expect(await failure(resolverOf(fed, anchor).resolve(leaf.id))).toEqual({ code: 'ERR_FEDERATION_LOOP', message: `authority_hints of ${b.id} lead back to ${a.id}` });
    });

    it('a leaf whose key differs from the one its superior published', async () => {
      const { fed, anchor, intermediate, leaf } = await federation();
      intermediate.subordinates.set(leaf.id, { jwks: [(await testKey('other')).jwk] });
      expect(await failure(resolverOf(fed, anchor).resolve(leaf.id))).toEqual({
        code: 'ERR_FEDERATION_KEY_MISMATCH',
        message: `the entity configuration of ${leaf.id} does not verify with the keys its superior ${intermediate.id} published`,
      });
    });

    it('an intermediate whose statement the anchor did not sign', async () => {
      const { fed, anchor, leaf } = await federation();
      const resolver = resolverOf(fed, anchor);
      anchor.key = await testKey('impostor');
      expect(await failure(resolver.resolve(leaf.id))).toEqual({
        code: 'ERR_FEDERATION_SIGNATURE',
        message: `the entity configuration of ${anchor.id} does not verify with the keys trust anchor test-federation (pinned) published`,
      });
    });

    it('an expired subordinate statement', async () => {
      const { fed, anchor, intermediate, leaf } = await federation();
      intermediate.subordinates.set(leaf.id, { expIn: -120 });
      expect(await failure(resolverOf(fed, anchor).resolve(leaf.id))).toMatchObject({ code: 'ERR_FEDERATION_EXPIRED', message: expect.stringContaining(`${intermediate.id}'s statement about ${leaf.id} expired at`) });
    });

    it('a statement whose exp no date can hold (it would reach the evidence)', async () => {
      const { fed, anchor, leaf } = await federation();
      leaf.expIn = 10 ** 13;
      expect(await failure(resolverOf(fed, anchor).resolve(leaf.id))).toEqual({
        code: 'ERR_FEDERATION_STATEMENT_INVALID',
        message: `the entity configuration of ${leaf.id} has an iat or exp that is not a whole number of seconds between 1970 and the year 9999`,
      });
    });

    it('a metadata_policy conflict between two levels', async () => {
      const { fed, anchor, intermediate, leaf } = await federation();
      anchor.subordinates.set(intermediate.id, { metadata_policy: { openid_relying_party: { token_endpoint_auth_method: { value: 'private_key_jwt' } } } });
      intermediate.subordinates.set(leaf.id, { metadata_policy: { openid_relying_party: { token_endpoint_auth_method: { value: 'none' } } } });
      expect(await failure(resolverOf(fed, anchor).resolve(leaf.id))).toEqual({
        code: 'ERR_FEDERATION_POLICY_CONFLICT',
        message: 'metadata policy for "token_endpoint_auth_method": two levels set different values',
      });
    });

    it('an unknown claim listed in crit', async () => {
      const { fed, anchor, leaf } = await federation();
      leaf.extra = { crit: ['https://ext.example/claim'], 'https://ext.example/claim': 1 };
      expect(await failure(resolverOf(fed, anchor).resolve(leaf.id))).toEqual({
        code: 'ERR_FEDERATION_CRIT',
        message: `the entity configuration of ${leaf.id} lists claims Admit does not understand in crit: https://ext.example/claim`,
      });
    });

    it.each([
      ['leaf metadata the policy forbids', { metadata_policy: { openid_relying_party: { token_endpoint_auth_method: { one_of: ['tls_client_auth'] } } } }, 'ERR_FEDERATION_POLICY_VIOLATION'],
      ['an unknown operator listed in metadata_policy_crit', { metadata_policy: { openid_relying_party: { scope: { regexp: '^openid' } } }, metadata_policy_crit: ['regexp'] }, 'ERR_FEDERATION_POLICY_CRIT'],
    ])('%s', async (_what, statement, code) => {
      const { fed, anchor, intermediate, leaf } = await federation();
      intermediate.subordinates.set(leaf.id, statement);
      expect(await failure(resolverOf(fed, anchor).resolve(leaf.id))).toMatchObject({ code });
    });

    it('an unknown operator not listed as critical is ignored', async () => {
      const { fed, anchor, intermediate, leaf } = await federation();
      intermediate.subordinates.set(leaf.id, { metadata_policy: { openid_relying_party: { scope: { regexp: '^openid' } } } });
      expect((await resolverOf(fed, anchor).resolve(leaf.id)).clientMetadata).not.toHaveProperty('scope');
    });

    it('a superior that answers slowly (the fetcher times out), and again within the cooldown without a request', async () => {
      const { fed, anchor, intermediate, leaf } = await federation();
      fed.failing.set(`${intermediate.id}/fetch?sub=${encodeURIComponent(leaf.id)}`, FetchErrorCode.Timeout);
      const resolver = resolverOf(fed, anchor);
      expect(await failure(resolver.resolve(leaf.id))).toEqual({ code: 'ERR_FEDERATION_FETCH', message: `${intermediate.id}'s statement about ${leaf.id} could not be fetched (ERR_FETCH_TIMEOUT)` });
      fed.failing.clear();
      const before = fed.requests.length;
      expect(await failure(resolver.resolve(leaf.id))).toMatchObject({ code: 'ERR_FEDERATION_FETCH' });
      expect(fed.requests.slice(before).some((url) => url.includes('/fetch?'))).toBe(false);
    });

    it('a statement larger than the byte limit', async () => {
      const { fed, anchor, leaf } = await federation();
      leaf.metadata = { openid_relying_party: { ...RP, client_name: 'x'.repeat(2_000) } };
      expect(await failure(resolverOf(fed, anchor, { maxBytes: 1_024 }).resolve(leaf.id))).toEqual({
        code: 'ERR_FEDERATION_TOO_LARGE',
        message: `the entity configuration of ${leaf.id} is larger than 1024 bytes`,
      });
    });

    it('a resolution that needs more requests than allowed', async () => {
      const { fed, anchor, leaf } = await federation();
      expect(await failure(resolverOf(fed, anchor, { maxFetches: 3 }).resolve(leaf.id))).toMatchObject({ code: 'ERR_FEDERATION_TOO_MANY_FETCHES' });
    });

    it('no path to a configured anchor', async () => {
      const { fed, leaf } = await federation();
      const stranger = await fed.add('stranger');
      expect(await failure(resolverOf(fed, stranger).resolve(leaf.id))).toMatchObject({ code: 'ERR_FEDERATION_NO_TRUST_ANCHOR' });
    });

    it('constraints: path length, naming and entity types', async () => {
      const { fed, anchor, intermediate, leaf } = await federation();
      anchor.subordinates.set(intermediate.id, { constraints: { max_path_length: 0 } });
      expect(await failure(resolverOf(fed, anchor).resolve(leaf.id))).toMatchObject({ code: 'ERR_FEDERATION_CONSTRAINT', message: expect.stringContaining('max_path_length 0') });
      anchor.subordinates.set(intermediate.id, { constraints: { naming_constraints: { permitted: ['.other.example'] } } });
      expect(await failure(resolverOf(fed, anchor).resolve(leaf.id))).toMatchObject({ code: 'ERR_FEDERATION_CONSTRAINT', message: expect.stringContaining('outside the permitted name spaces') });
      anchor.subordinates.set(intermediate.id, { constraints: { naming_constraints: { permitted: ['.fed.example'] }, allowed_entity_types: ['oauth_client'] } });
      expect(await failure(resolverOf(fed, anchor).resolve(leaf.id))).toMatchObject({ code: 'ERR_FEDERATION_NO_CLIENT_METADATA' });
    });

    it('an entity identifier that is not an https URL', async () => {
      const { fed, anchor } = await federation();
      expect(await failure(resolverOf(fed, anchor).resolve('http://leaf.fed.example'))).toMatchObject({ code: 'ERR_FEDERATION_ENTITY_ID' });
      expect(fed.requests).toEqual([]);
    });
  });

  describe('trust marks', () => {
    it('a mark signed with a key that is not its issuer’s is left out, with its reason', async () => {
      const { fed, anchor, issuer, leaf } = await federation();
      leaf.trust_marks = [await fed.trustMark('accredited', leaf, issuer, await testKey('forger'))];
      const chain = await resolverOf(fed, anchor).resolve(leaf.id);
      expect(chain.trustMarks).toEqual([]);
      expect(chain.rejectedTrustMarks).toEqual([{ type: 'accredited', code: 'ERR_TRUST_MARK_SIGNATURE', description: `the accredited trust mark does not verify with ${issuer.id}'s keys` }]);
    });

    it('a mark from an issuer the anchor does not authorise for that type is left out', async () => {
      const { fed, anchor, leaf } = await federation();
      const rogue = await fed.add('rogue');
      leaf.trust_marks = [await fed.trustMark('accredited', leaf, rogue)];
      const chain = await resolverOf(fed, anchor).resolve(leaf.id);
      expect(chain.rejectedTrustMarks).toEqual([
        { type: 'accredited', code: 'ERR_TRUST_MARK_ISSUER_UNAUTHORISED', description: `the trust anchor does not authorise ${rogue.id} to issue accredited trust marks` },
      ]);
      expect(fed.requests.some((url) => url.startsWith(rogue.id))).toBe(false);
    });

    it('an expired mark, and a mark about another entity, are left out', async () => {
      const { fed, anchor, intermediate, issuer, leaf } = await federation();
      leaf.trust_marks = [
        await fed.trustMark('accredited', leaf, issuer, issuer.key, { exp: Math.floor(Date.now() / 1000) - 3600 }),
        await fed.trustMark('accredited', intermediate, issuer),
      ];
      const chain = await resolverOf(fed, anchor).resolve(leaf.id);
      expect(chain.rejectedTrustMarks.map((r) => r.code)).toEqual(['ERR_TRUST_MARK_EXPIRED', 'ERR_TRUST_MARK_INVALID']);
    });
  });
});

describe('underFederationDomains', () => {
  const anchors = [{ domains: ['.fed.example', 'ta.example'] }];
  it.each([
    ['https://leaf.fed.example', true],
    ['https://a.b.fed.example/rp', true],
    ['https://LEAF.FED.EXAMPLE', true],
    ['https://fed.example', false],
    ['https://ta.example/x', true],
    ['https://sub.ta.example', false],
    ['http://leaf.fed.example', false],
    ['https://leaf.fed.example.evil', false],
    ['not a url', false],
  ])('%s -> %s', (clientId, expected) => {
    expect(underFederationDomains(clientId, anchors)).toBe(expected);
  });
});
