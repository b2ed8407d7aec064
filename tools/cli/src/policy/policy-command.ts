import { Command } from 'commander';
import { CliContext } from '../cli-exit';

/** `admit policy explain`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('policy')
    .description('Cedar policies')
    .command('explain')
    .description('decide one request exactly as the services do, and show why')
    .requiredOption('--request <file.json>', '{"validated": <registration.validated data>} or an access check {"client_id", "admission", "action", …}; "now" pins the clock')
    .option('--policies <dir>', 'the policy folder (default: ADMIT_POLICY_DIR, else ./policies)')
    .option('--json', 'JSON instead of lines')
    .action(async (options: { request: string; policies?: string; json?: boolean }) => {
      const { explain } = await import('./explain');
      await explain(options, ctx);
    });
}
