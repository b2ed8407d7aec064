// An operator streams Admit's topics to a data lake with Kafka Connect, as docs/data-lake.md tells
// them to: Connect standalone runs the shipped configs (ops/kafka-connect) with the file sink, and
// the copy is checked against the audit store. Real: the built apps (distributed), the Kafka broker,
// PostgreSQL, Connect from tools/kafka/.run/lib. Only the broker address, the file paths, the topic
// prefix and the REST port (0: any free one) differ from the shipped files.
import { CHECKPOINT_TOPIC } from '@admit/audit';
import { ALL_TOPICS } from '@admit/contracts';
import { metadataClientId } from '@admit/metadata';
import { PolicyDir, selfAssertedPolicyDir } from '@admit/launcher';
import { ChildProcessWithoutNullStreams, execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AdmitUnderTest, AuditEvent, startAdmit } from '../support/admit-under-test';
import { KAFKA_BROKERS } from '../support/kafka';
import { provisionKafkaJars, spawnJava } from '../support/kafka-console';
import { eventually } from '../support/poll';

const ROOT = join(__dirname, '..', '..');
const CONFIG_DIR = join(ROOT, 'ops', 'kafka-connect');
/** The admit command as a user runs it, from the build (`npm run build`). */
const CLI = join(ROOT, 'tools', 'cli', 'bin', 'admit.js');
/** The first file sink record and the flush after it come within seconds of Connect's start (plugin discovery, group join, offset.flush.interval.ms). */
const SINK_DEADLINE_MS = 45_000;

/** `key=value` lines of a Java properties file, as the shipped ones are written (no continuation lines, no escapes). */
function readProperties(file: string): Map<string, string> {
  const props = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const at = line.indexOf('=');
    if (at <= 0 || line.endsWith('\\')) throw new Error(`${file}: unexpected line ${JSON.stringify(line)}`);
    props.set(line.slice(0, at), line.slice(at + 1));
  }
  return props;
}

function writeProperties(file: string, props: Map<string, string>): string {
  writeFileSync(file, [...props].map(([key, value]) => `${key}=${value}\n`).join(''));
  return file;
}

/** One line of the file sink, as the shipped transforms shape it: `Struct{data=<JSON>,topic=<t>,partition=<n>,offset=<n>}`. */
interface SinkLine {
  data: unknown;
  topic: string;
  partition: number;
  offset: string;
}
// Topic names hold only [A-Za-z0-9._-], so the coordinates parse from the end whatever the JSON holds.
const SINK_LINE = /^Struct\{data=(.*),topic=([A-Za-z0-9._-]+),partition=(\d+),offset=(\d+)\}$/;

/** The sink file's records; `prefix` (ADMIT_KAFKA_TOPIC_PREFIX) is taken off their topics, as the audit store records them without it. */
function parseSinkFile(text: string, prefix: string): SinkLine[] {
  const lines = text.split('\n');
  if (lines.pop() !== '') throw new Error('the sink file ends inside a line');
  return lines.map((line, i) => {
    const match = SINK_LINE.exec(line);
    if (!match || !match[2].startsWith(prefix)) throw new Error(`sink line ${i + 1} is not a record of this run: ${line.slice(0, 200)}`);
    return { data: JSON.parse(match[1]) as unknown, topic: match[2].slice(prefix.length), partition: Number(match[3]), offset: match[4] };
  });
}

const at = (e: { topic: string; partition: number; offset: string }) => `${e.topic}/${e.partition}/${e.offset}`;

/** Kafka Connect standalone with its log (stderr, through tools/kafka/log4j.properties) kept for failures. */
class ConnectStandalone {
  /** stdout and stderr (log4j writes there), as they came. */
  private log = '';
  private ended = false;
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(worker: string, connectors: string[]) {
    this.child = spawnJava('org.apache.kafka.connect.cli.ConnectStandalone', [worker, ...connectors]);
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (this.log += chunk));
    }
    this.exited = new Promise((resolve) => {
      // No JDK: the suite fails with this, it never skips.
      this.child.once('error', (err) => {
        this.log += `could not start Kafka Connect: ${err.message}\n`;
        resolve(null);
      });
      this.child.once('exit', (code) => resolve(code));
    });
    void this.exited.then(() => (this.ended = true));
  }

  /** Fails with the end of Connect's log once the JVM has exited (or could not start). */
  assertRunning(): void {
    if (this.ended) {
      throw new Error(`Kafka Connect exited (${this.child.exitCode ?? this.child.signalCode}):\n${this.logTail()}`);
    }
  }

  logTail(): string {
    return this.log.split('\n').slice(-40).join('\n');
  }

  logLines(pattern: RegExp): string[] {
    return this.log.split('\n').filter((line) => pattern.test(line));
  }

  /** SIGTERM, then SIGKILL if Connect has not shut down within 30 s. */
  async stop(): Promise<void> {
    if (this.ended) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    await this.exited.finally(() => clearTimeout(timer));
  }
}

