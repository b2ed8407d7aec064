import { parseSpiffeId, startsWithSegments, prefixSegments } from './spiffe-id';
import { templateFor } from './path-templates';
import { WorkloadError } from './workload-error';

const codeOf = (value: unknown) => {
  try {
    parseSpiffeId(value);
    return 'parsed';
  } catch (err) {
    return err instanceof WorkloadError ? err.code : String(err);
  }
};

describe('SPIFFE IDs', () => {
  it('parses a trust domain and its path segments', () => {
    expect(parseSpiffeId('spiffe://prod.acme-corp.example/ns/payments/sa/api')).toEqual({
      id: 'spiffe://prod.acme-corp.example/ns/payments/sa/api',
      trustDomain: 'prod.acme-corp.example',
      segments: ['ns', 'payments', 'sa', 'api'],
    });
    expect(parseSpiffeId('spiffe://td_1.example')).toMatchObject({ trustDomain: 'td_1.example', segments: [] });
  });

  it.each([
    ['https://prod.example/ns/a', 'another scheme'],
    ['SPIFFE://prod.example/ns/a', 'an uppercase scheme'],
    ['spiffe://Prod.example/ns/a', 'an uppercase trust domain'],
    ['spiffe://prod.example:8443/ns/a', 'a port'],
    ['spiffe://user@prod.example/ns/a', 'userinfo'],
    ['spiffe:///ns/a', 'an empty trust domain'],
    ['spiffe://prod.example/ns//a', 'an empty segment'],
    ['spiffe://prod.example/ns/a/', 'a trailing slash'],
    ['spiffe://prod.example/ns/./a', 'a . segment'],
    ['spiffe://prod.example/ns/../a', 'a .. segment'],
    ['spiffe://prod.example/ns/%61', 'percent-encoding'],
    ['spiffe://prod.example/ns/a?x=1', 'a query'],
    ['spiffe://prod.example/ns/a#f', 'a fragment'],
    [`spiffe://prod.example/${'a'.repeat(2048)}`, 'more than 2048 bytes'],
    [42, 'not a string'],
  ])('refuses %s (%s) with ERR_SPIFFE_ID', (value: unknown, _why: string) => {
    expect(codeOf(value)).toBe('ERR_SPIFFE_ID');
  });

  it('matches prefixes by whole segments, and the most specific template wins', () => {
    const segments = parseSpiffeId('spiffe://prod.example/ns/payments/api').segments;
    expect(startsWithSegments(segments, prefixSegments('ns/payments/'))).toBe(true);
    expect(startsWithSegments(parseSpiffeId('spiffe://prod.example/ns/payments2/api').segments, prefixSegments('ns/payments/'))).toBe(false);
    const templates = [
      { prefix: '', metadata: { client_name: 'any workload' } },
      { prefix: 'ns/payments/', metadata: { client_name: 'payments' } },
      { prefix: 'ns/payments/api', metadata: { client_name: 'payments api' } },
    ];
    expect(templateFor(templates, segments)?.metadata).toEqual({ client_name: 'payments api' });
    expect(templateFor(templates, parseSpiffeId('spiffe://prod.example/ns/payments/batch').segments)?.metadata).toEqual({ client_name: 'payments' });
    expect(templateFor(templates, parseSpiffeId('spiffe://prod.example/ns/payments2/api').segments)?.metadata).toEqual({ client_name: 'any workload' });
    expect(templateFor(templates.slice(1), parseSpiffeId('spiffe://prod.example/ns/other').segments)).toBeUndefined();
  });
});
