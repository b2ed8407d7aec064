// Real: PurgeCaches and RevocationSet. Stubbed: the two caches, as recorders of what was purged.
import { Revocation, RevocationKind } from '@admit/contracts';
import { CimdResolver } from '@admit/metadata';
import { RevocationSet, revocationKey } from '@admit/revocation-set';
import { StatementVerifier } from '@admit/trust';
import { FederationSource } from '../registration/federation-source';
import { PurgeCaches } from './purge-caches';

function revocation(kind: RevocationKind, value: string): Revocation {
  return { id: 'r1', kind, value, reason: 'test', actor: 'tester', created_at: new Date().toISOString() };
}

describe('PurgeCaches', () => {
  const purge = jest.fn();
  const purgeAnchor = jest.fn();
  const purgeChains = jest.fn();
  let revocations: RevocationSet;

  beforeEach(() => {
    jest.clearAllMocks();
    revocations = new RevocationSet();
    new PurgeCaches(revocations, { purge } as unknown as CimdResolver, { purgeAnchor } as unknown as StatementVerifier, { purge: purgeChains } as unknown as FederationSource).onModuleInit();
  });

  const revoke = (kind: RevocationKind, value: string) => revocations.apply(revocationKey(kind, value), revocation(kind, value));

  it.each([
    ['client_id', 'https://app.example/c.json', { clientId: 'https://app.example/c.json' }],
    ['origin', 'https://app.example', { origin: 'https://app.example' }],
    ['origin', 'app.example:8443', { origin: 'https://app.example:8443' }],
  ] as const)('drops cached documents when a %s revocation %s comes into force', (kind, value, criteria) => {
    revoke(kind, value);
    expect(purge).toHaveBeenCalledWith(criteria);
    expect(purgeAnchor).not.toHaveBeenCalled();
  });

  it('drops an anchor’s statements and keys, and the cached federation statements, on an anchor revocation', () => {
    revoke('anchor', 'acme-directory');
    expect(purgeAnchor).toHaveBeenCalledWith('acme-directory');
    expect(purgeChains).toHaveBeenCalledTimes(1);
    expect(purge).not.toHaveBeenCalled();
  });

  it('drops the cached federation statements on an intermediate revocation', () => {
    revoke('intermediate', 'https://intermediate.fed.example');
    expect(purgeChains).toHaveBeenCalledTimes(1);
    expect(purge).not.toHaveBeenCalled();
    expect(purgeAnchor).not.toHaveBeenCalled();
  });

  it.each(['software_id', 'jkt'] as const)('keeps its caches on a %s revocation: none of them is keyed by it', (kind) => {
    revoke(kind, 'x');
    expect(purge).not.toHaveBeenCalled();
    expect(purgeAnchor).not.toHaveBeenCalled();
    expect(purgeChains).not.toHaveBeenCalled();
  });

  it('purges nothing when a revocation is lifted', () => {
    revocations.apply(revocationKey('anchor', 'acme'), null);
    expect(purgeAnchor).not.toHaveBeenCalled();
  });
});
