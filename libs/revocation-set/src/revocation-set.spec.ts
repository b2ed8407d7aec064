// Real: RevocationSet; the clock is a variable the test moves.
import { Revocation } from '@admit/contracts';
import { originHost, RevocationSet, revocationKey } from './revocation-set';

const revoke = (kind: Revocation['kind'], value: string, expires_at?: string): [string, Revocation] => [
  revocationKey(kind, value),
  { id: `rev-${kind}-${value}`, kind, value, reason: 'test', actor: 'ops', created_at: '2026-01-01T00:00:00.000Z', ...(expires_at ? { expires_at } : {}) },
];

describe('RevocationSet', () => {
  let now: number;
  let set: RevocationSet;

  beforeEach(() => {
    now = Date.parse('2026-01-01T12:00:00.000Z');
    set = new RevocationSet(() => now);
  });

  const client = { client_id: 'c_1', software_id: 'sw-1', anchor: 'acme', origin: 'https://app.example:8443', jkts: ['k1', 'k2'] };

  it.each([
    ['client_id', 'c_1'],
    ['software_id', 'sw-1'],
    ['anchor', 'acme'],
    ['origin', 'https://app.example:8443'],
    ['origin', 'app.example:8443'],
    ['jkt', 'k2'],
  ] as const)('matches a client revoked by %s %s', (kind, value) => {
    const [key, revocation] = revoke(kind, value);
    set.apply(key, revocation);
    expect(set.match(client)).toBe(revocation);
    expect(set.match({ client_id: 'c_other' })).toBeUndefined();
  });

  it('an origin revocation naming a non-ASCII host still matches after thousands of lookups (Node 20 URL.canParse turns false once optimised)', () => {
    const [key, revocation] = revoke('origin', 'bücher.example');
    set.apply(key, revocation);
    const hosts = new Set<string | undefined>();
    for (let i = 0; i < 20_000; i++) hosts.add(originHost('https://bücher.example'));
    expect([...hosts]).toEqual(['xn--bcher-kva.example']);
    expect(set.match({ client_id: 'c_idn', origin: 'https://xn--bcher-kva.example' })).toBe(revocation);
  });

  it('an intermediate revocation covers every leaf whose chain passes through it, and no other', () => {
    const [key, revocation] = revoke('intermediate', 'https://intermediate.fed.example');
    set.apply(key, revocation);
    const leaf = { client_id: 'https://leaf.fed.example', anchor: 'fed', intermediates: ['https://sub.fed.example', 'https://intermediate.fed.example'] };
    expect(set.match(leaf)).toBe(revocation);
    expect(set.match({ ...leaf, intermediates: ['https://sub.fed.example'] })).toBeUndefined();
    // An intermediate is not revoked by naming it as a client, nor a client by naming it as an intermediate.
    expect(set.match({ client_id: 'https://intermediate.fed.example' })).toBeUndefined();
  });

  it('a spiffe_prefix revocation covers the workloads under it by whole segments; a trust_domain one every workload of the domain', () => {
    const api = { client_id: 'spiffe://prod.example/ns/payments/api', trust_domain: 'prod.example', spiffe_path: ['ns', 'payments', 'api'] };
    const neighbour = { client_id: 'spiffe://prod.example/ns/payments2/api', trust_domain: 'prod.example', spiffe_path: ['ns', 'payments2', 'api'] };
    const [key, revocation] = revoke('spiffe_prefix', 'spiffe://prod.example/ns/payments');
    set.apply(key, revocation);
    expect(set.match(api)).toBe(revocation);
    expect(set.match(neighbour)).toBeUndefined();
    expect(set.match({ ...api, trust_domain: 'staging.example' })).toBeUndefined();
    const [domainKey, domain] = revoke('trust_domain', 'prod.example');
    set.apply(domainKey, domain);
    expect(set.match(neighbour)).toBe(domain);
    expect(set.match({ client_id: 'spiffe://edge.example/gw', trust_domain: 'edge.example', spiffe_path: ['gw'] })).toBeUndefined();
  });

  it("an attester revocation covers every agent it attested, and nothing else by that name", () => {
    const agent = { client_id: 'agent-7f3a', anchor: 'agents', attester: 'agents', jkts: ['b'.repeat(43)] };
    const [key, revocation] = revoke('attester', 'agents');
    set.apply(key, revocation);
    expect(set.match(agent)).toBe(revocation);
    expect(set.match({ ...agent, attester: 'other-platform', anchor: 'other-platform' })).toBeUndefined();
    // A statement anchor of that id is not an attester.
    expect(set.match({ client_id: 's_1', anchor: 'agents' })).toBeUndefined();
  });

  it('does not match on a value of another kind, or on a different host', () => {
    set.apply(...revoke('anchor', 'c_1'));
    set.apply(...revoke('origin', 'other.example'));
    set.apply(...revoke('origin', 'https://sub.app.example'));
    set.apply(...revoke('origin', 'example'));
    expect(set.match(client)).toBeUndefined();
  });

  it.each(['app.example', 'https://app.example', 'app.example:443', 'https://app.example:9000'])(
    'an origin revocation of %s cannot be sidestepped by serving the document from another port',
    (value) => {
      const [key, revocation] = revoke('origin', value);
      set.apply(key, revocation);
      for (const origin of ['https://app.example', 'https://app.example:8443', 'https://app.example:1']) {
        expect(set.match({ client_id: 'c_2', origin })).toBe(revocation);
      }
      set.apply(key, null);
      expect(set.match(client)).toBeUndefined();
    },
  );

  it.each([
    ['the revocation', 'https://app.example.', 'https://app.example:8443'],
    ['the subject', 'app.example', 'https://app.example.:8443'],
  ])('an origin revocation cannot be sidestepped by a trailing dot on %s', (_where, value, origin) => {
    const [key, revocation] = revoke('origin', value);
    set.apply(key, revocation);
    expect(set.match({ client_id: 'c_2', origin })).toBe(revocation);
  });

  it('a tombstone of one origin revocation leaves another of the same host in force', () => {
    const [portKey, portRevocation] = revoke('origin', 'https://app.example:8443');
    set.apply(portKey, portRevocation);
    const [hostKey, hostRevocation] = revoke('origin', 'app.example');
    set.apply(hostKey, hostRevocation);
    set.apply(portKey, null);
    expect(set.match(client)).toBe(hostRevocation);
  });

  it('a tombstone lifts the revocation', () => {
    const [key, revocation] = revoke('client_id', 'c_1');
    set.apply(key, revocation);
    set.apply(key, null);
    expect(set.match(client)).toBeUndefined();
    expect(set.size).toBe(0);
  });

  it('a revocation lapses at its expires_at, tombstone or not', () => {
    set.apply(...revoke('jkt', 'k1', '2026-01-01T12:00:10.000Z'));
    expect(set.match(client)?.kind).toBe('jkt');
    expect(set.size).toBe(1);
    now += 9_999;
    expect(set.match(client)?.kind).toBe('jkt');
    now += 1;
    expect(set.match(client)).toBeUndefined();
    expect(set.size).toBe(0);
  });

  it('tells listeners about revocations in force, not about lapsed ones or lifts', () => {
    const seen: string[] = [];
    set.onRevoked((r) => seen.push(`${r.kind}:${r.value}`));
    set.apply(...revoke('client_id', 'c_1'));
    set.apply(...revoke('client_id', 'c_old', '2025-12-31T00:00:00.000Z'));
    set.apply(revocationKey('client_id', 'c_1'), null);
    expect(seen).toEqual(['client_id:c_1']);
  });

  it('is not ready until marked', () => {
    expect(set.ready).toBe(false);
    set.markReady();
    expect(set.ready).toBe(true);
  });
});
