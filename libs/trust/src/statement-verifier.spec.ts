// Real: jose, the verification rules, ES256 keys made for the test. Stubbed: the clock (fixed times)
// and the Fetcher (inline keys only, so it must never be called).
import { createHash } from 'node:crypto';
import { AnchorKeys } from './anchor-keys';
import { StatementVerifier } from './statement-verifier';
import { FakeFetcher } from './testing/fake-fetcher';
import { anchorsFor, NOW_S, sign, testKey, validClaims } from './testing/statement-fixtures';

describe('StatementVerifier', () => {
  let nowS = NOW_S;
  const setup = async (maxEntries?: number) => {
    const key = await testKey('k1');
    const anchors = anchorsFor([key], { maxAgeS: 600 });
    const fetcher = new FakeFetcher();
    const keys = new AnchorKeys(anchors, { fetcher, clock: () => new Date(nowS * 1000) });
    const purge = jest.spyOn(keys, 'purge');
    const verifier = new StatementVerifier({ anchors, keys, clock: () => new Date(nowS * 1000) }, maxEntries);
    const verifyCalls = jest.spyOn(keys, 'resolverFor');
    return { key, verifier, purge, verifyCalls, fetcher };
  };

  beforeEach(() => {
    nowS = NOW_S;
  });

  it('answers a repeated statement from memory, with the same evidence', async () => {
    const { key, verifier, verifyCalls } = await setup();
    const jwt = await sign(key);
    const first = await verifier.verify(jwt);
    const second = await verifier.verify(jwt);
    expect(first.ok).toBe(true);
    expect(second).toBe(first);
    expect(verifyCalls).toHaveBeenCalledTimes(1);
  });

  it("records the statement's SHA-256 as its evidence, as the statement was received", async () => {
    const { key, verifier } = await setup();
    const jwt = await sign(key);
    expect(await verifier.verify(jwt)).toMatchObject({ ok: true, evidence: { sha256: createHash('sha256').update(Buffer.from(jwt, 'ascii')).digest('hex') } });
  });

  it.each([
    // Later: past iat + max_age_s + the default 60 s skew.
    ['outgrows its anchor maximum age', { iat: NOW_S - 60, exp: NOW_S + 3600 }, NOW_S - 60 + 600 + 61 + 60, 'ERR_STATEMENT_TOO_OLD'],
    ['expires', { iat: NOW_S - 10, exp: NOW_S + 30 }, NOW_S + 30 + 61, 'ERR_STATEMENT_EXPIRED'],
  ])('verifies again once the statement %s, and then fails', async (_what, times, laterS, code) => {
    const { key, verifier } = await setup();
    const jwt = await sign(key, validClaims(times));
    expect((await verifier.verify(jwt)).ok).toBe(true);
    nowS = laterS;
    expect(await verifier.verify(jwt)).toMatchObject({ ok: false, problems: [{ code }] });
  });

  it('never remembers a failure', async () => {
    const { key, verifier, verifyCalls } = await setup();
    const jwt = await sign(key, validClaims({ iss: 'https://stranger.example' }));
    expect((await verifier.verify(jwt)).ok).toBe(false);
    expect((await verifier.verify(jwt)).ok).toBe(false);
    expect(verifyCalls).toHaveBeenCalledTimes(0);
    const good = await sign(key);
    await verifier.verify(good);
    await verifier.verify(good);
    expect(verifyCalls).toHaveBeenCalledTimes(1);
  });

  it('forgets an anchor on purge, keys included', async () => {
    const { key, verifier, purge, verifyCalls } = await setup();
    const jwt = await sign(key);
    await verifier.verify(jwt);
    verifier.purgeAnchor('directory');
    await verifier.verify(jwt);
    expect(purge).toHaveBeenCalledWith('directory');
    expect(verifyCalls).toHaveBeenCalledTimes(2);
  });

  it('stays within its size bound, evicting the oldest', async () => {
    const { key, verifier, verifyCalls } = await setup(2);
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((s) => sign(key, validClaims({ software_id: s }))));
    for (const jwt of [a, b, c, c, b]) await verifier.verify(jwt);
    expect(verifyCalls).toHaveBeenCalledTimes(3);
    await verifier.verify(a);
    expect(verifyCalls).toHaveBeenCalledTimes(4);
  });
});
