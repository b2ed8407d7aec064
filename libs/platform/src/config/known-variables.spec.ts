// Real: the repository's sources (every variable they name), the list of known variables and the
// start-up error wording.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closestKnown, KNOWN_VARIABLES, unknownVariableWarnings } from './known-variables';
import { ConfigError, loadConfig } from './load-config';
import { startupErrorLines } from './startup-error';
import { Type } from '@sinclair/typebox';

describe('known ADMIT_* variables', () => {
  it('lists every ADMIT_* variable the apps, libraries and tools read', () => {
    const root = join(__dirname, '..', '..', '..', '..');
    const sources = ['apps', 'libs', 'tools'].flatMap((top) =>
      readdirSync(join(root, top), { recursive: true, encoding: 'utf8' })
        .filter((f) => /\.(ts|js)$/.test(f) && !/\.spec\.ts$/.test(f) && !f.includes('node_modules'))
        .map((f) => join(root, top, f)),
    );
    const named = new Set(sources.flatMap((file) => readFileSync(file, 'utf8').match(/\bADMIT_[A-Z0-9_]*[A-Z0-9]\b/g) ?? []));
    expect(named.size).toBeGreaterThan(30);
    expect([...named].filter((n) => !KNOWN_VARIABLES.includes(n)).sort()).toEqual([]);
  });

  it('warns about a variable nothing reads, with the closest known name when there is a close one', () => {
    expect(unknownVariableWarnings({ ADMIT_POLCY_DIR: 'x', ADMIT_TOPIC_PARTITIONS: '3', ADMIT_HTTP_PORT: '1', PATH: '/bin', ADMIT_ZZZZZZZZZZZZZZZZZZZZZ: '1' })).toEqual([
      'ADMIT_POLCY_DIR is set but no part of Admit reads it; did you mean ADMIT_POLICY_DIR?',
      'ADMIT_ZZZZZZZZZZZZZZZZZZZZZ is set but no part of Admit reads it',
    ]);
    expect(closestKnown('ADMIT_LOGLEVEL')).toBe('ADMIT_LOG_LEVEL');
    expect(closestKnown('ADMIT_SIGNING_KEY')).toBe('ADMIT_SIGNING_KEY_FILE');
  });
});

describe('start-up errors', () => {
  const Schema = Type.Object({ ADMIT_CIMD_MIN_TTL_S: Type.Integer({ default: 60 }), ADMIT_CIMD_MAX_TTL_S: Type.Integer({ default: 900 }) });

  it('refuses a min above its max, naming both', () => {
    expect(() => loadConfig(Schema, { ADMIT_CIMD_MIN_TTL_S: '901' })).toThrow(
      new ConfigError(['ADMIT_CIMD_MIN_TTL_S=901 is above ADMIT_CIMD_MAX_TTL_S=900; expected ADMIT_CIMD_MIN_TTL_S at most ADMIT_CIMD_MAX_TTL_S']),
    );
    expect(loadConfig(Schema, { ADMIT_CIMD_MIN_TTL_S: '900' })).toEqual({ ADMIT_CIMD_MIN_TTL_S: 900, ADMIT_CIMD_MAX_TTL_S: 900 });
  });

  it.each([
    [
      'a file error under a variable',
      Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT', syscall: 'scandir', path: '/srv/policies/extra' }),
      { ADMIT_POLICY_DIR: '/srv/policies' },
      'ADMIT_POLICY_DIR=/srv/policies: /srv/policies/extra cannot be read (ENOENT); expected a readable folder of Cedar policies (*.cedar) and admit.cedarschema',
    ],
    [
      'a port in use',
      Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE', syscall: 'listen', address: '127.0.0.1', port: 8080 }),
      { ADMIT_HTTP_PORT: '8080' },
      'ADMIT_HTTP_PORT=8080: 127.0.0.1:8080 is already in use (EADDRINUSE); expected a free port (0 picks any free port)',
    ],
    [
      'a key file error',
      Object.assign(new Error('ADMIT_SIGNING_KEY_FILE (/k.json): not a JSON JWK Set'), { name: 'KeysError' }),
      {},
      'ADMIT_SIGNING_KEY_FILE=/k.json: not a JSON JWK Set; expected a JSON JWK Set of private signing keys, each with a kid (`admit keys generate --out <file>` writes one)',
    ],
    ['a policy error', Object.assign(new Error('bad.cedar: unexpected end of input'), { name: 'PolicyLoadError' }), { ADMIT_POLICY_DIR: 'p' }, 'ADMIT_POLICY_DIR=p: bad.cedar: unexpected end of input; expected a readable folder of Cedar policies (*.cedar) and admit.cedarschema'],
    ['anything else', new Error('first line\nsecond line'), {}, 'first line'],
  ])('words %s as one line', (_what, error, env, line) => {
    expect(startupErrorLines(error, env)).toEqual([line]);
  });
});
