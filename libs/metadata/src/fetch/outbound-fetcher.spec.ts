// Real: the SSRF guard (its refusals need no network); the metrics and the span are recorders.
import { FetchErrorCode } from './fetcher';
import { fetchOptions, outboundFetcher } from './outbound-fetcher';

describe('outboundFetcher', () => {
  it('runs each fetch in a span named by its host and counts its outcome', async () => {
    const outcomes: string[] = [];
    const hosts: string[] = [];
    const fetcher = outboundFetcher(fetchOptions({ ADMIT_FETCH_ALLOW_HOSTS: '' }), { fetched: (o) => outcomes.push(o), cacheLookup: () => undefined }, (host, fetch) => {
      hosts.push(host);
      return fetch();
    });
    await expect(fetcher.fetch('https://127.0.0.1:8443/jwks', { maxBytes: 1024 })).rejects.toMatchObject({ code: FetchErrorCode.BlockedAddress });
    await expect(fetcher.fetch('not a url', { maxBytes: 1024 })).rejects.toMatchObject({ code: FetchErrorCode.InvalidUrl });
    expect(hosts).toEqual(['127.0.0.1:8443', 'invalid']);
    expect(outcomes).toEqual([FetchErrorCode.BlockedAddress, FetchErrorCode.InvalidUrl]);
  });

  it('reads the loopback hosts the configuration allows, refusing a malformed entry', () => {
    expect(fetchOptions({ ADMIT_FETCH_ALLOW_HOSTS: 'LOCALHOST:8443', ADMIT_FETCH_CA_FILE: 'ca.pem' })).toEqual({ allowLoopback: ['localhost:8443'], caFile: 'ca.pem' });
    expect(() => fetchOptions({ ADMIT_FETCH_ALLOW_HOSTS: 'localhost' })).toThrow('ADMIT_FETCH_ALLOW_HOSTS: "localhost" is not host:port');
  });
});
