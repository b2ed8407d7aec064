/** Writes the JSON Schema files and the AsyncAPI document derived from the catalog into generated/. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { contractDocuments } from '../src/documents';

const generatedDir = join(__dirname, '..', 'generated');
rmSync(generatedDir, { recursive: true, force: true });
for (const [file, doc] of Object.entries(contractDocuments())) {
  const path = join(generatedDir, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`wrote generated/${file}`);
}
