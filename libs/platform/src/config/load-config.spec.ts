// Real: everything (loadConfig, the config fragments, Ajv, distributedConfig); nothing stubbed. Each test passes its own env object.
import { Type } from '@sinclair/typebox';
import { thrownBy } from '@admit/contracts/testing';
import { distributedConfig } from '../run-distributed';
import { databaseConfig } from '@admit/store';
import { busConfig, httpConfig, kafkaConfig, logConfig, topicsConfig } from './config-fragments';
import { ConfigError, loadConfig, splitList } from './load-config';

const Schema = Type.Object({ ...httpConfig(8080), ...logConfig, ...busConfig, ...kafkaConfig, ...topicsConfig, ...databaseConfig });
const REQUIRED = { KAFKA_BROKERS: 'localhost:9092', DATABASE_URL: 'postgres://admit@localhost/admit_test' };

describe('loadConfig', () => {
  it('applies every default when only the required variables are set', () => {
    expect(loadConfig(Schema, { ...REQUIRED })).toStrictEqual({
      ...REQUIRED,
      ADMIT_HTTP_HOST: '127.0.0.1',
      ADMIT_HTTP_PORT: 8080,
      ADMIT_LOG_LEVEL: 'info',
      ADMIT_BUS_MAX_ATTEMPTS: 5,
      ADMIT_BUS_RETRY_BASE_MS: 100,
      ADMIT_KAFKA_GROUP_PREFIX: 'admit',
      ADMIT_KAFKA_TOPIC_PREFIX: '',
      ADMIT_KAFKA_SESSION_TIMEOUT_MS: 30_000,
      ADMIT_TOPIC_PARTITIONS: 6,
      ADMIT_TOPIC_REPLICATION: 1,
    });
  });

  it('coerces integers and keeps strings', () => {
    const config = loadConfig(Schema, { ...REQUIRED, ADMIT_HTTP_PORT: '9000', ADMIT_BUS_MAX_ATTEMPTS: '100', ADMIT_HTTP_HOST: '0.0.0.0', ADMIT_LOG_LEVEL: 'debug' });
    expect(config).toMatchObject({ ADMIT_HTTP_PORT: 9000, ADMIT_BUS_MAX_ATTEMPTS: 100, ADMIT_HTTP_HOST: '0.0.0.0', ADMIT_LOG_LEVEL: 'debug' });
    expect(typeof config.ADMIT_HTTP_PORT).toBe('number');
  });

  it('accepts the bounds of a range', () => {
    expect(loadConfig(Schema, { ...REQUIRED, ADMIT_HTTP_PORT: '0' }).ADMIT_HTTP_PORT).toBe(0);
    expect(loadConfig(Schema, { ...REQUIRED, ADMIT_HTTP_PORT: '65535' }).ADMIT_HTTP_PORT).toBe(65535);
  });

  it('treats an empty variable as unset, so the default applies', () => {
    expect(loadConfig(Schema, { ...REQUIRED, ADMIT_HTTP_PORT: '', ADMIT_LOG_LEVEL: '' })).toMatchObject({ ADMIT_HTTP_PORT: 8080, ADMIT_LOG_LEVEL: 'info' });
  });

  it('reads only the variables the schema names', () => {
    const config = loadConfig(Schema, { ...REQUIRED, PATH: '/usr/bin', ADMIT_UNKNOWN: 'x' }) as Record<string, unknown>;
    expect(Object.keys(config)).not.toContain('PATH');
    expect(Object.keys(config)).not.toContain('ADMIT_UNKNOWN');
  });

  it('ignores an inherited __proto__ in the env object and does not pollute Object.prototype', () => {
    const env = JSON.parse(`{"__proto__":{"ADMIT_HTTP_PORT":"1","polluted":"yes"},"KAFKA_BROKERS":"k:1","DATABASE_URL":"postgres://x"}`) as NodeJS.ProcessEnv;
    expect(loadConfig(Schema, env).ADMIT_HTTP_PORT).toBe(8080);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('throws ConfigError (ERR_CONFIG_INVALID) naming the variable and the value it got', () => {
    const err = thrownBy(ConfigError, () => loadConfig(Schema, { ...REQUIRED, ADMIT_HTTP_PORT: 'eighty' }));
    expect(err.code).toBe('ERR_CONFIG_INVALID');
    expect(err.name).toBe('ConfigError');
    expect(err.problems).toEqual(['ADMIT_HTTP_PORT must be integer, got "eighty"']);
    expect(err.message).toBe('Invalid configuration:\n  - ADMIT_HTTP_PORT must be integer, got "eighty"');
  });

  it.each([
    ['ADMIT_HTTP_PORT', '80.5', 'must be integer'],
    ['ADMIT_HTTP_PORT', '65536', 'must be <= 65535'],
    ['ADMIT_HTTP_PORT', '-1', 'must be >= 0'],
    ['ADMIT_HTTP_PORT', 'NaN', 'must be integer'],
    ['ADMIT_HTTP_PORT', '8080abc', 'must be integer'],
    ['ADMIT_HTTP_PORT', 'true', 'must be integer'],
    ['ADMIT_HTTP_PORT', '１２３', 'must be integer'],
    ['ADMIT_BUS_RETRY_BASE_MS', '99999999999999999999', 'must be <= 60000'],
    ['ADMIT_BUS_MAX_ATTEMPTS', '0', 'must be >= 1'],
    ['KAFKA_BROKERS', 'localhost', 'must match pattern'],
    ['KAFKA_BROKERS', 'a:9092,', 'must match pattern'],
    ['DATABASE_URL', 'mysql://db', 'must match pattern'],
    ['ADMIT_KAFKA_TOPIC_PREFIX', 'bad prefix/', 'must match pattern'],
    ['ADMIT_KAFKA_GROUP_PREFIX', 'a b', 'must match pattern'],
    ['ADMIT_KAFKA_SESSION_TIMEOUT_MS', '5999', 'must be >= 6000'],
  ])('rejects %s=%j', (name, value, message) => {
    const err = thrownBy(ConfigError, () => loadConfig(Schema, { ...REQUIRED, [name]: value }));
    expect(err.code).toBe('ERR_CONFIG_INVALID');
    expect(err.problems).toEqual([expect.stringMatching(new RegExp(`^${name} ${message}`))]);
    expect(err.problems[0]).toContain(`, got ${JSON.stringify(value)}`);
  });

  it.each(['Infinity', '-Infinity'])('rejects %s for a bounded integer', (value) => {
    const err = thrownBy(ConfigError, () => loadConfig(Schema, { ...REQUIRED, ADMIT_BUS_MAX_ATTEMPTS: value }));
    expect(err.code).toBe('ERR_CONFIG_INVALID');
    expect(err.message).toContain(`ADMIT_BUS_MAX_ATTEMPTS`);
    expect(err.message).toContain(JSON.stringify(value));
  });

  it('names a missing required variable, also when it is set but empty', () => {
    expect(thrownBy(ConfigError, () => loadConfig(Schema, { DATABASE_URL: REQUIRED.DATABASE_URL })).problems).toEqual(['KAFKA_BROKERS is required']);
    expect(thrownBy(ConfigError, () => loadConfig(Schema, { ...REQUIRED, KAFKA_BROKERS: '' })).problems).toEqual(['KAFKA_BROKERS is required']);
  });

  it('reports every bad variable at once, one line each', () => {
    const err = thrownBy(ConfigError, () => loadConfig(Schema, { DATABASE_URL: 'nope', ADMIT_HTTP_PORT: 'x', ADMIT_TOPIC_REPLICATION: '11' }));
    expect([...err.problems].sort()).toEqual(
      [
        'ADMIT_HTTP_PORT must be integer, got "x"',
        'ADMIT_TOPIC_REPLICATION must be <= 10, got "11"',
        'DATABASE_URL must match pattern "^postgres(ql)?://", got "nope"',
        'KAFKA_BROKERS is required',
      ].sort(),
    );
    for (const problem of err.problems) expect(err.message).toContain(`\n  - ${problem}`);
  });

  it('reports a bad enumerated value once, listing the allowed values', () => {
    const err = thrownBy(ConfigError, () => loadConfig(Schema, { ...REQUIRED, ADMIT_LOG_LEVEL: 'verbose' }));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatch(/^ADMIT_LOG_LEVEL .*trace, debug, info, warn, error, fatal.*, got "verbose"$/);
  });

  it('does not mutate the env object it reads', () => {
    const env = { ...REQUIRED, ADMIT_HTTP_PORT: '9000' };
    loadConfig(Schema, env);
    expect(env).toEqual({ ...REQUIRED, ADMIT_HTTP_PORT: '9000' });
  });
});

describe('splitList', () => {
  it('trims items and drops empty ones', () => {
    expect(splitList(' a:1 ,b:2,, ,c:3 ')).toEqual(['a:1', 'b:2', 'c:3']);
    expect(splitList('')).toEqual([]);
  });
});

describe('distributedConfig', () => {
  const Distributed = distributedConfig(8082, { ADMIT_POLICY_DIR: Type.String({ default: 'policies', minLength: 1 }) });

  it('includes the http, log, kafka and bus variables and the app its own', () => {
    expect(Object.keys(Distributed.properties).sort()).toEqual(
      [
        'ADMIT_HTTP_HOST',
        'ADMIT_HTTP_PORT',
        'ADMIT_LOG_LEVEL',
        'KAFKA_BROKERS',
        'ADMIT_KAFKA_GROUP_PREFIX',
        'ADMIT_KAFKA_TOPIC_PREFIX',
        'ADMIT_KAFKA_SESSION_TIMEOUT_MS',
        'ADMIT_INSTANCE_ID',
        'ADMIT_BUS_MAX_ATTEMPTS',
        'ADMIT_BUS_RETRY_BASE_MS',
        'ADMIT_POLICY_DIR',
      ].sort(),
    );
  });

  it('loads with the app default port and requires KAFKA_BROKERS', () => {
    expect(loadConfig(Distributed, { KAFKA_BROKERS: 'k1:9092, k2:9093' })).toStrictEqual({
      KAFKA_BROKERS: 'k1:9092, k2:9093',
      ADMIT_HTTP_HOST: '127.0.0.1',
      ADMIT_HTTP_PORT: 8082,
      ADMIT_LOG_LEVEL: 'info',
      ADMIT_KAFKA_GROUP_PREFIX: 'admit',
      ADMIT_KAFKA_TOPIC_PREFIX: '',
      ADMIT_KAFKA_SESSION_TIMEOUT_MS: 30_000,
      ADMIT_BUS_MAX_ATTEMPTS: 5,
      ADMIT_BUS_RETRY_BASE_MS: 100,
      ADMIT_POLICY_DIR: 'policies',
    });
    expect(thrownBy(ConfigError, () => loadConfig(Distributed, {})).problems).toEqual(['KAFKA_BROKERS is required']);
  });
});
