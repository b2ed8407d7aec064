/**
 * `admit db migrate --app-role <role>`: runs the migrations connected as the owner role
 * (`--database` or DATABASE_URL), then grants the app role what the services need and nothing more.
 * The services then connect as the app role, which cannot disable the audit trail's triggers.
 */
import { Command } from 'commander';
import { CliContext, CliExit } from '../cli-exit';
import { writeAll } from '../audit/export-writer';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('db')
    .description("Admit's database")
    .command('migrate')
    .description('run the migrations as the owner role and grant the app role what the services need')
    .requiredOption('--app-role <role>', 'the role the services connect as')
    .option('--database <url>', 'the owner role\'s PostgreSQL URL (default: DATABASE_URL)')
    .option('--json', 'JSON instead of a line')
    .action(async (options: { appRole: string; database?: string; json?: boolean }) => {
      const url = options.database ?? process.env.DATABASE_URL;
      if (!url) throw new CliExit('give --database <owner postgres URL> or set DATABASE_URL', 2);
      const { checkRoleName, createDataSource, migrate } = await import('@admit/store');
      const { ALL_MIGRATIONS } = await import('@admit/launcher');
      let appRole: string;
      try {
        appRole = checkRoleName(options.appRole);
      } catch (err) {
        throw new CliExit((err as Error).message, 2);
      }
      const ds = await createDataSource({ url }).initialize();
      try {
        await migrate(ds, ALL_MIGRATIONS, { appRole });
      } finally {
        await ds.destroy();
      }
      await writeAll(
        ctx.out,
        options.json ? `${JSON.stringify({ migrated: true, app_role: appRole })}\n` : `migrated; ${appRole} may read, append to the audit trail and move its chain heads, and nothing more\n`,
      );
    });
}
