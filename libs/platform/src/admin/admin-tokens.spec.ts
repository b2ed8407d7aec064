// Real: AdminTokens, the YAML loader, hashing and node:crypto (timingSafeEqual is passed in wrapped by a
// counting jest.fn that calls through). Files are written to a fresh temporary folder.
import { timingSafeEqual } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { thrownBy } from '@admit/contracts/testing';
import { ConfigError } from '../config/load-config';
import { hashAdminToken } from './admin-token';
import { AdminTokens } from './admin-tokens';
import { loadAdminTokens, parseAdminTokensYaml } from './load-admin-tokens';

const entry = (name: string, token: string, scopes = 'revocations:read') => `  - name: ${name}\n    sha256: ${hashAdminToken(token)}\n    scopes: [${scopes}]\n`;
const FILE = `tokens:\n${entry('alice', 'token-a', 'revocations:write, revocations:read')}${entry('bob', 'token-b', 'audit:read')}`;

describe('AdminTokens', () => {
  it('knows a token by its hash and names its holder and scopes', () => {
    const tokens = parseAdminTokensYaml(FILE);
    expect(tokens.authenticate('token-a')).toEqual({ name: 'alice', scopes: ['revocations:write', 'revocations:read'] });
    expect(tokens.authenticate('token-b')).toEqual({ name: 'bob', scopes: ['audit:read'] });
  });

  it.each([['token-a '], ['TOKEN-A'], [''], [hashAdminToken('token-a')], ['token-']])('refuses %j', (token) => {
    expect(parseAdminTokensYaml(FILE).authenticate(token)).toBeUndefined();
  });

  it('compares with timingSafeEqual against every entry, also after a match', () => {
    const compare = jest.fn(timingSafeEqual);
    const entries = ['a', 'b', 'c', 'd'].map((t) => ({ name: t, sha256: hashAdminToken(t), scopes: ['audit:read' as const] }));
    const tokens = new AdminTokens(entries, compare);
    expect(tokens.authenticate('a')?.name).toBe('a');
    expect(compare).toHaveBeenCalledTimes(4);
    compare.mockClear();
    expect(tokens.authenticate('nope')).toBeUndefined();
    expect(compare).toHaveBeenCalledTimes(4);
  });

  it('accepts nothing when there are no tokens', () => {
    expect(AdminTokens.none().authenticate('anything')).toBeUndefined();
    expect(loadAdminTokens(undefined).size).toBe(0);
    expect(parseAdminTokensYaml('tokens: []').size).toBe(0);
  });
});

describe('loading ADMIT_ADMIN_TOKENS_FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'admin-tokens-'));

  it('reads the file it names', () => {
    const path = join(dir, 'ok.yaml');
    writeFileSync(path, FILE);
    expect(loadAdminTokens(path).authenticate('token-b')?.name).toBe('bob');
  });

  it('names the variable and path when the file cannot be read', () => {
    const path = join(dir, 'missing.yaml');
    const err = thrownBy(ConfigError, () => loadAdminTokens(path));
    expect(err.code).toBe('ERR_CONFIG_INVALID');
    expect(err.problems).toEqual([`ADMIT_ADMIN_TOKENS_FILE (${path}): cannot be read: ENOENT`]);
  });

  it.each([
    ['invalid YAML', 'tokens: [', /ADMIT_ADMIN_TOKENS_FILE \(.*\): not valid YAML: /],
    ['a YAML alias', `x: &a []\ntokens: *a`, /not valid YAML: Alias resolution is disabled/],
    ['no tokens list', 'other: 1', /field tokens: is required/],
    ['an unknown top-level field', 'tokens: []\nadmins: []', /document field admins: is not a known field/],
    ['a misspelt field', `tokens:\n  - name: a\n    sha256: ${hashAdminToken('x')}\n    scope: [audit:read]\n`, /tokens\[0\] field scope: is not a known field/],
    ['a token in plain text', `tokens:\n  - name: a\n    sha256: my-secret\n    scopes: [audit:read]\n`, /tokens\[0\]\.sha256: must match pattern/],
    ['upper-case hex', `tokens:\n  - name: a\n    sha256: ${hashAdminToken('x').toUpperCase()}\n    scopes: [audit:read]\n`, /tokens\[0\]\.sha256: must match pattern/],
    ['an unknown scope', `tokens:\n  - name: a\n    sha256: ${hashAdminToken('x')}\n    scopes: [root]\n`, /tokens\[0\]\.scopes\[0\]: must be equal to one of the allowed values \(one of revocations:write, revocations:read, audit:read\)/],
    ['no scopes', `tokens:\n  - name: a\n    sha256: ${hashAdminToken('x')}\n    scopes: []\n`, /tokens\[0\]\.scopes: must NOT have fewer than 1 items/],
    ['a bad name', `tokens:\n  - name: "a b"\n    sha256: ${hashAdminToken('x')}\n    scopes: [audit:read]\n`, /tokens\[0\]\.name: must match pattern/],
    ['a repeated name', `tokens:\n${entry('a', 'x')}${entry('a', 'y')}`, /tokens\[1\] name "a" is used by another token/],
    ['a repeated hash', `tokens:\n${entry('a', 'x')}${entry('b', 'x')}`, /tokens\[1\] sha256 is the same as another token's/],
  ])('refuses %s, naming the variable', (_what, text, message) => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, text);
    const err = thrownBy(ConfigError, () => loadAdminTokens(path));
    expect(err.message).toMatch(message);
    for (const problem of err.problems) expect(problem.startsWith(`ADMIT_ADMIN_TOKENS_FILE (${path}): `)).toBe(true);
  });
});
