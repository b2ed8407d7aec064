// Real: the checked-in docker-compose.yml and Dockerfile, parsed (Docker cannot run here), and each
// app's own config schema (apps/<name>/src/config.ts) with the loader the app runs at start.
// Nothing stubbed.
import { loadConfig, topicsConfig, kafkaConfig } from '@admit/platform';
import { TObject, Type } from '@sinclair/typebox';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
/* eslint-disable @nx/enforce-module-boundaries -- this test checks the deployment files against the apps' own config schemas, which only the apps export */
import { AuditConfig } from '../../apps/audit/src/config';
import { IntakeConfig } from '../../apps/intake/src/config';
import { PolicyConfig } from '../../apps/policy/src/config';
import { RevocationConfig } from '../../apps/revocation/src/config';
import { ValidatorConfig } from '../../apps/validator/src/config';
/* eslint-enable @nx/enforce-module-boundaries */

const ROOT = join(__dirname, '..', '..');
const SCHEMAS: Record<string, TObject> = {
  intake: IntakeConfig,
  validator: ValidatorConfig,
  policy: PolicyConfig,
  revocation: RevocationConfig,
  audit: AuditConfig,
};

interface ComposeService {
  image?: string;
  build?: { context: string; args?: Record<string, string> };
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  secrets?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  deploy?: { replicas?: number };
}
interface Compose {
  services: Record<string, ComposeService>;
  secrets?: Record<string, { file: string }>;
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as Compose;
const env = (s: ComposeService): Record<string, string> => Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)]));

