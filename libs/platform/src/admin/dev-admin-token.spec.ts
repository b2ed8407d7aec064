// Real: the file system (a fresh temporary folder), token generation and the tokens-file loader.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_SCOPES } from './admin-scope';
import { ensureDevAdminToken } from './dev-admin-token';
import { loadAdminTokens } from './load-admin-tokens';

describe('ensureDevAdminToken', () => {
  it('creates a token with every scope, readable by its owner only, and stores only its hash', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'admit-data-')), 'nested');
    const dev = ensureDevAdminToken(dir);
    expect(dev).toEqual({ tokensFile: join(dir, 'admin-tokens.yaml'), tokenFile: join(dir, 'admin-token'), created: true });
    const token = readFileSync(dev.tokenFile, 'utf8').trim();
    expect(statSync(dev.tokenFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(dev.tokensFile, 'utf8')).not.toContain(token);
    expect(loadAdminTokens(dev.tokensFile).authenticate(token)).toEqual({ name: 'development-admin', scopes: [...ADMIN_SCOPES] });
  });

  it('keeps the token of the first start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'admit-data-'));
    const first = ensureDevAdminToken(dir);
    const token = readFileSync(first.tokenFile, 'utf8');
    expect(ensureDevAdminToken(dir).created).toBe(false);
    expect(readFileSync(first.tokenFile, 'utf8')).toBe(token);
  });
});
