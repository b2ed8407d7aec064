/**
 * Every ADMIT_* variable some part of Admit reads: the apps' config schemas (a spec checks them all
 * against this list), the CLI, the topic creator, the launcher and the images. Compose files share one
 * environment between apps, so a variable is "unknown" only when no part of Admit reads it.
 */
export const KNOWN_VARIABLES: readonly string[] = [
  'ADMIT_ADMIN_TOKEN',
  'ADMIT_ADMIN_TOKENS_FILE',
  'ADMIT_APP',
  'ADMIT_AUDIT_CHECKPOINT_FILE',
  'ADMIT_AUDIT_CHECKPOINT_INTERVAL_S',
  'ADMIT_AUDIT_CHECKPOINT_MAX_AGE_S',
  'ADMIT_BENCH_CPU_PROFILE_DIR',
  'ADMIT_BUS_MAX_ATTEMPTS',
  'ADMIT_BUS_RETRY_BASE_MS',
  'ADMIT_CHECKPOINT_KEY_FILE',
  'ADMIT_CIMD_MAX_TTL_S',
  'ADMIT_CIMD_MIN_TTL_S',
  'ADMIT_CLIENT_ASSERTION_JTI_QUOTA',
  'ADMIT_CONSOLE_SESSION_KEY_FILE',
  'ADMIT_DATA_DIR',
  'ADMIT_DECISION_TIMEOUT_MS',
  'ADMIT_FEDERATION_FAILURE_COOLDOWN_S',
  'ADMIT_FEDERATION_MAX_BYTES',
  'ADMIT_FEDERATION_MAX_DEPTH',
  'ADMIT_FEDERATION_MAX_FETCHES',
  'ADMIT_FETCH_ALLOW_HOSTS',
  'ADMIT_FETCH_CA_FILE',
  'ADMIT_GATEWAY_ACTIONS_FILE',
  'ADMIT_HTTP_HOST',
  'ADMIT_HTTP_PORT',
  'ADMIT_INSTANCE_ID',
  'ADMIT_ISSUER',
  'ADMIT_KAFKA_GROUP_PREFIX',
  'ADMIT_KAFKA_SESSION_TIMEOUT_MS',
  'ADMIT_KAFKA_TOPIC_PREFIX',
  'ADMIT_LOG_LEVEL',
  'ADMIT_POLICY_DIR',
  'ADMIT_POLICY_RELOAD_MS',
  'ADMIT_RATE_LIMIT_GLOBAL',
  'ADMIT_RATE_LIMIT_PER_CLIENT',
  'ADMIT_RATE_LIMIT_PER_SOURCE',
  'ADMIT_RATE_LIMIT_WINDOW_S',
  'ADMIT_REVOCATION_URL',
  'ADMIT_SIGNING_KEY_FILE',
  'ADMIT_STACK_ADMIN_DATABASE_URL',
  'ADMIT_TOPIC_PARTITIONS',
  'ADMIT_TOPIC_REPLICATION',
  'ADMIT_TRUST_ANCHORS_FILE',
  'ADMIT_URL',
];

/** What a file or folder variable must name: the end of a start-up error about it. */
export const EXPECTED: Readonly<Record<string, string>> = {
  ADMIT_POLICY_DIR: 'a readable folder of Cedar policies (*.cedar) and admit.cedarschema',
  ADMIT_SIGNING_KEY_FILE: 'a JSON JWK Set of private signing keys, each with a kid (`admit keys generate --out <file>` writes one)',
  ADMIT_CHECKPOINT_KEY_FILE: 'a JSON JWK Set of private signing keys, each with a kid (`admit keys generate --out <file>` writes one)',
  ADMIT_TRUST_ANCHORS_FILE: 'a readable YAML file `anchors: [{id, issuer, algorithms, jwks or jwks_uri, …} or {id, type: openid_federation, entity_id, jwks, domains?} or {id, type: spiffe, trust_domain, bundle or bundle_endpoint, templates} or {id, type: client_attester, issuer, jwks, metadata}]` (README: trust anchors)',
  ADMIT_ADMIN_TOKENS_FILE: 'a readable YAML file `tokens: [{name, sha256, scopes}]` (`admit admin-token create --append <file>` writes one)',
  ADMIT_DATA_DIR: 'a folder this user can create and write',
  ADMIT_FETCH_CA_FILE: 'a readable PEM file of CA certificates',
  ADMIT_GATEWAY_ACTIONS_FILE: 'a readable YAML file `routes: [{methods?, path, action, sensitivity?}]` (docs/integrating.md: gateways)',
  ADMIT_AUDIT_CHECKPOINT_FILE: 'a file this user can create and append to',
  ADMIT_CONSOLE_SESSION_KEY_FILE: 'a readable file of at least 32 random bytes, the same on every audit instance (`openssl rand -base64 48`)',
  ADMIT_HTTP_PORT: 'a free port (0 picks any free port)',
};

/** A warning for each ADMIT_* variable in `env` that no part of Admit reads, naming the closest known one. */
export function unknownVariableWarnings(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.keys(env)
    .filter((name) => name.startsWith('ADMIT_') && !KNOWN_VARIABLES.includes(name))
    .sort()
    .map((name) => {
      const closest = closestKnown(name);
      return `${name} is set but no part of Admit reads it${closest ? `; did you mean ${closest}?` : ''}`;
    });
}

/** The known name nearest `name` by edit distance, if it is near enough to be a likely misspelling. */
export function closestKnown(name: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const known of KNOWN_VARIABLES) {
    const distance = editDistance(name, known);
    if (!best || distance < best.distance) best = { name: known, distance };
  }
  return best && best.distance <= Math.max(3, Math.floor(name.length / 3)) ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}
