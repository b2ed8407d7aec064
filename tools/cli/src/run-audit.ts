import { Writable } from 'node:stream';
import { CliContext } from './cli-exit';
import { runCli } from './program';

/** `admit audit <args>` run in-process (tests, the demo): resolves with the exit code. */
export function runAudit(args: string[], out: Writable = process.stdout, err: CliContext['err'] = process.stderr): Promise<number> {
  return runCli(['audit', ...args], { out, err });
}
