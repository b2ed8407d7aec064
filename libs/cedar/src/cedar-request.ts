import type { EntityJson } from './cedar-wasm';
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

/** The Cedar request for one question about one client; the shape `policies/admit.cedarschema` declares. */
export function cedarRequest(client: ClientFacts, facts: RequestFacts): AuthorizationRequest {
  const principal = { type: 'Admit::Client', id: client.client_id };
  const action = { type: 'Admit::Action', id: facts.action };
  const now = seconds(facts.now.toISOString());
  const entities: EntityJson[] = [{ uid: principal, attrs: clientAttributes(client), parents: [] }];
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

/** What policies can see of the client; optional attributes only when validation established them. */
function clientAttributes(c: ClientFacts): EntityJson['attrs'] {
  const redirects = c.metadata?.redirect_uris ?? [];
  const hosts = redirects.map(hostOf);
  const attrs: EntityJson['attrs'] = {
    source: c.source,
    grant_types: c.metadata?.grant_types ?? [],
    scopes: (c.metadata?.scope ?? '').split(' ').filter(Boolean),
    redirect_hosts: [...new Set(hosts.filter((h): h is string => h !== undefined))],
    loopback_redirects_only: hosts.length > 0 && hosts.every((h) => h !== undefined && isLoopback(h)),
    jkts: c.jkts,
    validated_at: seconds(c.validated_at),
  };
  for (const name of ['anchor', 'software_id', 'origin', 'intermediates', 'trust_marks', 'trust_domain', 'attester'] as const) {
    const value = c[name];
    if (value !== undefined) attrs[name] = value;
  }
  if (c.spiffe_path !== undefined) {
    // The path as written, and each of its whole-segment prefixes: `ns/payments` matches ns/payments/api, never ns/payments2.
    attrs.spiffe_path = c.spiffe_path.join('/');
    attrs.spiffe_prefixes = c.spiffe_path.map((_, i) => c.spiffe_path?.slice(0, i + 1).join('/') as string);
  }
  if (c.expires_at !== undefined) attrs.expires_at = seconds(c.expires_at);
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
