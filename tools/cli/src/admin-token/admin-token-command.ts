import { ADMIN_NAME_PATTERN, ADMIN_SCOPES, adminTokenEntryYaml, AdminScope, hashAdminToken, isAdminScope, newAdminToken } from '@admit/platform';

const USAGE = `usage: admit admin-token create --name <name> --scopes <scope>[,<scope>...]
  scopes: ${ADMIN_SCOPES.join(', ')}
Prints a new admin token once, and the entry to add to ADMIT_ADMIN_TOKENS_FILE (which keeps only its hash).`;

/** `admit admin-token create --name <n> --scopes a,b`: 0 on success, 2 on a usage error. */
export async function run(args: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const fail = (message: string): number => {
    err.write(`${message}\n${USAGE}\n`);
    return 2;
  };
  const [command, ...rest] = args;
  if (command !== 'create') return fail(command === undefined ? 'missing command' : `unknown command ${JSON.stringify(command)}`);
  const options = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i], rest[i + 1]];
    if (flag !== '--name' && flag !== '--scopes') return fail(`unknown option ${JSON.stringify(flag)}`);
    if (value === undefined || value.startsWith('--')) return fail(`${flag} needs a value`);
    if (options.has(flag)) return fail(`${flag} given twice`);
    options.set(flag, value);
  }
  const name = options.get('--name');
  if (name === undefined || !new RegExp(ADMIN_NAME_PATTERN).test(name)) {
    return fail('--name must be 1-64 characters: letters, digits, ".", "_", "@", "-", starting with a letter or digit');
  }
  const scopes = (options.get('--scopes') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = scopes.filter((s) => !isAdminScope(s));
  if (scopes.length === 0 || unknown.length > 0) return fail(`--scopes must list one or more of ${ADMIN_SCOPES.join(', ')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`);
  const token = newAdminToken();
  const entry = adminTokenEntryYaml({ name, sha256: hashAdminToken(token), scopes: [...new Set(scopes)] as AdminScope[] });
  out.write(`token (shown once; Admit keeps only its hash): ${token}\n\nadd under "tokens:" in ADMIT_ADMIN_TOKENS_FILE:\n${entry}\n`);
  return 0;
}
