import { RetryPolicy } from '@admit/bus';
import { Type } from '@sinclair/typebox';

/** Variables shared by several apps. Each app composes its own schema from these and its own. */
export function httpConfig(defaultPort: number) {
  return {
    ADMIT_HTTP_HOST: Type.String({ default: '127.0.0.1', minLength: 1 }),
    ADMIT_HTTP_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: defaultPort }),
  };
}

/** pino's levels, and `log`, the name Nest gives `info` (accepted as before). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'log'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

export const logConfig = {
  // An enum (not a union of literals) so a bad value gets one error that lists the allowed ones.
  ADMIT_LOG_LEVEL: Type.Unsafe<LogLevelName>({ type: 'string', enum: [...LOG_LEVELS], default: 'info' }),
};

/** A level from the environment before the config is read: a bad value means `info` until the config check refuses it. */
export function logLevelOf(value: string | undefined): LogLevelName {
  return (LOG_LEVELS as readonly string[]).includes(value ?? '') ? (value as LogLevelName) : 'info';
}

export const busConfig = {
  ADMIT_BUS_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
  ADMIT_BUS_RETRY_BASE_MS: Type.Integer({ minimum: 1, maximum: 60_000, default: 100 }),
};

/** The bus retry policy those variables describe; backoff never grows past 5 s. */
export function busRetry(config: { ADMIT_BUS_MAX_ATTEMPTS: number; ADMIT_BUS_RETRY_BASE_MS: number }): RetryPolicy {
  return { maxAttempts: config.ADMIT_BUS_MAX_ATTEMPTS, baseDelayMs: config.ADMIT_BUS_RETRY_BASE_MS, maxDelayMs: 5_000 };
}

export const kafkaConfig = {
  KAFKA_BROKERS: Type.String({ pattern: '^\\s*[^,\\s]+:[0-9]+\\s*(,\\s*[^,\\s]+:[0-9]+\\s*)*$' }),
  ADMIT_KAFKA_GROUP_PREFIX: Type.String({ default: 'admit', pattern: '^[A-Za-z0-9._-]+$' }),
  /** Prepended to every topic name: several environments (or test runs) can share one cluster. */
  ADMIT_KAFKA_TOPIC_PREFIX: Type.String({ default: '', pattern: '^[A-Za-z0-9._-]*$' }),
  /** How long a consumer group waits for a silent member before moving its partitions (the broker allows 6 s to 5 min by default). */
  ADMIT_KAFKA_SESSION_TIMEOUT_MS: Type.Integer({ minimum: 6_000, maximum: 300_000, default: 30_000 }),
  /** Names this instance's inbox topic (`admit.inbox.<id>`); a stable name (the pod's) reuses it across restarts. Default: new per start. */
  ADMIT_INSTANCE_ID: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._-]{1,128}$' })),
};

/** What `npm run kafka:topics` creates. */
export const topicsConfig = {
  ADMIT_TOPIC_PARTITIONS: Type.Integer({ minimum: 1, maximum: 1000, default: 6 }),
  ADMIT_TOPIC_REPLICATION: Type.Integer({ minimum: 1, maximum: 10, default: 1 }),
};

export const adminConfig = {
  /** YAML `tokens: [{ name, sha256, scopes }]`; unset means no admin credentials (every admin route answers 401). */
  ADMIT_ADMIN_TOKENS_FILE: Type.Optional(Type.String({ minLength: 1 })),
};
