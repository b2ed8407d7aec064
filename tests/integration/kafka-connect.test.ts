// An operator streams Admit's topics to a data lake with Kafka Connect, as docs/data-lake.md tells
// them to: Connect standalone runs the shipped configs (ops/kafka-connect) with the file sink, and
// the copy is checked against the audit store. Real: the built apps (distributed), the Kafka broker,
// PostgreSQL, Connect from tools/kafka/.run/lib. Only the broker address, the file paths, the topic
// prefix and the REST port (0: any free one) differ from the shipped files.
import { ALL_TOPICS } from '@admit/contracts';
import { metadataClientId } from '@admit/intake';
import { PolicyDir, selfAssertedPolicyDir } from '@admit/launcher';
import { ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdmitUnderTest, AuditEvent, startAdmit } from '../support/admit-under-test';
import { KAFKA_BROKERS } from '../support/kafka';
import { provisionKafkaJars, spawnJava } from '../support/kafka-console';
import { eventually } from '../support/poll';

const CONFIG_DIR = join(__dirname, '..', '..', 'ops', 'kafka-connect');
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
  private readonly log: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(worker: string, connector: string) {
    this.child = spawnJava('org.apache.kafka.connect.cli.ConnectStandalone', [worker, connector]);
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => this.log.push(...chunk.split('\n')));
    }
    this.exited = new Promise((resolve, reject) => {
      this.child.once('error', (err) => reject(new Error(`could not start Kafka Connect: ${err.message}`)));
      this.child.once('exit', (code) => resolve(code));
    });
  }

  /** Fails with the end of Connect's log once the JVM has exited. */
  assertRunning(): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      throw new Error(`Kafka Connect exited (${this.child.exitCode ?? this.child.signalCode}):\n${this.logTail()}`);
    }
  }

  logTail(): string {
    return this.log.slice(-40).join('\n');
  }

  logLines(pattern: RegExp): string[] {
    return this.log.filter((line) => pattern.test(line));
  }

  /** SIGTERM, then SIGKILL if Connect has not shut down within 30 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
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
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    // The jars come from tools/kafka/pom.xml, whether or not this checkout started the broker.
    await provisionKafkaJars();
    dir = mkdtempSync(join(tmpdir(), 'admit-lake-'));
    // Self-asserted metadata is admitted only by the development example policy.
    policies = selfAssertedPolicyDir();
    admit = await startAdmit('distributed', { ADMIT_POLICY_DIR: policies.dir });
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
    const stored: AuditEvent[] = [];
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
    const sinkFile = join(dir, 'admit-events.txt');
    sink.set('name', `${prefix}admit-lake`);
    sink.set('file', sinkFile);
    sink.set('topics', (sink.get('topics') ?? '').split(',').map((topic) => `${prefix}${topic}`).join(','));
    connect = new ConnectStandalone(writeProperties(join(dir, 'worker.properties'), worker), writeProperties(join(dir, 'sink.properties'), sink));

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
    await connect.stop();
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
});
