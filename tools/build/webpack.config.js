// Builds every app into dist/apps/<name>/main.js, the topic creator into dist/tools/kafka-topics/main.js
// and the admit CLI into dist/tools/cli/main.js (for images without dev tools); `--env app=<name>`
// (what `nx build <name>` runs) builds one of them. Libraries are bundled through the tsconfig path
// aliases; packages stay in node_modules, because Cedar and PGlite load their WASM files from next to
// their own code.
const { readdirSync } = require('node:fs');
const { join, resolve } = require('node:path');
const nodeExternals = require('webpack-node-externals');
const { TsconfigPathsPlugin } = require('tsconfig-paths-webpack-plugin');

const root = resolve(__dirname, '../..');
const entries = {
  ...Object.fromEntries(readdirSync(join(root, 'apps')).map((app) => [`apps/${app}`, `./apps/${app}/src/main.ts`])),
  'tools/kafka-topics': './tools/kafka/create-topics.ts',
  'tools/cli': './tools/cli/src/main.ts',
};

function pick(app) {
  const picked = Object.entries(entries).filter(([name]) => name.endsWith(`/${app}`));
  if (picked.length !== 1) throw new Error(`no app or tool named ${app}; one of: ${Object.keys(entries).join(', ')}`);
  return Object.fromEntries(picked);
}

module.exports = (env = {}) => ({
  mode: 'none',
  target: 'node20',
  context: root,
  entry: env.app ? pick(env.app) : entries,
  output: { path: join(root, 'dist'), filename: '[name]/main.js', clean: !env.app },
  devtool: 'source-map',
  externalsPresets: { node: true },
  externals: [nodeExternals({ modulesDir: join(root, 'node_modules') })],
  resolve: {
    extensions: ['.ts', '.js'],
    plugins: [new TsconfigPathsPlugin({ configFile: join(root, 'tsconfig.base.json') })],
  },
  module: {
    rules: [
      {
        test: /\.ts$/,
        exclude: /node_modules/,
        // Type checking is `npm run typecheck`; the build only transpiles, keeping decorator metadata.
        use: { loader: 'ts-loader', options: { transpileOnly: true, configFile: join(root, 'tsconfig.json') } },
      },
    ],
  },
  // Nest loads optional transports and adapters with require() guarded by try/catch.
  ignoreWarnings: [/Critical dependency/, /Module not found: Error: Can't resolve '@nestjs\//],
  stats: 'errors-warnings',
});
