import { open, readFile } from 'node:fs/promises';

/** One checkpoint as kept outside the database: its number and the signed JWS (which holds the heads). */
export interface ExternalCheckpoint {
  seq: string;
  jws: string;
}

/**
 * Somewhere the database role cannot reach, where each checkpoint is also written: an append-only
 * file (embedded) or a Kafka topic (distributed). Verification compares the database against it.
 */
export interface CheckpointSink {
  /** For messages: the file or topic. */
  readonly name: string;
  append(checkpoint: ExternalCheckpoint): Promise<void>;
  close(): Promise<void>;
}

/** Why an external copy could not be read; the message names the file or topic. */
export class ExternalCheckpointsError extends Error {
  readonly code = 'ERR_AUDIT_CHECKPOINTS_UNREADABLE';
}

/**
 * Appends each checkpoint as one JSON line, opened with O_APPEND and flushed before it returns, in a
 * file only the service's user can read or write (0600).
 */
export function fileCheckpointSink(path: string): CheckpointSink {
  return {
    name: path,
    async append(checkpoint) {
      const file = await open(path, 'a', 0o600);
      try {
        await file.chmod(0o600);
        await file.appendFile(`${JSON.stringify({ seq: checkpoint.seq, jws: checkpoint.jws })}\n`, 'utf8');
        await file.sync();
      } finally {
        await file.close();
      }
    },
    close: async () => undefined,
  };
}

/** The checkpoints of a file the sink wrote, in file order; a line that is not one is an error naming it. */
export async function readCheckpointFile(path: string): Promise<ExternalCheckpoint[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ExternalCheckpointsError(`${path}: cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const lines = text.split('\n');
  // A crash during an append can leave a partial last line: everything before it still counts.
  if (lines[lines.length - 1] !== '') lines[lines.length - 1] = '';
  return lines.filter((line) => line !== '').map((line, i) => parseExternal(line, `${path}:${i + 1}`));
}

export function parseExternal(text: string, where: string): ExternalCheckpoint {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ExternalCheckpointsError(`${where}: not JSON`);
  }
  const { seq, jws } = (value ?? {}) as Record<string, unknown>;
  if (typeof seq !== 'string' || !/^[1-9][0-9]{0,18}$/.test(seq) || typeof jws !== 'string' || jws.length > 1_000_000) {
    throw new ExternalCheckpointsError(`${where}: not a checkpoint record {"seq": "<n>", "jws": "<JWS>"}`);
  }
  return { seq, jws };
}
