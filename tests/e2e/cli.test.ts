// Real: the CLI as a user runs it, `tools/cli/bin/admit.js` loading the build in dist/tools/cli (run
// `npm run build` first, as for every e2e suite), as a process of its own. Nothing stubbed.
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'tools', 'cli', 'bin', 'admit.js');
const { version } = JSON.parse(readFileSync(join(ROOT, 'tools', 'cli', 'package.json'), 'utf8')) as { version: string };

async function admit(args: string[], bin = BIN): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the admit command', () => {
  it('runs the build: --version and --help exit 0', async () => {
    expect(await admit(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    const help = await admit(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: admit [options] [command]');
  });

  it('ends quietly with 0 when its reader goes away (`| head`)', async () => {
    const child = spawn(process.execPath, [BIN, 'audit', 'export', '--help'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    // The reading end closes before the CLI writes a byte: every write it makes meets EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('says to run `npm run build` when the build is missing, and exits 1', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'admit-cli-unbuilt-'));
    try {
      mkdirSync(join(copy, 'tools', 'cli', 'bin'), { recursive: true });
      copyFileSync(BIN, join(copy, 'tools', 'cli', 'bin', 'admit.js'));
      const { code, stdout, stderr } = await admit(['--version'], join(copy, 'tools', 'cli', 'bin', 'admit.js'));
      expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
      expect(stderr).toBe(`admit: the CLI is not built (${join(copy, 'dist', 'tools', 'cli', 'main.js')} is missing); run \`npm run build\` first\n`);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
