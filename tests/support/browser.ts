import { BrowserContext, BrowserContextOptions, chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's chromium (`.ci/run` installs it when missing); Playwright never downloads a browser here. */
export const CHROMIUM = '/usr/bin/chromium';

/** Flags for a closed network: no background fetches, updates, sync or QUIC, so nothing dials out. */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Chromium with a fresh profile of its own. Rejects (the suite fails, never skips) when it cannot be
 * started, naming the executable.
 */
export async function launchBrowser(options: BrowserContextOptions = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'admit-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 60_000, ...options });
    return {
      context,
      close: async () => {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(`chromium cannot be started from ${CHROMIUM} (install Debian's chromium; .ci/run does): ${String(err)}`);
  }
}
