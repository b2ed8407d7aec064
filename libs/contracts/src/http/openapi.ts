import { CONTRACTS_VERSION } from '../version';
import { HttpRoute, HTTP_ROUTES } from './routes';

const plain = (schema: unknown) => JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;

/** The OpenAPI 3.1 document of every route in HTTP_ROUTES. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of HTTP_ROUTES) {
    const operation: Record<string, unknown> = {
      operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c?: string) => (c ? c.toUpperCase() : ''))}`,
      summary: route.summary,
      tags: [route.tag],
      ...(route.admin ? { security: [{ adminToken: [] }] } : {}),
      ...(route.parameters || route.query ? { parameters: parametersOf(route) } : {}),
      ...(route.request ? { requestBody: { required: true, content: { 'application/json': { schema: plain(route.request) } } } } : {}),
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([status, answer]) => [
          status,
          { description: answer.description, ...(answer.schema || answer.contentType ? { content: { [answer.contentType ?? 'application/json']: answer.schema ? { schema: plain(answer.schema) } : {} } } : {}) },
        ]),
      ),
    };
    (paths[route.path] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Admit HTTP API',
      version: CONTRACTS_VERSION,
      description: 'Every route of every Admit app (embedded mode serves them all on one port). Errors of the registration, client, access and operations routes are RFC 7591 `{error, error_description}`; errors of the admin and audit routes (those needing an admin token) are RFC 9457 application/problem+json, with the same stable code in `code`. A wrong method answers 405 with Allow.',
    },
    servers: [{ url: 'http://localhost:8080', description: 'npm start (embedded)' }],
    paths,
    components: { securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'An admin token from ADMIT_ADMIN_TOKENS_FILE.' } } },
  };
}

/**
 * The route's listed parameters, then the other members of its query schema. A query parameter its
 * route's query schema checks is documented with that schema.
 */
function parametersOf(route: HttpRoute): Record<string, unknown>[] {
  const query = (route.query?.properties ?? {}) as Record<string, { description?: string }>;
  const required: string[] = route.query?.required ?? [];
  const listed = route.parameters ?? [];
  return [
    ...listed.map((p) => ({
      name: p.name,
      in: p.in,
      required: p.in === 'path' || required.includes(p.name),
      description: p.description,
      schema: plain((p.in === 'query' && query[p.name]) || { type: 'string' }),
    })),
    ...Object.entries(query)
      .filter(([name]) => !listed.some((p) => p.in === 'query' && p.name === name))
      .map(([name, schema]) => ({ name, in: 'query', required: required.includes(name), description: schema.description, schema: plain(schema) })),
  ];
}
