import { CliExit } from '../cli-exit';
import { explain } from './explain';

/** `admit policy <subcommand>`. */
export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'explain') return explain(rest);
  throw new CliExit(`usage: admit policy explain --request <file.json> [--policies <dir>] [--json]`, 2);
}
