// Real: the whole `admit` program in-process (commander, every command's registration and the commands
// that need no service: admin-token, keys), token hashing, key generation and the parsers they are
// checked against. The output streams are in-memory collectors; files go to a temporary folder.
import { SigningKeys } from '@admit/keys';
import { parseAdminTokensYaml } from '@admit/platform';
import { Command } from 'commander';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { version } from '../package.json';
import { normalizeArgv } from './cli-exit';
import { createProgram, runCli } from './program';

function collector(): Writable & { text: string } {
  const stream = new Writable({
    write(chunk, _enc, done) {
      stream.text += String(chunk);
      done();
    },
  }) as Writable & { text: string };
  stream.text = '';
  return stream;
}

async function admit(...args: string[]) {
  const [out, err] = [collector(), collector()];
  const code = await runCli(args, { out, err });
  return { code, out: out.text, err: err.text };
}

/** Every command path of the program: ['audit', 'export'], ['revoke'], … */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((c) => [[...prefix, c.name()], ...commandPaths(c, [...prefix, c.name()])]);
}

const dir = mkdtempSync(join(tmpdir(), 'admit-cli-'));

describe('admit: conventions', () => {
  const paths = commandPaths(createProgram({ out: collector(), err: collector(), exitCode: 0 }));

  it('has the commands of the runbook', () => {
    expect(paths.map((p) => p.join(' '))).toEqual(
      expect.arrayContaining(['revoke', 'revocations list', 'revocations lift', 'incidents', 'keys generate', 'admin-token create', 'audit export', 'audit verify', 'policy explain', 'db migrate']),
    );
  });

  it.each([[[]], ...paths.map((p) => [p])])('`admit %j --help` prints its usage on stdout and exits 0', async (path) => {
    for (const help of ['--help', '-h']) {
      const { code, out, err } = await admit(...path, help);
      expect({ code, err }).toEqual({ code: 0, err: '' });
      expect(out).toContain(`Usage: admit${path.length ? ` ${path.join(' ')}` : ''}`);
    }
  });

  it('`admit help <command>` is the same as --help', async () => {
    expect(await admit('help', 'revoke')).toEqual(await admit('revoke', '--help'));
  });

  it('documents its exit codes and option spellings in --help', async () => {
    const { out } = await admit('--help');
    expect(out).toContain('Exit codes: 0 done, 1 failed');
    expect(out).toContain('2 usage error');
  });

  it.each(['--version', '-V'])('%s prints the version and exits 0', async (flag) => {
    expect(await admit(flag)).toEqual({ code: 0, out: `${version}\n`, err: '' });
  });

  it.each([
    [[], 'Usage: admit'],
    [['nope'], "unknown command 'nope'"],
    [['audit'], 'Usage: admit audit'],
    [['audit', 'query', '--nope'], "unknown option '--nope'"],
    [['revoke', 'client_id', 'c_1'], "required option '--reason <text>' not specified"],
    [['revoke', 'person', 'bob', '--reason', 'x'], "value 'person' is invalid for argument 'kind'"],
    [['audit', 'export', '--format', 'xml'], "option '--format <format>' argument 'xml' is invalid"],
    [['incidents', '--anchor', 'a', '--jkt', 'b', '--url', 'http://127.0.0.1:1'], 'give exactly one of --anchor, --origin or --jkt'],
    [['audit', 'timeline', '--client_id', 'c_1'], 'give --url <audit API>'],
    // Checked with the audit API's query schemas before anything is read.
    [['audit', 'query', '--url', 'http://127.0.0.1:1', '--limit', '0'], "/limit: Expected string to match '^(1000|[1-9][0-9]{0,2})$'"],
    [['audit', 'query', '--url', 'http://127.0.0.1:1', '--policy-version', 'v1'], "/policy_version: Expected string to match '^sha256:[0-9a-f]{64}$'"],
    [['audit', 'export', '--url', 'http://127.0.0.1:1', '--from', 'yesterday'], "/from: Expected string to match 'date-time' format"],
    [['audit', 'timeline', '--client-id', 'c_1', '--url', 'http://127.0.0.1:1', '--from', '2026-02-31T00:00:00Z'], 'from must be an RFC 3339 date-time'],
    [['incidents', '--anchor', 'a', '--limit', '201', '--url', 'http://127.0.0.1:1'], "/limit: Expected string to match '^(200|1[0-9]{2}|[1-9][0-9]?)$'"],
    [['audit', 'report', '--url', 'http://127.0.0.1:1', '--from', '2026-02-01T00:00:00Z', '--to', '2026-01-01T00:00:00Z'], 'from must be before to'],
  ])('refuses %j as a usage error: exit 2, one message on stderr, nothing on stdout', async (args, message) => {
    const { code, out, err } = await admit(...args);
    expect({ code, out }).toEqual({ code: 2, out: '' });
    expect(err).toContain(message);
    expect(err).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('accepts the old underscore spellings and --option=value', () => {
    expect(normalizeArgv(['--client_id', 'c_1', '--policy_version=v_1', '--max-age=5', 'a_b', '--', '--keep_me'])).toEqual([
      '--client-id',
      'c_1',
      '--policy-version=v_1',
      '--max-age=5',
      'a_b',
      '--',
      '--keep_me',
    ]);
  });

  it('reports a failure as one line and exit 1', async () => {
    const { code, out, err } = await admit('policy', 'explain', '--request', join(dir, 'missing.json'));
    expect({ code, out }).toEqual({ code: 1, out: '' });
    expect(err).toMatch(/^admit: cannot read .*missing\.json: ENOENT\n$/);
    expect(err.trim().split('\n')).toHaveLength(1);
  });
});

describe('admit keys generate', () => {
  it('writes a private (0600) signing key set that Admit loads, and refuses to overwrite it without --force', async () => {
    const file = join(dir, 'signing.json');
    const made = await admit('keys', 'generate', `--out=${file}`, '--json');
    expect(made.code).toBe(0);
    const { kid } = JSON.parse(made.out) as { kid: string };
    expect(JSON.parse(made.out)).toEqual({ file, kid, alg: 'ES256' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await SigningKeys.load({ file })).kid).toBe(kid);

    const again = await admit('keys', 'generate', '--out', file);
    expect({ code: again.code, out: again.out }).toEqual({ code: 1, out: '' });
    expect(again.err).toBe(`admit: --out ${file}: the file exists; add --force to overwrite it\n`);
    expect(JSON.parse(readFileSync(file, 'utf8')).keys[0].kid).toBe(kid);

    const forced = await admit('keys', 'generate', '--out', file, '--force', '--alg', 'EdDSA');
    expect(forced.code).toBe(0);
    const loaded = await SigningKeys.load({ file });
    expect([loaded.alg, loaded.kid === kid]).toEqual(['EdDSA', false]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('admit admin-token create', () => {
  it('prints a new token once and a tokens-file entry that accepts exactly that token', async () => {
    const { code, out, err } = await admit('admin-token', 'create', '--name', 'ops-oncall', '--scopes', 'revocations:write,revocations:read');
    expect([code, err]).toEqual([0, '']);
    const token = /token \(shown once; Admit keeps only its hash\): (admit_[A-Za-z0-9_-]{43})\n/.exec(out)?.[1] as string;
    expect(token).toBeDefined();
    const entry = out.slice(out.indexOf('  - name:'));
    expect(entry).not.toContain(token);
    const tokens = parseAdminTokensYaml(`tokens:\n${entry}`);
    expect(tokens.authenticate(token)).toEqual({ name: 'ops-oncall', scopes: ['revocations:write', 'revocations:read'] });
    expect(tokens.authenticate(`${token}x`)).toBeUndefined();
  });

  it('--json gives the token and the entry; --append writes the entry into a private tokens file and refuses a name twice', async () => {
    const file = join(dir, 'tokens.yaml');
    const first = await admit('admin-token', 'create', '--name=a', '--scopes=audit:read', '--append', file, '--json');
    expect(first.code).toBe(0);
    const a = JSON.parse(first.out) as { name: string; scopes: string[]; token: string; entry: string; appended_to: string };
    expect(a).toMatchObject({ name: 'a', scopes: ['audit:read'], appended_to: file });
    const second = await admit('admin-token', 'create', '--name', 'b', '--scopes', 'revocations:write', '--append', file, '--json');
    const b = JSON.parse(second.out) as { token: string };
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const tokens = parseAdminTokensYaml(readFileSync(file, 'utf8'));
    expect([tokens.authenticate(a.token), tokens.authenticate(b.token)]).toEqual([
      { name: 'a', scopes: ['audit:read'] },
      { name: 'b', scopes: ['revocations:write'] },
    ]);

    const before = readFileSync(file, 'utf8');
    const dup = await admit('admin-token', 'create', '--name', 'a', '--scopes', 'audit:read', '--append', file);
    expect({ code: dup.code, out: dup.out }).toEqual({ code: 1, out: '' });
    expect(dup.err).toContain('name "a" is used by another token');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('makes a different token every time', async () => {
    const a = await admit('admin-token', 'create', '--name', 'a', '--scopes', 'audit:read');
    const b = await admit('admin-token', 'create', '--name', 'a', '--scopes', 'audit:read');
    expect(a.out).not.toEqual(b.out);
  });

  it.each([
    [['--scopes', 'audit:read'], "required option '--name <name>' not specified"],
    [['--name', 'a b', '--scopes', 'audit:read'], '--name must be'],
    [['--name', 'ops'], "required option '--scopes <scope,...>' not specified"],
    [['--name', 'ops', '--scopes', 'audit:read,root'], 'unknown: root'],
    [['--name', 'ops', '--scopes'], "option '--scopes <scope,...>' argument missing"],
    [['--name', 'a', '--scopes', 'audit:read', '--token', 'x'], "unknown option '--token'"],
  ])('refuses %j with a usage error', async (args, message) => {
    const { code, out, err } = await admit('admin-token', 'create', ...args);
    expect({ code, out }).toEqual({ code: 2, out: '' });
    expect(err).toContain(message);
  });

  it('refuses a tokens file it cannot parse, leaving it as it was', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'tokens: [\n');
    const { code, err } = await admit('admin-token', 'create', '--name', 'x', '--scopes', 'audit:read', '--append', file);
    expect(code).toBe(1);
    expect(err).toContain(`--append ${file}: not valid YAML`);
    expect(readFileSync(file, 'utf8')).toBe('tokens: [\n');
  });
});