describe('docker-compose.yml', () => {
  it('runs Kafka 3.9 in KRaft mode, PostgreSQL, the topic creation and migration steps and exactly the five apps', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['audit', 'intake', 'kafka', 'migrate', 'policy', 'postgres', 'revocation', 'topics', 'validator']);
    const kafka = compose.services.kafka;
    expect(kafka.image).toMatch(/^apache\/kafka:3\.9\.\d+$/);
    expect(env(kafka).KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(env(kafka).KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
    expect(JSON.stringify(compose)).not.toMatch(/zookeeper/i);
    expect(compose.services.postgres.image).toMatch(/^postgres:\d+/);
    expect(compose.services.postgres.healthcheck).toBeDefined();
  });

  it('creates the topics with settings the topic creator knows, once Kafka is healthy', () => {
    const topics = compose.services.topics;
    expect(topics.command).toEqual(['node', 'dist/tools/kafka-topics/main.js']);
    expect(topics.depends_on).toEqual({ kafka: { condition: 'service_healthy' } });
    const schema = Type.Object({ ...kafkaConfig, ...topicsConfig });
    for (const name of Object.keys(env(topics))) expect(Object.keys(schema.properties)).toContain(name);
    expect(() => loadConfig(schema, env(topics))).not.toThrow();
  });

  describe.each(Object.keys(SCHEMAS))('%s', (app) => {
    const service = compose.services[app];
    const schema = SCHEMAS[app];
    const vars = env(service);

    it('is built from the one Dockerfile for this app, after the topics, the database and its migration', () => {
      expect(service.build).toEqual({ context: '.', args: { APP: app } });
      expect(service.depends_on).toEqual({
        topics: { condition: 'service_completed_successfully' },
        postgres: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
      });
    });

    it('connects to the database, if at all, as the app role, never as the owner', () => {
      if (vars.DATABASE_URL !== undefined) expect(new URL(vars.DATABASE_URL).username).toBe('admit_app');
    });

    it('sets every required variable, only variables the app knows, and values its config accepts', () => {
      const known = Object.keys(schema.properties);
      for (const name of Object.keys(vars)) expect({ [name]: known.includes(name) }).toEqual({ [name]: true });
      // Required: in `required` with no default to fall back on.
      const required = (schema.required ?? []).filter((name) => (schema.properties[name] as { default?: unknown }).default === undefined);
      expect(required.length).toBeGreaterThan(0);
      for (const name of required) expect(vars).toHaveProperty(name);
      expect(() => loadConfig(schema, vars)).not.toThrow();
    });

    it('reads files only from the secrets it is given', () => {
      for (const [name, value] of Object.entries(vars).filter(([n]) => n.endsWith('_FILE'))) {
        const secret = /^\/run\/secrets\/([a-z_]+)$/.exec(value)?.[1];
        expect({ [name]: secret }).toEqual({ [name]: expect.any(String) });
        expect(service.secrets).toContain(secret);
        expect(compose.secrets?.[secret!]?.file).toMatch(/^\.\/secrets\//);
      }
    });

    it('checks readiness on its own port, and publishes that port unless it runs several copies', () => {
      const port = loadConfig(schema, vars).ADMIT_HTTP_PORT as number;
      expect(service.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${port}/health/ready`);
      if ((service.deploy?.replicas ?? 1) > 1) expect(service.ports).toBeUndefined();
      for (const mapping of service.ports ?? []) expect(mapping).toBe(`${port}:${port}`);
    });
  });

  it('scales one service out as an example', () => {
    const scaled = Object.entries(compose.services).filter(([, s]) => (s.deploy?.replicas ?? 1) > 1);
    expect(scaled.map(([name]) => name)).toEqual(['validator']);
    expect(scaled[0][1].deploy?.replicas).toBe(2);
  });

  it('publishes the intake port and gives intake its signing key', () => {
    expect(compose.services.intake.ports).toEqual(['8080:8080']);
    expect(env(compose.services.intake).ADMIT_SIGNING_KEY_FILE).toBe('/run/secrets/signing_key');
  });

  it('gives the audit service a checkpoint key of its own, and only the audit service', () => {
    expect(env(compose.services.audit).ADMIT_CHECKPOINT_KEY_FILE).toBe('/run/secrets/checkpoint_key');
    expect(compose.services.audit.secrets).not.toContain('signing_key');
    expect(compose.secrets?.checkpoint_key?.file).not.toBe(compose.secrets?.signing_key?.file);
    const holders = Object.entries(compose.services).filter(([, s]) => s.secrets?.includes('checkpoint_key'));
    expect(holders.map(([name]) => name)).toEqual(['audit']);
  });

  it('sets up the owner and app roles, and migrates as the owner granting the app role', () => {
    const roles = readFileSync(join(ROOT, 'tools', 'postgres', 'roles.sql'), 'utf8');
    expect(roles).toMatch(/^CREATE ROLE admit_owner LOGIN;$/m);
    expect(roles).toMatch(/^CREATE ROLE admit_app LOGIN;$/m);
    expect(roles).toMatch(/^ALTER DATABASE admit OWNER TO admit_owner;$/m);
    expect((compose.services.postgres as { volumes?: string[] }).volumes).toEqual(['./tools/postgres/roles.sql:/docker-entrypoint-initdb.d/10-roles.sql:ro']);
    const migrate = compose.services.migrate;
    expect(migrate.command).toEqual(['admit', 'db', 'migrate', '--app-role', 'admit_app']);
    expect(new URL(env(migrate).DATABASE_URL).username).toBe('admit_owner');
    expect(migrate.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

  it('is multi-stage, builds any app chosen with --build-arg APP, and includes the CLI and the topic creator', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^FROM node:20[^\n]* AS build$/m);
    expect(dockerfile).toMatch(/^ARG APP=/m);
    expect(dockerfile).toMatch(/^RUN npm run build/m);
    expect(dockerfile).toContain('COPY --from=build /app/tools/cli/bin ./tools/cli/bin');
    expect(dockerfile).toContain('COPY --from=build /app/dist ./dist');
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it('runs the app as PID 1, so SIGTERM reaches it and it stops gracefully', () => {
    expect(dockerfile).toMatch(/^CMD \["sh", "-c", "exec node dist\/apps\/\$\{ADMIT_APP\}\/main\.js"\]$/m);
  });
});
