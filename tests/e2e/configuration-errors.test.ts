// Real: the built apps (node dist/apps/<app>/main.js) started as an operator starts them, each with one
// mistake in its environment, in a temporary folder. Every case fails before anything is started, so
// no broker or database is needed. Nothing stubbed.
import { startEmbedded } from '@admit/launcher';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');
const APP = (name: string) => join(ROOT, 'dist', 'apps', name, 'main.js');

/** The environment of a test process, without any ADMIT_* setting of its own. */
function baseEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('ADMIT_')));
}

async function start(app: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [APP(app)], { cwd: ROOT, env: { ...baseEnv(), ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('a start-up mistake is one line naming the variable, its value and what is expected, then exit 1', () => {
  let dir: string;
  let busy: Server;
  let busyPort: number;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'admit-config-errors-'));
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'not-json.json'), 'this is not JSON');
    writeFileSync(join(dir, 'anchors.yaml'), 'anchors: 3\n');
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => busy.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const embedded = (env: Record<string, string>) => start('embedded', { ADMIT_DATA_DIR: join(dir, 'data'), ADMIT_HTTP_PORT: '0', ...env });

  it.each<[string, () => Record<string, string>, () => string]>([
    ['a missing policy folder', () => ({ ADMIT_POLICY_DIR: join(dir, 'nope') }), () => `ADMIT_POLICY_DIR=${join(dir, 'nope')}: does not exist (ENOENT); expected a readable folder of Cedar policies (*.cedar) and admit.cedarschema`],
    ['a policy folder that is a file', () => ({ ADMIT_POLICY_DIR: join(dir, 'anchors.yaml') }), () => `ADMIT_POLICY_DIR=${join(dir, 'anchors.yaml')}: is not a folder (ENOTDIR); expected a readable folder`],
    ['a missing trust anchors file', () => ({ ADMIT_TRUST_ANCHORS_FILE: join(dir, 'none.yaml') }), () => `ADMIT_TRUST_ANCHORS_FILE=${join(dir, 'none.yaml')}: does not exist (ENOENT); expected a readable YAML file`],
    ['a bad trust anchors file', () => ({ ADMIT_TRUST_ANCHORS_FILE: join(dir, 'anchors.yaml') }), () => `ADMIT_TRUST_ANCHORS_FILE=${join(dir, 'anchors.yaml')}: `],
    ['a bad signing key file', () => ({ ADMIT_SIGNING_KEY_FILE: join(dir, 'not-json.json') }), () => `ADMIT_SIGNING_KEY_FILE=${join(dir, 'not-json.json')}: `],
    ['a missing admin tokens file', () => ({ ADMIT_ADMIN_TOKENS_FILE: join(dir, 'tokens.yaml') }), () => `ADMIT_ADMIN_TOKENS_FILE=${join(dir, 'tokens.yaml')}: does not exist (ENOENT)`],
    ['a min above its max', () => ({ ADMIT_CIMD_MIN_TTL_S: '900', ADMIT_CIMD_MAX_TTL_S: '60' }), () => 'ADMIT_CIMD_MIN_TTL_S=900 is above ADMIT_CIMD_MAX_TTL_S=60; expected ADMIT_CIMD_MIN_TTL_S at most ADMIT_CIMD_MAX_TTL_S'],
    ['a port in use', () => ({ ADMIT_HTTP_PORT: String(busyPort) }), () => `ADMIT_HTTP_PORT=${busyPort}: 127.0.0.1:${busyPort} is already in use (EADDRINUSE); expected a free port (0 picks any free port)`],
    ['a log level pino does not know', () => ({ ADMIT_LOG_LEVEL: 'loud' }), () => 'ADMIT_LOG_LEVEL must be equal to one of the allowed values (one of trace, debug, info, warn, error, fatal, log), got "loud"'],
  ])('embedded: %s', async (_what, env, line) => {
    const { code, stderr } = await embedded(env());
    expect(code).toBe(1);
    expect(stderr).toMatch(/^admit: [^\n]*\n$/); // one line, no stack trace
    expect(stderr).toContain(`admit: ${line()}`);
  });

  it('starts with ADMIT_LOG_LEVEL=info writing only JSON lines when stdout is no terminal, and at most 10 info lines until it listens', async () => {
    const lines: string[] = [];
    const stack = await startEmbedded({ env: { ...baseEnv(), ADMIT_DATA_DIR: join(dir, 'started'), ADMIT_HTTP_PORT: '0', ADMIT_LOG_LEVEL: 'info' }, onLine: (l) => lines.push(l) });
    try {
      const parsed = lines.map((l) => JSON.parse(l) as { level: string; msg: string; context?: string });
      const upTo = parsed.findIndex((l) => l.context === 'lifecycle' && l.msg.includes(' listening on '));
      expect(upTo).toBeGreaterThanOrEqual(0);
      const info = parsed.slice(0, upTo + 1).filter((l) => l.level === 'info');
      expect(info.length).toBeLessThanOrEqual(10);
      // The route list and Nest's module lines are debug now.
      expect(parsed.filter((l) => ['RouterExplorer', 'InstanceLoader', 'RoutesResolver'].includes(l.context ?? ''))).toEqual([]);
    } finally {
      expect(await stack.stop()).toEqual({ embedded: 0 });
    }
  });

  it('a distributed app checks the same before it connects to anything', async () => {
    const { code, stderr } = await start('policy', { KAFKA_BROKERS: '127.0.0.1:9', DATABASE_URL: 'postgres://127.0.0.1:9/none', ADMIT_POLICY_DIR: join(dir, 'nope'), ADMIT_HTTP_PORT: '0' });
    expect({ code, stderr }).toEqual({ code: 1, stderr: `admit: ADMIT_POLICY_DIR=${join(dir, 'nope')}: does not exist (ENOENT); expected a readable folder of Cedar policies (*.cedar) and admit.cedarschema\n` });
  });

  it('warns about an ADMIT_* variable no part of Admit reads, naming the closest known one, and not about one another app reads', async () => {
    const { code, stdout, stderr } = await embedded({ ADMIT_POLCY_DIR: 'policies', ADMIT_TOPIC_PARTITIONS: '12', ADMIT_CIMD_MIN_TTL_S: '900', ADMIT_CIMD_MAX_TTL_S: '60' });
    expect(code).toBe(1);
    expect(stderr).toContain('ADMIT_CIMD_MIN_TTL_S=900 is above');
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { level: string; msg: string });
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual(['ADMIT_POLCY_DIR is set but no part of Admit reads it; did you mean ADMIT_POLICY_DIR?']);
  });
});
