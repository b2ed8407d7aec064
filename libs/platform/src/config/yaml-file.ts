import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ConfigError } from './load-config';

/**
 * The text of a configuration file named by a variable; a file that cannot be read is a ConfigError
 * naming `source` (the variable and the path) and the reason, never the file's content.
 */
export function readConfigFile(path: string, source: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`${source}: cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}`]);
  }
}

/** YAML from a configuration file. Aliases are refused: configuration has no use for them, and they enable expansion bombs. */
export function parseConfigYaml(text: string, source: string): unknown {
  try {
    return parse(text, { maxAliasCount: 0 });
  } catch (error) {
    throw new ConfigError([`${source}: not valid YAML: ${(error as Error).message.split('\n')[0]}`]);
  }
}
