// Real: the command, token generation and hashing, the tokens-file parser it is checked against. The
// output streams are in-memory collectors.
import { parseAdminTokensYaml } from '@admit/platform';
import { Writable } from 'node:stream';
import { run } from './admin-token-command';

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

async function runCli(...args: string[]) {
  const [out, err] = [collector(), collector()];
  const code = await run(args, out, err);
  return { code, out: out.text, err: err.text };
}

describe('admit admin-token create', () => {
  it('prints a new token once and a tokens-file entry that accepts exactly that token', async () => {
    const { code, out, err } = await runCli('create', '--name', 'ops-oncall', '--scopes', 'revocations:write,revocations:read');
    expect([code, err]).toEqual([0, '']);
    const token = /token \(shown once; Admit keeps only its hash\): (admit_[A-Za-z0-9_-]{43})\n/.exec(out)?.[1];
    expect(token).toBeDefined();
    const entry = out.slice(out.indexOf('  - name:'));
    expect(entry).not.toContain(token as string);
    const tokens = parseAdminTokensYaml(`tokens:\n${entry}`);
    expect(tokens.authenticate(token as string)).toEqual({ name: 'ops-oncall', scopes: ['revocations:write', 'revocations:read'] });
    expect(tokens.authenticate(`${token}x`)).toBeUndefined();
  });

  it('makes a different token every time', async () => {
    const a = await runCli('create', '--name', 'a', '--scopes', 'audit:read');
    const b = await runCli('create', '--name', 'a', '--scopes', 'audit:read');
    expect(a.out).not.toEqual(b.out);
  });

  it.each([
    [[], 'missing command'],
    [['list'], 'unknown command "list"'],
    [['create', '--scopes', 'audit:read'], '--name must be'],
    [['create', '--name', 'a b', '--scopes', 'audit:read'], '--name must be'],
    [['create', '--name', 'ops'], '--scopes must list'],
    [['create', '--name', 'ops', '--scopes', 'audit:read,root'], 'unknown: root'],
    [['create', '--name', 'ops', '--scopes'], '--scopes needs a value'],
    [['create', '--name', 'ops', '--name', 'x', '--scopes', 'audit:read'], '--name given twice'],
    [['create', '--token', 'x'], 'unknown option "--token"'],
  ])('refuses %j with a usage error', async (args, message) => {
    const { code, out, err } = await runCli(...args);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain(message);
    expect(err).toContain('usage: admit admin-token create');
  });
});
