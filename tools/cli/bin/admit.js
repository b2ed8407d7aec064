#!/usr/bin/env node
// `npx admit …`. In a checkout (dev dependencies installed) it runs the TypeScript sources through
// tsx, so it always uses the same @admit/* code as the services, with no build step to forget. Where
// tsx is absent (an image pruned of dev dependencies) it runs the build in dist/tools/cli.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..', '..');
const source = join(root, 'tools', 'cli', 'src', 'main.ts');
const built = join(root, 'dist', 'tools', 'cli', 'main.js');

function tsx() {
  try {
    return require('tsx/cjs/api');
  } catch {
    return undefined;
  }
}

const api = existsSync(source) ? tsx() : undefined;
if (api) {
  // tsx reads the path aliases (@admit/*) from this tsconfig.
  process.env.TSX_TSCONFIG_PATH = join(root, 'tsconfig.base.json');
  api.register();
  require(source);
} else if (existsSync(built)) {
  require(built);
} else {
  console.error('admit: neither tsx (a dev dependency) nor dist/tools/cli/main.js is here; run `npm ci` or `npm run build`');
  process.exit(1);
}
