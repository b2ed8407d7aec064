/** `admit keys generate --out <file>`: a signing key set for ADMIT_SIGNING_KEY_FILE, in a private (0600) file. */
import { Command, Option } from 'commander';
import { finished } from 'node:stream/promises';
import { CliContext, openOutput } from '../cli-exit';
import { writeAll } from '../audit/export-writer';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('keys')
    .description("Admit's signing keys")
    .command('generate')
    .description('write a new private signing key set (JWKS) for ADMIT_SIGNING_KEY_FILE, readable by its owner only')
    .requiredOption('--out <file>', 'the key file to create (mode 0600)')
    .addOption(new Option('--alg <alg>', 'the signing algorithm').choices(['ES256', 'EdDSA']).default('ES256'))
    .option('--force', 'overwrite --out if it exists')
    .option('--json', 'JSON instead of lines')
    .addHelpText('after', '\nTo rotate, put the new key first in the existing file and keep the old one after it until the tokens it signed expire.')
    .action(async (options: { out: string; alg: 'ES256' | 'EdDSA'; force?: boolean; json?: boolean }) => {
      const { newKeySetText } = await import('@admit/keys');
      const text = await newKeySetText(options.alg);
      const file = await openOutput(options.out, options.force, 0o600);
      await writeAll(file, text);
      file.end();
      await finished(file);
      const { kid } = (JSON.parse(text) as { keys: { kid: string }[] }).keys[0];
      const result = { file: options.out, kid, alg: options.alg };
      await writeAll(ctx.out, options.json ? `${JSON.stringify(result, null, 2)}\n` : `wrote ${options.alg} signing key ${kid} to ${options.out} (mode 0600)\nset ADMIT_SIGNING_KEY_FILE=${options.out}\n`);
    });
}
