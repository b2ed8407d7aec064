import { orUndefined, parsedJson } from '@admit/contracts';
import { open, readFile } from 'node:fs/promises';
import { AuditError, AuditErrorCode } from '../audit-error';

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
  /** The number of the last checkpoint written (undefined: none yet), so a restarted service writes what it missed. */
  lastSeq(): Promise<string | undefined>;
  close(): Promise<void>;
}

/** How much of the end of a checkpoint file is read to find its last record: far more than one record. */
const TAIL_BYTES = 256 * 1024;

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
    async lastSeq() {
      const file = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return undefined;
        throw err;
      });
      if (!file) return undefined;
      try {
        const { size } = await file.stat();
        const length = Math.min(size, TAIL_BYTES);
        const { buffer } = await file.read(Buffer.alloc(length), 0, length, size - length);
        // The first line of the tail may be cut, the last one partial: the last whole record counts.
        const lines = buffer.toString('utf8').split('\n').slice(0, -1).reverse();
        for (const line of lines) {
          const seq = orUndefined(() => parseExternal(line, path).seq);
          if (seq !== undefined) return seq;
        }
        return undefined;
      } finally {
        await file.close();
      }
    },
    close: async () => undefined,
  };
}

/** The checkpoints of a file the sink wrote, in file order; a line that is not one is an error naming it. */
export async function readCheckpointFile(path: string): Promise<ExternalCheckpoint[]> {
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw unreadable(`${path}: cannot be read: ${err.code ?? 'error'}`);
  });
  const lines = text.split('\n');
  // A crash during an append can leave a partial last line: everything before it still counts.
  if (lines[lines.length - 1] !== '') lines[lines.length - 1] = '';
  return lines.filter((line) => line !== '').map((line, i) => parseExternal(line, `${path}:${i + 1}`));
}

export function parseExternal(text: string, where: string): ExternalCheckpoint {
  const value = parsedJson(text);
  if (value === undefined) throw unreadable(`${where}: not JSON`);
  const { seq, jws } = (value ?? {}) as Record<string, unknown>;
  if (typeof seq !== 'string' || !/^[1-9][0-9]{0,18}$/.test(seq) || typeof jws !== 'string' || jws.length > 1_000_000) {
    throw unreadable(`${where}: not a checkpoint record {"seq": "<n>", "jws": "<JWS>"}`);
  }
  return { seq, jws };
}

/** Why an external copy could not be read; the message names the file or topic. */
export function unreadable(message: string): AuditError {
  return new AuditError(AuditErrorCode.CheckpointsUnreadable, message);
}