describe('streaming the topics to a data lake with Kafka Connect (file sink)', () => {
  let admit: AdmitUnderTest;
  let connect: ConnectStandalone | undefined;
  let policies: PolicyDir;
  let dir: string;
  let sinkFile: string;
  let checkpointsFile: string;
  const stored: AuditEvent[] = [];
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    // The jars come from tools/kafka/pom.xml, whether or not this checkout started the broker.
    await provisionKafkaJars();
    dir = mkdtempSync(join(tmpdir(), 'admit-lake-'));
    [sinkFile, checkpointsFile] = [join(dir, 'admit-events.txt'), join(dir, 'audit-checkpoints.jsonl')];
    // Self-asserted metadata is admitted only by the development example policy.
    policies = selfAssertedPolicyDir();
    // A checkpoint every second, so one covering the registrations below comes soon.
    admit = await startAdmit('distributed', { ADMIT_POLICY_DIR: policies.dir, ADMIT_AUDIT_CHECKPOINT_INTERVAL_S: '1' });
  });
  afterAll(async () => {
    await connect?.stop();
    await admit?.close();
    policies?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ships a worker off :8083 and a sink connector for exactly the topics the audit service stores', () => {
    const worker = readProperties(join(CONFIG_DIR, 'worker.properties'));
    expect(worker.get('listeners')).toBe('http://127.0.0.1:8085');
    expect([worker.get('key.converter'), worker.get('value.converter'), worker.get('header.converter')]).toEqual(
      Array(3).fill('org.apache.kafka.connect.storage.StringConverter'),
    );
    const sink = readProperties(join(CONFIG_DIR, 'admit-file-sink.properties'));
    expect(sink.get('connector.class')).toBe('org.apache.kafka.connect.file.FileStreamSinkConnector');
    expect(sink.get('topics')?.split(',').sort()).toEqual([...ALL_TOPICS].sort());
    const checkpoints = readProperties(join(CONFIG_DIR, 'admit-checkpoints-file-sink.properties'));
    expect([checkpoints.get('topics'), checkpoints.get('transforms')]).toEqual([CHECKPOINT_TOPIC, undefined]);
  });

  it('copies every stored event once, at the topic, partition and offset the store records for its id, with its data', async () => {
    const prefix = admit.topicPrefix ?? '';
    expect(prefix).toMatch(/^test-e2e-[0-9a-f]{8}\.$/);
    const clients = [
      { redirect_uris: ['https://lake-one.example/cb'], client_name: `lake one ${run}` },
      { redirect_uris: ['https://lake-two.example/cb'], client_name: `lake two ${run}` },
      // Denied (a plain-http redirect URI): its request, validation and decision are evidence too.
      { redirect_uris: ['http://lake-three.example/cb'], client_name: `lake three ${run}` },
    ];
    const statuses: number[] = [];
    for (const metadata of clients) {
      const res = await fetch(`${admit.stack.intakeUrl}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(metadata) });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([201, 201, 400]);
    for (const metadata of clients) {
      const events = await admit.auditEvents({ client_id: metadataClientId(metadata) }, (found) => found.length >= 3);
      expect(events.map((e) => e.type).sort()).toEqual(['admit.registration.decided.v1', 'admit.registration.requested.v1', 'admit.registration.validated.v1']);
      stored.push(...events);
    }

    // The shipped configs, pointed at this run's broker, topics and files.
    const worker = readProperties(join(CONFIG_DIR, 'worker.properties'));
    worker.set('bootstrap.servers', KAFKA_BROKERS.join(','));
    worker.set('offset.storage.file.filename', join(dir, 'connect.offsets'));
    worker.set('listeners', 'http://127.0.0.1:0');
    const sink = readProperties(join(CONFIG_DIR, 'admit-file-sink.properties'));
    sink.set('name', `${prefix}admit-lake`);
    sink.set('file', sinkFile);
    sink.set('topics', (sink.get('topics') ?? '').split(',').map((topic) => `${prefix}${topic}`).join(','));
    const checkpoints = readProperties(join(CONFIG_DIR, 'admit-checkpoints-file-sink.properties'));
    checkpoints.set('name', `${prefix}admit-lake-checkpoints`);
    checkpoints.set('file', checkpointsFile);
    checkpoints.set('topics', `${prefix}${CHECKPOINT_TOPIC}`);
    connect = new ConnectStandalone(writeProperties(join(dir, 'worker.properties'), worker), [
      writeProperties(join(dir, 'sink.properties'), sink),
      writeProperties(join(dir, 'checkpoints.properties'), checkpoints),
    ]);

    const copied = await eventually(
      `the ${stored.length} stored events in ${sinkFile}`,
      () => {
        connect?.assertRunning();
        if (!existsSync(sinkFile)) return undefined;
        const lines = parseSinkFile(readFileSync(sinkFile, 'utf8'), prefix);
        const where = new Set(lines.map(at));
        return stored.every((e) => where.has(at(e))) ? lines : undefined;
      },
      SINK_DEADLINE_MS,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nKafka Connect's log ends:\n${connect?.logTail()}`);
    });
    // Its REST listener took a free loopback port, never the revocation service's :8083.
    expect(connect.logLines(/REST server listening at/)).toEqual([expect.stringMatching(/REST server listening at http:\/\/127\.0\.0\.1:(?!8083\/)\d+\//)]);

    // Each Kafka record is in the file once.
    const byPlace = new Map(copied.map((line) => [at(line), line]));
    expect(byPlace.size).toBe(copied.length);
    // Every stored event is there, at the place the store (and its hash chain) records, with the same data.
    for (const event of stored) {
      expect({ id: event.id, line: byPlace.get(at(event)) }).toEqual({
        id: event.id,
        line: { data: event.data, topic: event.topic, partition: event.partition, offset: event.offset },
      });
      expect(event.topic).toBe(event.type);
    }
  });

  it("copies the signed checkpoints as the file `admit audit verify --checkpoints` reads, and they cover the copied events' chains", async () => {
    const since = Math.floor(Date.now() / 1000);
    // A checkpoint signed after every event above was stored signs the heads of their chains.
    const newest = await eventually(`a checkpoint signed since ${since} in ${checkpointsFile}`, () => {
      connect?.assertRunning();
      if (!existsSync(checkpointsFile)) return undefined;
      const signed = readFileSync(checkpointsFile, 'utf8').split('\n').filter((line) => line !== '').map((line) => {
        const { seq, jws } = JSON.parse(line) as { seq: string; jws: string };
        return { seq, claims: JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString('utf8')) as { iat: number; heads: { topic: string; partition: number; length: string }[] } };
      });
      const last = signed[signed.length - 1];
      return last && last.claims.iat > since ? last : undefined;
    }, SINK_DEADLINE_MS);
    const chains = new Set(newest.claims.heads.map((head) => `${head.topic}/${head.partition}`));
    expect(stored.filter((event) => !chains.has(`${event.topic}/${event.partition}`))).toEqual([]);

    // The auditor's check: the store against the copied checkpoints, with the published checkpoint keys.
    // Read straight from the database: unlike reads through the API, verifying records no event, so
    // the trail goes idle and the copy (flushed every offset.flush.interval.ms) catches up with the
    // database's newest checkpoint; until it has, verify names that one as missing from the copy.
    const audit = admit.stack.apps.find((app) => app.name === 'audit');
    const jwks = join(dir, 'checkpoint-jwks.json');
    const published = await fetch(`${audit?.url}/.well-known/audit-checkpoint-jwks.json`);
    expect(published.status).toBe(200);
    writeFileSync(jwks, await published.text());
    const verify = ['audit', 'verify', '--database', admit.databaseUrl ?? '', '--jwks', jwks, '--checkpoints', checkpointsFile, '--json'];
    type Report = { ok: boolean; checkpoints: { problems: { code: string }[]; external: { latest_seq: string } } };
    const report = await eventually(
      'admit audit verify to pass against the copied checkpoints',
      async () => {
        const stdout = await promisify(execFile)(process.execPath, [CLI, ...verify]).then(
          (done) => done.stdout,
          (failed: { stdout?: string }) => failed.stdout ?? '',
        );
        const found = JSON.parse(stdout) as Report;
        if (!found.ok) throw new Error(`verify failed: ${JSON.stringify(found.checkpoints.problems)}`);
        return found;
      },
      SINK_DEADLINE_MS,
    );
    expect(report).toMatchObject({ ok: true, checkpoints: { signatures_checked: true, problems: [], external: { source: checkpointsFile } } });
    expect(BigInt(report.checkpoints.external.latest_seq)).toBeGreaterThanOrEqual(BigInt(newest.seq));

    await connect?.stop();
  });
});
