import { Type } from '@sinclair/typebox';
import type { ErrorObject } from 'ajv';
import { compileShape } from '@admit/contracts';
import { ConfigError } from '../config/load-config';
import { parseConfigYaml, readConfigFile } from '../config/yaml-file';
import { ADMIN_SCOPES, AdminScope } from './admin-scope';
import { ADMIN_NAME_PATTERN } from './admin-token';
import { AdminTokens } from './admin-tokens';

export const ADMIN_TOKENS_FILE_VAR = 'ADMIT_ADMIN_TOKENS_FILE';

const TokensFile = Type.Object(
  {
    tokens: Type.Array(
      Type.Object(
        {
          name: Type.String({ pattern: ADMIN_NAME_PATTERN }),
          // Lower-case hex only: the file is compared and diffed as text, so one spelling per digest.
          sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
          scopes: Type.Array(Type.Unsafe<string>({ type: 'string', enum: [...ADMIN_SCOPES] }), { minItems: 1, uniqueItems: true }),
        },
        // A misspelt field (scope, hash) must fail loudly, not leave a token without its intended limits.
        { additionalProperties: false },
      ),
      { maxItems: 1024 },
    ),
  },
  { additionalProperties: false },
);

const checkShape = compileShape<{ tokens: { name: string; sha256: string; scopes: string[] }[] }>(TokensFile);

/**
 * The credentials named by ADMIT_ADMIN_TOKENS_FILE; none when it is unset, so every admin route
 * answers 401 (never open). A file that cannot be read or is invalid stops the start with a
 * ConfigError naming the variable.
 */
export function loadAdminTokens(path: string | undefined): AdminTokens {
  if (path === undefined || path === '') return AdminTokens.none();
  const source = `${ADMIN_TOKENS_FILE_VAR} (${path})`;
  return parseAdminTokensYaml(readConfigFile(path, source), source);
}

export function parseAdminTokensYaml(text: string, source = ADMIN_TOKENS_FILE_VAR): AdminTokens {
  const input = parseConfigYaml(text, source);
  if (!checkShape(input)) {
    throw new ConfigError((checkShape.errors ?? []).map((e) => `${source}: ${describe(e)}`));
  }
  const problems: string[] = [];
  const names = new Set<string>();
  const digests = new Set<string>();
  input.tokens.forEach((token, index) => {
    if (names.has(token.name)) problems.push(`${source}: tokens[${index}] name "${token.name}" is used by another token`);
    // Two names for one token would make the actor of an action ambiguous.
    if (digests.has(token.sha256)) problems.push(`${source}: tokens[${index}] sha256 is the same as another token's`);
    names.add(token.name);
    digests.add(token.sha256);
  });
  if (problems.length > 0) throw new ConfigError(problems);
  // The schema admitted only known scopes.
  return new AdminTokens(input.tokens.map((t) => ({ ...t, scopes: t.scopes as AdminScope[] })));
}

function describe(error: ErrorObject): string {
  const params = error.params as { missingProperty?: string; additionalProperty?: string; allowedValues?: unknown[] };
  const path = error.instancePath.replace(/^\//, '').replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.') || 'document';
  if (params.additionalProperty) return `${path} field ${params.additionalProperty}: is not a known field`;
  if (params.missingProperty) return `${path} field ${params.missingProperty}: is required`;
  const allowed = params.allowedValues ? ` (one of ${params.allowedValues.join(', ')})` : '';
  return `${path}: ${error.message ?? 'is invalid'}${allowed}`;
}
