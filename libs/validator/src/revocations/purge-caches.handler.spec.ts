// Real: the handler. Stubbed: the two caches, as recorders of what was purged.
import { newEvent, RevocationKind, Topic } from '@admit/contracts';
import { CimdResolver } from '@admit/metadata';
import { StatementVerifier } from '@admit/trust';
import { PurgeCachesHandler } from './purge-caches.handler';

function revocation(kind: RevocationKind, value: string) {
  return newEvent(
    Topic.Revocations,
    { id: 'r1', kind, value, reason: 'test', actor: 'tester', created_at: new Date().toISOString() },
    { source: '/test', subject: `${kind}:${value}` },
  );
}

describe('PurgeCachesHandler', () => {
  const purge = jest.fn();
  const purgeAnchor = jest.fn();
  const handler = new PurgeCachesHandler({ purge } as unknown as CimdResolver, { purgeAnchor } as unknown as StatementVerifier);

  beforeEach(() => jest.clearAllMocks());

  it.each([
    ['client_id', 'https://app.example/c.json', { clientId: 'https://app.example/c.json' }],
    ['origin', 'https://app.example', { origin: 'https://app.example' }],
  ] as const)('drops cached documents on a %s revocation', (kind, value, criteria) => {
    handler.onRevocation(revocation(kind, value));
    expect(purge).toHaveBeenCalledWith(criteria);
    expect(purgeAnchor).not.toHaveBeenCalled();
  });

  it('drops an anchor’s statements and keys on an anchor revocation', () => {
    handler.onRevocation(revocation('anchor', 'acme-directory'));
    expect(purgeAnchor).toHaveBeenCalledWith('acme-directory');
    expect(purge).not.toHaveBeenCalled();
  });

  it.each(['software_id', 'jkt'] as const)('keeps its caches on a %s revocation: none of them is keyed by it', (kind) => {
    handler.onRevocation(revocation(kind, 'x'));
    expect(purge).not.toHaveBeenCalled();
    expect(purgeAnchor).not.toHaveBeenCalled();
  });
});
