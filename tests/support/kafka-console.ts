import { ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KAFKA_BROKERS } from './kafka';

/**
 * Kafka's own JVM console clients, run as an integrator runs them, from the jars tools/kafka
 * provisions: `kafka.tools.ConsoleProducer` (kafka_2.13) and
 * `org.apache.kafka.tools.consumer.ConsoleConsumer` (kafka-tools), and Kafka Connect (connect-runtime).
 * A missing JDK or jar fails the suite; it never skips. docs/kafka-integration.md shows the same commands.
 */
const ROOT = join(__dirname, '..', '..');
const CLASSPATH = join(ROOT, 'tools', 'kafka', '.run', 'lib', '*');
const JAVA = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
/** log4j output goes to stderr, so stdout carries only the records. */
const LOG4J = `-Dlog4j.configuration=file:${join(ROOT, 'tools', 'kafka', 'log4j.properties')}`;
/** A JVM client that has not finished by then is killed and the test fails. */
const RUN_DEADLINE_MS = 120_000;

/** Copies the jars of tools/kafka/pom.xml into tools/kafka/.run/lib unless they are there already (Maven, once). */
export async function provisionKafkaJars(): Promise<void> {
  await promisify(execFile)('bash', [join(ROOT, 'tools', 'kafka', 'provision.sh')], { timeout: 300_000 });
}

/** Starts `mainClass` from the provisioned jars, in the repo root, with stdin, stdout and stderr piped. */
export function spawnJava(mainClass: string, args: string[]): ChildProcessWithoutNullStreams {
  return spawn(JAVA, [LOG4J, '-cp', CLASSPATH, mainClass, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Runs one JVM client to its end; resolves with its stdout, rejects with its stderr on a non-zero exit. */
function runJava(mainClass: string, args: string[], stdin = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawnJava(mainClass, args);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_DEADLINE_MS);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`could not start ${JAVA} for ${mainClass}: ${e.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(Buffer.concat(out).toString('utf8'));
      const tail = Buffer.concat(err).toString('utf8').split('\n').slice(-30).join('\n');
      reject(new Error(`${mainClass} exited with ${code ?? signal}:\n${tail}`));
    });
    child.stdin.end(stdin);
  });
}

/** One line of the console producer with `parse.headers=true` and `parse.key=true`: `h1:v1,h2:v2<TAB>key<TAB>value`. */
export function producerLine(headers: Record<string, string>, key: string, value: string): string {
  const all = [...Object.entries(headers).map(([name, v]) => `${name}:${v}`), key, value].join('');
  if (/[\t\n]/.test(all) || Object.values(headers).some((v) => v.includes(','))) throw new Error('a console producer line cannot hold a tab, a line break, or a comma in a header value');
  return `${Object.entries(headers).map(([name, v]) => `${name}:${v}`).join(',')}\t${key}\t${value}`;
}

/** Sends `lines` (see producerLine) to `topic` in one run of kafka.tools.ConsoleProducer. */
export async function consoleProduce(topic: string, lines: string[]): Promise<void> {
  await runJava(
    'kafka.tools.ConsoleProducer',
    ['--bootstrap-server', KAFKA_BROKERS.join(','), '--topic', topic, '--property', 'parse.key=true', '--property', 'parse.headers=true'],
    `${lines.join('\n')}\n`,
  );
}

export interface ConsumedRecord {
  headers: Record<string, string>;
  key: string;
  value: string;
}

/**
 * Reads up to `maxMessages` records of `topic` from its beginning in consumer group `group`, with
 * org.apache.kafka.tools.consumer.ConsoleConsumer; it waits at most `timeoutMs` for the next one.
 */
export async function consoleConsume(topic: string, group: string, maxMessages: number, timeoutMs = 60_000): Promise<ConsumedRecord[]> {
  const out = await runJava('org.apache.kafka.tools.consumer.ConsoleConsumer', [
    '--bootstrap-server', KAFKA_BROKERS.join(','), '--topic', topic, '--group', group, '--from-beginning',
    '--max-messages', String(maxMessages), '--timeout-ms', String(timeoutMs),
    '--property', 'print.headers=true', '--property', 'print.key=true',
  ]);
  return out.split('\n').filter((line) => line.length > 0).map(parseConsumerLine);
}

/** `h1:v1,h2:v2<TAB>key<TAB>value`, as the console consumer prints a record with headers and key. */
function parseConsumerLine(line: string): ConsumedRecord {
  const [headerText, key, ...value] = line.split('\t');
  const headers: Record<string, string> = {};
  for (const header of headerText.split(',')) {
    const at = header.indexOf(':');
    if (at > 0) headers[header.slice(0, at)] = header.slice(at + 1);
  }
  return { headers, key, value: value.join('\t') };
}
