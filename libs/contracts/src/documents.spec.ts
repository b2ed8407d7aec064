// Real: the catalog, the generated files on disk, @asyncapi/parser, @apidevtools/swagger-parser. Nothing stubbed.
import { Parser } from '@asyncapi/parser';
import SwaggerParser from '@apidevtools/swagger-parser';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contractDocuments } from './documents';

const generatedDir = join(__dirname, '..', 'generated');

function committedFiles(dir = generatedDir, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? committedFiles(join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

describe('generated contract documents', () => {
  const docs = contractDocuments();

  it('match the committed files exactly (run `npm run contracts:generate` after a schema change)', () => {
    expect(committedFiles().sort()).toEqual(Object.keys(docs).sort());
    for (const [file, doc] of Object.entries(docs)) {
      expect({ file, content: readFileSync(join(generatedDir, file), 'utf8') }).toEqual({
        file,
        content: `${JSON.stringify(doc, null, 2)}\n`,
      });
    }
  });

  it('form a valid AsyncAPI 3 document with one channel per topic', async () => {
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(docs['asyncapi.json']));
    const errors = diagnostics.filter((d) => d.severity === 0);
    expect(errors).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    expect(
      document
        ?.channels()
        .all()
        .map((c) => c.address())
        .sort(),
    ).toEqual([
      'admit.access.checked.v1',
      'admit.admin.actions.v1',
      'admit.dlq.v1',
      'admit.policies.v1',
      'admit.registration.decided.v1',
      'admit.registration.requested.v1',
      'admit.registration.validated.v1',
      'admit.revocations.v1',
    ]);
  });
});

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document, by @apidevtools/swagger-parser', async () => {
    const doc = JSON.parse(JSON.stringify(contractDocuments()['openapi.json'])) as Record<string, unknown>;
    const api = (await SwaggerParser.validate(doc as never)) as { openapi: string; paths: Record<string, unknown> };
    expect(api.openapi).toBe('3.1.0');
    expect(Object.keys(api.paths)).toContain('/clients/{client_id}');
  });

  it('is refused by the same parser when it is broken, so the check above can fail', async () => {
    const doc = JSON.parse(JSON.stringify(contractDocuments()['openapi.json'])) as { paths: Record<string, Record<string, { responses?: unknown }>> };
    doc.paths['/register'].post.responses = 'none';
    await expect(SwaggerParser.validate(doc as never)).rejects.toThrow();
  });
});
