import { FetchError } from '@admit/metadata';
import { HttpsFixture } from '@admit/metadata/testing';
import { STATEMENT_TYPE } from '../entity-statement';
import { TestEntity, TestFederation } from './test-federation';

/**
 * Serves a federation whose entity ids are under `fixture.origin` over that fixture's real HTTPS
 * (the loopback fixture with a CA made for the run): each entity's configuration and fetch endpoint,
 * signed on every request from the model. Call it again after adding entities.
 */
export function serveFederation(fed: TestFederation, fixture: HttpsFixture): void {
  for (const entity of fed.entities.values()) {
    const path = new URL(entity.id).pathname;
    for (const route of [`${path}/.well-known/openid-federation`, `${path}/fetch`]) {
      fixture.route(route, (req, res) => {
        fed.serve(`${fixture.origin}${req.url ?? ''}`).then(
          (jwt) => {
            res.writeHead(200, { 'content-type': `application/${STATEMENT_TYPE}` });
            res.end(jwt);
          },
          (err: unknown) => {
            res.writeHead(err instanceof FetchError && err.status ? err.status : 404, { 'content-type': 'application/json' });
            res.end('{"error":"not_found"}');
          },
        );
      });
    }
  }
}

/** The anchors file entry (YAML, one line per field) that pins `anchor` as an OpenID Federation trust anchor. */
export function federationAnchorYaml(id: string, anchor: TestEntity, domains: string[] = []): string {
  return [
    `  - id: ${id}`,
    '    type: openid_federation',
    `    entity_id: ${anchor.id}`,
    `    jwks: ${JSON.stringify({ keys: [anchor.key.jwk] })}`,
    ...(domains.length > 0 ? [`    domains: ${JSON.stringify(domains)}`] : []),
  ].join('\n');
}
