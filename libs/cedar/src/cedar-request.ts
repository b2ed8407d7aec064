import type { CedarValueJson, EntityJson } from './cedar-wasm';
import { ClientMetadata, MetadataSource, parsedUrl } from '@admit/contracts';
import type { AuthorizationRequest } from './decision';

export type Sensitivity = 'normal' | 'sensitive';
export type ClientAssertion = 'verified' | 'absent';

/** What Admit knows about a client when it asks Cedar: from a validation, or from an admission. */
export interface ClientFacts {
  client_id: string;
  source: MetadataSource;
  anchor?: string;
  software_id?: string;
  origin?: string;
  /** A federation client's intermediates (entity ids) and the types of its trust marks that hold. */
  intermediates?: string[];
  trust_marks?: string[];
  /** A SPIFFE workload's trust domain and the segments of its SPIFFE ID's path. */
  trust_domain?: string;
  spiffe_path?: string[];
  /** An attested agent's attester (the `type: client_attester` anchor's id). */
  attester?: string;
  jkts: string[];
  validated_at: string;
  /** The admission's end, when there is one (access checks). */
  expires_at?: string;
  metadata?: ClientMetadata;
}

export interface RequestFacts {
  action: string;
  /** Actions other than `register` are access actions: their entity is a child of `Action::"access"`. */
  resource: { type: 'Admit::Registry' | 'Admit::Resource'; id: string };
  now: Date;
  sensitivity: Sensitivity;
  client_assertion: ClientAssertion;
}

const ACCESS = { type: 'Admit::Action', id: 'access' };

/**
 * The Cedar request for one question about one client; the shape `policies/admit.cedarschema`
 * declares. `reads`: the only client attributes to send (those the applicable policies read).
 */
export function cedarRequest(client: ClientFacts, facts: RequestFacts, reads?: ReadonlySet<string>): AuthorizationRequest {
  const principal = { type: 'Admit::Client', id: client.client_id };
  const action = { type: 'Admit::Action', id: facts.action };
  const now = seconds(facts.now.toISOString());
  const entities: EntityJson[] = [{ uid: principal, attrs: clientAttributes(client, reads), parents: [] }];
  // Callers name access actions freely (a tool name, say); each is one of the `access` group.
  if (facts.action !== 'register') entities.push({ uid: action, attrs: {}, parents: [ACCESS] });
  return {
    principal,
    action,
    resource: facts.resource,
    context: {
      now,
      admission_age_s: Math.max(0, now - seconds(client.validated_at)),
      sensitivity: facts.sensitivity,
      client_assertion: facts.client_assertion,
    },
    entities,
  };
}

/** What a client attribute is made from: the client, and its redirect hosts (parsed at most once per request). */
type AttributeOf = (c: ClientFacts, hosts: () => (string | undefined)[]) => CedarValueJson | undefined;

/**
 * What policies can see of the client, by attribute; `undefined` leaves one out (optional
 * attributes appear only when validation established them).
 */
const CLIENT_ATTRIBUTES: [string, AttributeOf][] = Object.entries({
  source: (c) => c.source,
  grant_types: (c) => c.metadata?.grant_types ?? [],
  scopes: (c) => (c.metadata?.scope ?? '').split(' ').filter(Boolean),
  redirect_hosts: (_c, hosts) => [...new Set(hosts().filter((h): h is string => h !== undefined))],
  loopback_redirects_only: (_c, hosts) => hosts().length > 0 && hosts().every((h) => h !== undefined && isLoopback(h)),
  jkts: (c) => c.jkts,
  validated_at: (c) => seconds(c.validated_at),
  anchor: (c) => c.anchor,
  software_id: (c) => c.software_id,
  origin: (c) => c.origin,
  intermediates: (c) => c.intermediates,
  trust_marks: (c) => c.trust_marks,
  trust_domain: (c) => c.trust_domain,
  attester: (c) => c.attester,
  // The path as written, and each of its whole-segment prefixes: `ns/payments` matches ns/payments/api, never ns/payments2.
  spiffe_path: (c) => c.spiffe_path?.join('/'),
  spiffe_prefixes: (c) => c.spiffe_path?.map((_, i) => c.spiffe_path?.slice(0, i + 1).join('/') as string),
  expires_at: (c) => (c.expires_at === undefined ? undefined : seconds(c.expires_at)),
} satisfies Record<string, AttributeOf>);

/** The client's attributes; with `reads`, only those some policy that may apply reads (the others cannot change the decision). */
function clientAttributes(c: ClientFacts, reads?: ReadonlySet<string>): EntityJson['attrs'] {
  let parsed: (string | undefined)[] | undefined;
  const hosts = () => (parsed ??= (c.metadata?.redirect_uris ?? []).map(hostOf));
  const attrs: EntityJson['attrs'] = {};
  for (const [name, value] of CLIENT_ATTRIBUTES) {
    if (reads && !reads.has(name)) continue;
    const v = value(c, hosts);
    if (v !== undefined) attrs[name] = v;
  }
  return attrs;
}

/** The host of a redirect URI as URL parsing lowercases it; none for custom schemes without one. */
function hostOf(uri: string): string | undefined {
  return parsedUrl(uri)?.hostname || undefined;
}

/** RFC 8252 §7.3 loopback redirects: the IPv4 loopback range, IPv6 ::1 and localhost. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function seconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}
