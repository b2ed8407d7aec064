import { orUndefined, Revocation, RevocationKind, Topic } from '@admit/contracts';
import { revocationKey, RevocationSet, RevocationSubject } from '@admit/revocation-set';
import { parseSpiffeId } from '@admit/workload';
import { SqlQuery } from '../sql-query';
import { ReportWindow } from './evidence-report';

/**
 * The kinds whose clients the report takes from the revocation set's own matching (the services'
 * rule), not from an indexed column: a SPIFFE trust domain, a SPIFFE ID prefix (whole path segments),
 * an attester, a federation intermediate.
 */
const MATCHED_BY_THE_SET: readonly RevocationKind[] = ['trust_domain', 'spiffe_prefix', 'attester', 'intermediate'];

/** Which revocation (by id) covers which client. */
export interface Coverage {
  revocations: string[];
  clients: string[];
}

/**
 * The clients each revocation of the window of a kind in MATCHED_BY_THE_SET covers: of the clients
 * whose validated or admitted metadata names its trust domain, attester or intermediate, those a
 * revocation set holding it alone matches. Read only when the window holds such a revocation.
 */
export async function coverageOf(query: SqlQuery, window: ReportWindow): Promise<Coverage> {
  const rows = await query<{ revocation: Revocation }>(
    `SELECT DISTINCT ON (e.data ->> 'id') e.data AS revocation FROM audit_events e
     WHERE e.type = $3 AND e.event_time >= $1::timestamptz AND e.event_time < $2::timestamptz AND e.data ->> 'kind' = ANY($4::text[])
     ORDER BY e.data ->> 'id', e.seq`,
    [window.from, window.to, Topic.Revocations, MATCHED_BY_THE_SET],
  );
  const coverage: Coverage = { revocations: [], clients: [] };
  if (rows.length === 0) return coverage;
  const named = (kinds: RevocationKind[]) => rows.filter((r) => kinds.includes(r.revocation.kind)).map((r) => r.revocation.value);
  const subjects = await subjectsNaming(query, {
    trustDomains: [...named(['trust_domain']), ...named(['spiffe_prefix']).flatMap(trustDomainOf)],
    attesters: named(['attester']),
    intermediates: named(['intermediate']),
  });
  for (const { revocation } of rows) {
    // The set as it stood when the revocation was made: one that has expired since still covered its clients.
    const set = new RevocationSet(() => Date.parse(revocation.created_at));
    set.apply(revocationKey(revocation.kind, revocation.value), revocation);
    for (const subject of subjects) {
      if (!set.match(subject)) continue;
      coverage.revocations.push(revocation.id);
      coverage.clients.push(subject.client_id);
    }
  }
  return coverage;
}

function trustDomainOf(spiffePrefix: string): string[] {
  return orUndefined(() => [parseSpiffeId(spiffePrefix).trustDomain]) ?? [];
}

/** The distinct subjects of validated and admitted metadata that name one of the trust domains, attesters or intermediates. */
async function subjectsNaming(query: SqlQuery, names: { trustDomains: string[]; attesters: string[]; intermediates: string[] }): Promise<RevocationSubject[]> {
  const rows = await query<{ client_id: string; trust_domain: string | null; spiffe_path: string[] | null; attester: string | null; intermediates: string[] | null }>(
    `SELECT DISTINCT x.client_id, f ->> 'trust_domain' AS trust_domain, f -> 'spiffe_path' AS spiffe_path, f ->> 'attester' AS attester, f -> 'intermediates' AS intermediates
     FROM audit_events x CROSS JOIN LATERAL (SELECT COALESCE(x.data -> 'admission', x.data) AS f) facts
     WHERE x.type = ANY($1::text[]) AND x.client_id IS NOT NULL
       AND (f ->> 'trust_domain' = ANY($2::text[]) OR f ->> 'attester' = ANY($3::text[]) OR (jsonb_typeof(f -> 'intermediates') = 'array' AND (f -> 'intermediates') ?| $4::text[]))`,
    [[Topic.RegistrationValidated, Topic.RegistrationDecided], names.trustDomains, names.attesters, names.intermediates],
  );
  return rows.map((r) => ({
    client_id: r.client_id,
    ...(r.trust_domain === null ? {} : { trust_domain: r.trust_domain }),
    ...(Array.isArray(r.spiffe_path) ? { spiffe_path: r.spiffe_path } : {}),
    ...(r.attester === null ? {} : { attester: r.attester }),
    ...(Array.isArray(r.intermediates) ? { intermediates: r.intermediates } : {}),
  }));
}
