import { GENERATED_KEY_FILE, SigningKeys } from '@admit/keys';
import { AppName, PolicyDir, RunningApp, selfAssertedPolicyDir, startApp } from '@admit/launcher';
import { adminTokenEntryYaml, AdminScope, hashAdminToken, newAdminToken } from '@admit/platform';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../../support/database';
import { createTestTopics, KAFKA_BROKERS, TestTopics } from '../../support/kafka';

/** The services one fault suite runs, as separate processes, in start order. */
export const ALL_APPS: readonly AppName[] = ['audit', 'revocation', 'policy', 'validator', 'intake'];

/**
 * Admit distributed over the real broker and PostgreSQL, with its own database, topics and consumer
 * groups, where a suite can start extra copies of an app, kill one with SIGKILL and start it again.
 * Plain metadata is admitted (the self-asserted example policy), so every request is decided by the
 * whole pipeline without key material.
 */
export class FaultStack {
  readonly apps: RunningApp[] = [];
  readonly adminToken = newAdminToken();
  pg!: Client;
  env!: Record<string, string>;
  private db!: TestDatabase;
  private topics!: TestTopics;
  private policies!: PolicyDir;
  private dir!: string;

  static async create(label: string, env: Record<string, string> = {}): Promise<FaultStack> {
    const stack = new FaultStack();
    await stack.init(label, env);
    return stack;
  }

  private async init(label: string, extra: Record<string, string>): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), `admit-faults-${label}-`));
    this.policies = selfAssertedPolicyDir();
    writeFileSync(
      join(this.dir, 'admin-tokens.yaml'),
      ['tokens:', adminTokenEntryYaml({ name: 'faults', sha256: hashAdminToken(this.adminToken), scopes: [AdminScope.RevocationsWrite, AdminScope.RevocationsRead, AdminScope.AuditRead] })].join('\n'),
    );
    // A signing key of the suite's own: intake signs admissions, audit signs checkpoints.
    await SigningKeys.load({ dataDir: this.dir });
    [this.db, this.topics] = await Promise.all([createTestDatabase(`faults_${label}`), createTestTopics(`faults-${label}`)]);
    this.env = {
      KAFKA_BROKERS: KAFKA_BROKERS.join(','),
      DATABASE_URL: this.db.url,
      ADMIT_KAFKA_TOPIC_PREFIX: this.topics.prefix,
      ADMIT_KAFKA_GROUP_PREFIX: this.topics.prefix,
      ADMIT_HTTP_PORT: '0',
      ADMIT_POLICY_DIR: this.policies.dir,
      ADMIT_ADMIN_TOKENS_FILE: join(this.dir, 'admin-tokens.yaml'),
      ADMIT_SIGNING_KEY_FILE: join(this.dir, GENERATED_KEY_FILE),
      ...extra,
    };
    this.pg = new Client({ connectionString: this.db.url });
    await this.pg.connect();
  }

  get dbName(): string {
    return this.db.name;
  }

  get topicPrefix(): string {
    return this.topics.prefix;
  }

  /** Starts one more copy of `name` and waits until it is ready. */
  async start(name: AppName, env: Record<string, string> = {}): Promise<RunningApp> {
    const app = await startApp(name, { env: { ...this.env, ...env } });
    this.apps.push(app);
    return app;
  }

  /** Starts every service at once, as after a data-centre restart. */
  async startAll(): Promise<RunningApp[]> {
    return Promise.all(ALL_APPS.map((name) => this.start(name)));
  }

  running(name: AppName): RunningApp[] {
    return this.apps.filter((a) => a.name === name && a.child.exitCode === null && a.child.signalCode === null);
  }

  url(name: AppName): string {
    const app = this.running(name)[0];
    if (!app) throw new Error(`no ${name} is running`);
    return app.url;
  }

  /** `kill -9`: no drain, no commit, no disconnect; resolves once the process is gone. */
  async kill(app: RunningApp): Promise<void> {
    const gone = new Promise<void>((resolve) => (app.child.exitCode !== null || app.child.signalCode !== null ? resolve() : app.child.once('exit', () => resolve())));
    app.child.kill('SIGKILL');
    await gone;
  }

  /** The lines every app printed that match `pattern`, prefixed with the app's name, for a failing test's message. */
  logs(pattern: RegExp): string {
    return this.apps.flatMap((a) => a.output().split('\n').filter((l) => pattern.test(l)).map((l) => `${a.name}[${a.child.pid}]: ${l}`)).join('\n');
  }

  async close(): Promise<void> {
    await Promise.all(this.apps.map((a) => a.stop()));
    await this.pg?.end();
    await Promise.all([this.db?.drop(), this.topics?.drop()]);
    this.policies?.remove();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
