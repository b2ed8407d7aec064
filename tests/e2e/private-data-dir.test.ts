// Real: the built embedded app (node dist/apps/embedded/main.js) in a temporary data folder, its
// HTTP API, and the CLI as a process of its own. Nothing stubbed.
import { startEmbedded, Stack } from '@admit/launcher';
import { hashAdminToken } from '@admit/platform';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually } from '../support/poll';

const AUDITOR = 'admit_private-data-dir-auditor-for-tests-only';

/** Every entry under `dir` (the folder included) with its permission bits. */
function modes(dir: string): { path: string; mode: number }[] {
  const out = [{ path: dir, mode: lstatSync(dir).mode & 0o777 }];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    out.push({ path, mode: lstatSync(path).mode & 0o777 });
  }
  return out;
}

describe('the embedded data folder is private', () => {
  let root: string;
  let stack: Stack | undefined;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'admit-e2e-private-'));
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('is created 0700 with nothing in it group or others may read or write, and the checkpoints it writes verify', async () => {
    const dataDir = join(root, 'fresh', 'data');
    const tokens = join(root, 'tokens.yaml');
    writeFileSync(tokens, `tokens:\n  - name: auditor\n    sha256: ${hashAdminToken(AUDITOR)}\n    scopes: [audit:read]\n`);
    stack = await startEmbedded({ env: { ADMIT_DATA_DIR: dataDir, ADMIT_HTTP_PORT: '0', ADMIT_ADMIN_TOKENS_FILE: tokens, ADMIT_AUDIT_CHECKPOINT_INTERVAL_S: '1' } });
    // An audited read is an event; a checkpoint of it follows within the interval.
    expect((await fetch(`${stack.intakeUrl}/audit/events`, { headers: { authorization: `Bearer ${AUDITOR}` } })).status).toBe(200);
    const file = join(dataDir, 'audit-checkpoints.jsonl');
    await eventually('a checkpoint in the file', () => (existsSync(file) && readFileSync(file, 'utf8').length > 0 ? true : undefined));

    const all = modes(dataDir);
    expect(all.length).toBeGreaterThan(100);
    expect(all.filter((e) => (e.mode & 0o077) !== 0)).toEqual([]);
    expect(all[0].mode).toBe(0o700);
    expect(stack.apps[0].output()).not.toContain('is open to group or others');

    const jwks = join(root, 'checkpoint-jwks.json');
    const published = await fetch(`${stack.intakeUrl}/.well-known/audit-checkpoint-jwks.json`);
    expect(published.status).toBe(200);
    writeFileSync(jwks, await published.text());
    const script = "require('./tools/cli/src/run-audit').runAudit(process.argv.slice(1)).then((c) => process.exit(c), (e) => { console.error(e.message); process.exit(e.exitCode ?? 1); })";
    // A verification that finds a problem exits 1 with its report on stdout: the assertion shows the report.
    const { stdout } = await promisify(execFile)('node_modules/.bin/tsx', ['-e', script, 'verify', '--url', stack.intakeUrl, '--jwks', jwks, '--checkpoints', file, '--json'], {
      env: { ...process.env, ADMIT_ADMIN_TOKEN: AUDITOR },
    }).catch((err: { stdout?: string; stderr?: string }) => ({ stdout: err.stdout || JSON.stringify({ ok: false, stderr: err.stderr }) }));
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, checkpoints: { signatures_checked: true, problems: [], external: { source: file } } });
    await stack.stop();
    stack = undefined;
  });

  it('warns at start naming an existing folder that group or others can reach', async () => {
    const dataDir = join(root, 'open');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    stack = await startEmbedded({ env: { ADMIT_DATA_DIR: dataDir, ADMIT_HTTP_PORT: '0' } });
    expect(stack.apps[0].output()).toContain(`ADMIT_DATA_DIR ${dataDir} is open to group or others: 1 entry they may read or write, such as ${dataDir} (0755)`);
    // Left as the operator set it: only they can decide who shares it.
    expect(lstatSync(dataDir).mode & 0o777).toBe(0o755);
  });
});
