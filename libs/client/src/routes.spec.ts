// Real: the client's route list and the OpenAPI document as libs/contracts generates it.
import { openApiDocument } from '@admit/contracts';
import { CLIENT_ROUTES } from './admit-client';

describe('the routes @admit/client calls', () => {
  it('are all in the OpenAPI document', () => {
    const paths = openApiDocument().paths as Record<string, Record<string, unknown>>;
    const missing = Object.values(CLIENT_ROUTES).filter((route) => {
      const [method, path] = route.split(' ');
      return paths[path]?.[method.toLowerCase()] === undefined;
    });
    expect(missing).toEqual([]);
  });

  it('answer, in the document, the members the client reads', () => {
    const paths = openApiDocument().paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
    const schema = JSON.stringify(paths['/clients/{client_id}'].get.responses['200'].content?.['application/json'].schema);
    for (const member of ['client_id', 'client_id_issued_at', 'client_id_expires_at', 'admission', 'redirect_uris', 'jwks']) expect(schema).toContain(`"${member}"`);
  });
});
