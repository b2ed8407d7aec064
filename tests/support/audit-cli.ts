import { Writable } from 'node:stream';
// The CLI runs in the test's process: as processes of their own, many runs cost a suite minutes.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { runAudit as runCli } from '../../tools/cli/src/run-audit';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { CliExit } from '../../tools/cli/src/cli-exit';

export interface AuditCliRun<R = unknown> {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed, when `--json` was given and something was printed. */
  report?: R;
}

/**
 * `admit audit <args>`, run in this process (the CLI as a process of its own is tested by the audit
 * API suite): what it prints and the exit code it would exit with. `env` is set for the run only.
 */
export async function auditCli<R = unknown>(args: string[], env: Record<string, string> = {}): Promise<AuditCliRun<R>> {
  const stdout = new Captured();
  const stderr = new Captured();
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  let code: number;
  try {
    code = await runCli(args, stdout, stderr as unknown as NodeJS.WriteStream);
  } catch (err) {
    // As the CLI's main reports a failure: its message, and its exit code.
    stderr.write(`${(err as Error).message}\n`);
    code = (err as CliExit).exitCode ?? 1;
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  const out = { code, stdout: stdout.text, stderr: stderr.text };
  return { ...out, report: args.includes('--json') && out.stdout ? (JSON.parse(out.stdout) as R) : undefined };
}

/** A stream that keeps what is written to it. */
class Captured extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}
