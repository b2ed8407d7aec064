/** A failure the CLI reports as one line and an exit code: 2 for usage, 1 for anything else. */
export class CliExit extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

/** `--name value` options and flags, nothing else: commands stay predictable. */
export function parseOptions(args: string[], valued: string[], flags: string[]): Record<string, string | true> {
  const options: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const name = args[i].replace(/^--/, '');
    if (!args[i].startsWith('--') || ![...valued, ...flags].includes(name)) throw new CliExit(`unknown argument ${JSON.stringify(args[i])}`, 2);
    if (flags.includes(name)) options[name] = true;
    else if (i + 1 < args.length) options[name] = args[++i];
    else throw new CliExit(`--${name} needs a value`, 2);
  }
  return options;
}
