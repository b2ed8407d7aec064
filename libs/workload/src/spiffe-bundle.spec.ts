import { FetchError, FetchErrorCode, type Fetcher, type FetchResponse } from '@admit/metadata';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { parseBundle, SpiffeBundle } from './spiffe-bundle';
import { WorkloadError } from './workload-error';

const ENDPOINT = 'https://bundle.prod.example/jwt';
const DOMAIN = 'prod.example';

/** A bundle endpoint that answers what the test sets, counting requests; nothing leaves the process. */
class EndpointFake implements Fetcher {
  answer: () => unknown = () => ({ keys: [] });
  requests = 0;
  private release?: () => void;
  held?: Promise<void>;

  hold(): void {
    this.held = new Promise((resolve) => (this.release = resolve));
  }
  unhold(): void {
    this.release?.();
    this.held = undefined;
  }

  async fetch(url: string): Promise<FetchResponse> {
    this.requests += 1;
    expect(url).toBe(ENDPOINT);
    await this.held;
    const answer = this.answer();
    if (answer instanceof Error) throw answer;
    return { url, status: 200, headers: {}, body: Buffer.from(typeof answer === 'string' ? answer : JSON.stringify(answer)), fetchedAt: new Date() };
  }
}

const codeOf = (promise: Promise<unknown>) => promise.then(() => 'ok', (err: unknown) => (err instanceof WorkloadError ? err.code : String(err)));

describe('SPIFFE JWT bundles', () => {
  let svidKey: JWK;
  let x509Key: JWK;
  let endpoint: EndpointFake;
  let now: number;
  let bundle: SpiffeBundle;

  beforeAll(async () => {
    svidKey = { ...(await exportJWK((await generateKeyPair('ES256')).publicKey)), kid: 'svid-1', use: 'jwt-svid' };
    x509Key = { ...(await exportJWK((await generateKeyPair('ES256')).publicKey)), use: 'x509-svid' };
  });
  beforeEach(() => {
    endpoint = new EndpointFake();
    endpoint.answer = () => ({ keys: [svidKey, x509Key], spiffe_refresh_hint: 60 });
    now = 1_800_000_000_000;
    bundle = new SpiffeBundle({ trustDomain: DOMAIN, endpoint: ENDPOINT }, endpoint, {}, () => now);
  });

  it('uses a pinned bundle as it is, fetching nothing', async () => {
    const pinned = new SpiffeBundle({ trustDomain: DOMAIN, bundle: { keys: [svidKey] } });
    expect(await pinned.keys()).toEqual({ keys: [svidKey] });
    expect(() => new SpiffeBundle({ trustDomain: DOMAIN, endpoint: ENDPOINT })).toThrow('trust domain prod.example: a bundle endpoint needs a fetcher');
  });

  it('fetches the bundle once for callers at once, keeps only its JWT-SVID keys, and fetches again after its refresh hint', async () => {
    endpoint.hold();
    const callers = [bundle.keys(), bundle.keys(), bundle.keys()];
    endpoint.unhold();
    const [first, ...others] = await Promise.all(callers);
    expect(first.keys).toEqual([svidKey]);
    for (const other of others) expect(other).toBe(first);
    expect(endpoint.requests).toBe(1);

    now += 59_000;
    expect(await bundle.keys()).toBe(first);
    expect(endpoint.requests).toBe(1);
    // Past the hint: fetched again; an unchanged bundle is the same object (its keys stay imported).
    now += 2_000;
    expect(await bundle.keys()).toBe(first);
    expect(endpoint.requests).toBe(2);
    const rotated = { ...svidKey, kid: 'svid-2' };
    endpoint.answer = () => ({ keys: [rotated] });
    now += 61_000;
    expect((await bundle.keys()).keys).toEqual([rotated]);
  });

  it('keeps the last bundle when a refresh fails, and tries again only after the retry delay', async () => {
    const first = await bundle.keys();
    endpoint.answer = () => new FetchError(FetchErrorCode.Connect, 'connection refused');
    now += 61_000;
    expect(await bundle.keys()).toBe(first);
    expect(endpoint.requests).toBe(2);
    now += 29_000;
    expect(await bundle.keys()).toBe(first);
    expect(endpoint.requests).toBe(2);
    now += 2_000;
    await bundle.keys();
    expect(endpoint.requests).toBe(3);
  });

  it('refuses with ERR_SPIFFE_BUNDLE_UNAVAILABLE while it has never had a bundle, saying why', async () => {
    endpoint.answer = () => new FetchError(FetchErrorCode.BlockedAddress, '10.0.0.1 is a private address');
    await expect(bundle.keys()).rejects.toMatchObject({
      code: 'ERR_SPIFFE_BUNDLE_UNAVAILABLE',
      message: `the JWT bundle of ${DOMAIN} could not be fetched from ${ENDPOINT} (ERR_FETCH_BLOCKED_ADDRESS: 10.0.0.1 is a private address)`,
    });
    // Not tried again before the retry delay: the same refusal, no request.
    expect(await codeOf(bundle.keys())).toBe('ERR_SPIFFE_BUNDLE_UNAVAILABLE');
    expect(endpoint.requests).toBe(1);
  });

  it('refuses documents that are no usable bundle', () => {
    const refusal = (text: string) => {
      try {
        parseBundle(DOMAIN, text);
        return 'parsed';
      } catch (err) {
        return err instanceof WorkloadError ? `${err.code} ${err.message}` : String(err);
      }
    };
    expect(refusal('<html>')).toBe(`ERR_SPIFFE_BUNDLE_UNAVAILABLE the JWT bundle of ${DOMAIN} is not JSON`);
    expect(refusal('{"keys":{}}')).toBe(`ERR_SPIFFE_BUNDLE_UNAVAILABLE the JWT bundle of ${DOMAIN} is not a JWK set (no "keys" array)`);
    expect(refusal(JSON.stringify({ keys: [x509Key] }))).toBe(`ERR_SPIFFE_BUNDLE_UNAVAILABLE the JWT bundle of ${DOMAIN} has no JWT-SVID key`);
    expect(refusal(JSON.stringify({ keys: [{ ...svidKey, kid: undefined }] }))).toBe(`ERR_SPIFFE_BUNDLE_UNAVAILABLE the JWT bundle of ${DOMAIN} has a JWT-SVID key without "kty" or "kid"`);
  });
});
