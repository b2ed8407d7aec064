// The published HTTP contract against what Admit serves. Real: embedded Admit as a user starts it
// (it serves every app's routes on one port), the generated OpenAPI document, and the routes of
// every lib: the controllers' route decorators, read from the classes as Nest does, and the exported PlainRoutes. Nothing stubbed.
import { ALL_METHODS, HTTP_ROUTES, openApiDocument } from '@admit/contracts';
import { ADMIN_SCOPES, adminTokenEntryYaml, hashAdminToken, newAdminToken, PlainRoute } from '@admit/platform';
import { ROOT } from '@admit/launcher';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdmitUnderTest, startAdmit } from '../support/admit-under-test';

const ADMIN_TOKEN = newAdminToken();
/** Nest's RequestMethod, by value. */
const CONSOLE = '/console';
const METHODS = ['get', 'post', 'put', 'delete', 'patch', 'all', 'options', 'head', 'search'];

/** Every HTTP route of every controller and every exported PlainRoute under libs/: `METHOD /path/{param}`. */
function servedRoutes(): string[] {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? (e.name === 'node_modules' || e.name === 'testing' ? [] : files(join(dir, e.name))) : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [join(dir, e.name)] : [],
    );
  const routes: string[] = [];
  for (const file of files(join(ROOT, 'libs')).filter((f) => /@Controller\(|new PlainRoute\(/.test(readFileSync(f, 'utf8')))) {
    // Loaded by path at run time: the test reads the classes as Nest does, whatever lib they are in.
    const exported = require(file) as Record<string, unknown>;
    for (const value of Object.values(exported)) {
      if (value instanceof PlainRoute) routes.push(`${value.method} ${value.path}`);
      if (typeof value !== 'function' || !Reflect.getMetadata('__controller__', value)) continue;
      const prefix = String(Reflect.getMetadata('path', value) ?? '/');
      for (const name of Object.getOwnPropertyNames(value.prototype)) {
        const handler = (value.prototype as Record<string, unknown>)[name];
        const method = typeof handler === 'function' ? (Reflect.getMetadata('method', handler as object) as number | undefined) : undefined;
        if (method === undefined) continue;
        const paths = [Reflect.getMetadata('path', handler as object) as string | string[]].flat();
        // An @All route is documented under the methods gateways forward; a `*` tail as `{path}`.
        const methods = METHODS[method] === 'all' ? ALL_METHODS : [METHODS[method]];
        for (const own of paths) {
          const path = `/${[prefix, own].join('/')}`.replace(/\/+/g, '/').replace(/\/$/, '').replace(/:([A-Za-z_]+)/g, '{$1}').replace(/\/\*$/, '/{path}');
          // The console is a browser UI of HTML pages and forms (docs/console.md), not part of the HTTP API.
          if (path === CONSOLE || path.startsWith(`${CONSOLE}/`)) continue;
          for (const m of methods) routes.push(`${m.toUpperCase()} ${path}`);
        }
      }
    }
  }
  return routes.sort();
}

describe('the OpenAPI document and the routes (embedded)', () => {
  let dir: string;
  let admit: AdmitUnderTest;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'admit-openapi-'));
    const tokensFile = join(dir, 'admin-tokens.yaml');
    writeFileSync(tokensFile, ['tokens:', adminTokenEntryYaml({ name: 'e2e-all', sha256: hashAdminToken(ADMIN_TOKEN), scopes: [...ADMIN_SCOPES] })].join('\n'));
    admit = await startAdmit('embedded', { ADMIT_ADMIN_TOKENS_FILE: tokensFile });
    base = admit.stack.intakeUrl;
  });
  afterAll(async () => {
    await admit?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('documents every route the controllers serve, and nothing else', () => {
    const documented = HTTP_ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort();
    expect(servedRoutes()).toEqual(documented);
  });

  it('serves the generated document at GET /openapi.json', async () => {
    const res = await fetch(`${base}/openapi.json`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(openApiDocument());
  });

  it('answers every documented route (neither "no such route" nor 405)', async () => {
    const answers: string[] = [];
    for (const route of HTTP_ROUTES) {
      const path = route.path.replace('{client_id}', 's_nobody').replace('{id}', '00000000-0000-4000-8000-000000000000').replace('{path}', 'orders/1');
      const res = await fetch(`${base}${path}`, {
        method: route.method.toUpperCase(),
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(route.method === 'post' ? { 'content-type': 'application/json' } : {}) },
        ...(route.method === 'post' ? { body: '{}' } : {}),
      });
      const text = await res.text();
      const body = res.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as { error?: string; error_description?: string }) : {};
      // The router's own 404 ("Cannot GET /x"), not a route answering that what it names does not exist.
      const noRoute = body.error === 'ERR_NOT_FOUND' && /^Cannot [A-Z]+ /.test(body.error_description ?? '');
      if (res.status === 405 || noRoute) answers.push(`${route.method} ${route.path}: ${res.status} ${text}`);
    }
    expect(answers).toEqual([]);
  });

  it('answers errors of the admin and audit routes as RFC 9457 problems, of the others in the RFC 7591 shape, with the route\'s code', async () => {
    const answers: unknown[] = [];
    const expected: unknown[] = [];
    const answer = async (route: (typeof HTTP_ROUTES)[number], headers: Record<string, string>, body?: string) => {
      const res = await fetch(`${base}${route.path.replace('{client_id}', 's_nobody').replace('{id}', '00000000-0000-4000-8000-000000000000')}`, {
        method: route.method.toUpperCase(),
        headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body,
      });
      return [`${route.method} ${route.path}`, res.status, res.headers.get('content-type'), await res.json()];
    };
    for (const route of HTTP_ROUTES.filter((r) => r.admin)) {
      // No credential, and a malformed body where the route takes one: the credential is checked first.
      answers.push(await answer(route, {}, route.request ? '{"kind":' : undefined));
      expected.push([
        `${route.method} ${route.path}`,
        401,
        'application/problem+json; charset=utf-8',
        { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'an admin bearer token is required', code: 'invalid_token' },
      ]);
    }
    for (const route of HTTP_ROUTES.filter((r) => r.request)) {
      answers.push(await answer(route, { authorization: `Bearer ${ADMIN_TOKEN}` }, '{"client_id":'));
      const code = route.refusal?.code ?? 'invalid_request';
      const detail = 'the request body is not valid JSON';
      expected.push([
        `${route.method} ${route.path}`,
        400,
        route.admin ? 'application/problem+json; charset=utf-8' : 'application/json; charset=utf-8',
        route.admin ? { type: 'about:blank', title: 'Bad Request', status: 400, detail, code } : { error: code, error_description: detail },
      ]);
    }
    expect(answers).toEqual(expected);
  });

  it('refuses a query parameter a route\'s query schema does not document, with the route\'s code', async () => {
    const strict = HTTP_ROUTES.filter((r) => (r.query as { additionalProperties?: boolean } | undefined)?.additionalProperties === false);
    expect(strict.map((r) => r.path)).toEqual(['/audit/events', '/audit/clients/{client_id}/timeline', '/audit/incidents', '/audit/report', '/audit/checkpoints', '/audit/links']);
    const answers: unknown[] = [];
    const expected: unknown[] = [];
    for (const route of strict) {
      // Every required parameter given (a valid value), plus one nobody documents.
      const required = Object.fromEntries((route.query?.required ?? []).map((name: string) => [name, name === 'at' ? 'admit.dlq.v1:0:1' : '2026-01-01T00:00:00Z']));
      const res = await fetch(`${base}${route.path.replace('{client_id}', 's_nobody')}?${new URLSearchParams({ ...required, no_such_parameter: '1' })}`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      answers.push([route.path, res.status, res.headers.get('content-type'), await res.json()]);
      const allowed = Object.keys(route.query?.properties ?? {}).join(', ');
      const detail = `/no_such_parameter: unknown parameter; allowed: ${allowed}`;
      expected.push([route.path, 400, 'application/problem+json; charset=utf-8', { type: 'about:blank', title: 'Bad Request', status: 400, detail, code: route.refusal?.code ?? 'invalid_request' }]);
    }
    expect(answers).toEqual(expected);
  });

  it('answers a wrong method 405 with Allow, and an unknown path 404', async () => {
    const wrong = await fetch(`${base}/register`, { method: 'DELETE' });
    expect([wrong.status, wrong.headers.get('allow'), ((await wrong.json()) as { error: string }).error]).toEqual([405, 'POST', 'ERR_METHOD_NOT_ALLOWED']);
    const put = await fetch(`${base}/clients/s_x`, { method: 'PUT' });
    expect([put.status, put.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    const revocation = await fetch(`${base}/revocations/abc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect([revocation.status, revocation.headers.get('allow')]).toEqual([405, 'GET, DELETE, HEAD']);
    const unknown = await fetch(`${base}/no-such-route`);
    expect([unknown.status, await unknown.json()]).toEqual([404, { error: 'ERR_NOT_FOUND', error_description: 'Cannot GET /no-such-route' }]);
  });
});
