// `node --import tsx tests/support/prepared-on-pglite.ts <dataDir>`: the prepared-statement scenario on
// PGlite, which cannot load inside jest; prints its outcome as one line of JSON.
import { createDataSource } from '@admit/store';
import { preparedScenario } from './prepared-scenario';

async function main(): Promise<void> {
  const ds = await createDataSource({ dataDir: process.argv[2] }).initialize();
  try {
    process.stdout.write(`${JSON.stringify(await preparedScenario(ds))}\n`);
  } finally {
    await ds.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
