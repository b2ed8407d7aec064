#!/usr/bin/env node
// `admit …`: runs the compiled CLI (dist/tools/cli/main.js, built by `npm run build`), so it starts in
// a fraction of a second.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, '..', '..', '..', 'dist', 'tools', 'cli', 'main.js');
if (!existsSync(built)) {
  console.error(`admit: the CLI is not built (${built} is missing); run \`npm run build\` first`);
  process.exit(1);
}
require(built);
