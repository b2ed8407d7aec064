import { AuditError, AuditErrorCode, ExternalCheckpoint, readCheckpointFile, readCheckpointTopic } from '@admit/audit';
import { existsSync } from 'node:fs';
import { CliExit } from '../cli-exit';

const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

/**
 * `--checkpoints <file|topic>`: an existing file is read as the embedded service's checkpoint file;
 * any other bare name is a Kafka topic, read from KAFKA_BROKERS to its current end.
 */
export async function readExternalCheckpoints(location: string): Promise<{ source: string; checkpoints: ExternalCheckpoint[] }> {
  try {
    if (existsSync(location) || !TOPIC_NAME.test(location)) return { source: location, checkpoints: await readCheckpointFile(location) };
    const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
    if (brokers.length === 0) throw new CliExit(`--checkpoints ${location}: no such file; to read it as a Kafka topic, set KAFKA_BROKERS`, 2);
    return { source: `Kafka topic ${location}`, checkpoints: await readCheckpointTopic({ brokers, topic: location }) };
  } catch (err) {
    if (err instanceof AuditError && err.code === AuditErrorCode.CheckpointsUnreadable) throw new CliExit(`--checkpoints: ${err.message}`);
    throw err;
  }
}
