// Real: the table, its YAML parser and ConfigError; files in a temporary folder. Nothing stubbed.
import { ConfigError } from '@admit/platform';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { thrownBy } from '@admit/contracts/testing';
import { GatewayActions, loadGatewayActions, parseGatewayActions } from './gateway-actions';

const problems = (run: () => unknown) => thrownBy(ConfigError, run).problems;

describe('GatewayActions', () => {
  const table = parseGatewayActions(
    [
      'routes:',
      '  - { methods: [DELETE], path: /admin/*, action: admin_delete, sensitivity: sensitive }',
      '  - { path: /admin/*, action: admin }',
      '  - { methods: [GET], path: /health, action: health }',
      '  - { path: "*", action: other }',
    ].join('\n'),
  );

  it('maps by the first route that matches method and path; the resource is the path without its query', () => {
    expect(table.map('DELETE', '/admin/users/7?force=1')).toEqual({ action: 'admin_delete', resource: '/admin/users/7', sensitivity: 'sensitive' });
    expect(table.map('GET', '/admin/')).toEqual({ action: 'admin', resource: '/admin/' });
    expect(table.map('GET', '/health')).toEqual({ action: 'health', resource: '/health' });
    expect(table.map('GET', '/health/x')).toEqual({ action: 'other', resource: '/health/x' });
    expect(table.map('POST', '/health')).toEqual({ action: 'other', resource: '/health' });
  });

  it('by default maps reads to http_read and anything else to http_write', () => {
    const defaults = new GatewayActions();
    for (const method of ['GET', 'HEAD', 'OPTIONS']) expect(defaults.map(method, '/a?b=c')).toEqual({ action: 'http_read', resource: '/a' });
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'PROPFIND']) expect(defaults.map(method, '/a')).toEqual({ action: 'http_write', resource: '/a' });
  });

  it('refuses a path no route matches', () => {
    const narrow = parseGatewayActions('routes:\n  - { path: /api/*, action: api }');
    expect(narrow.map('GET', '/other')).toEqual({ refused: 'no gateway route maps GET /other' });
  });

  it.each([
    ['/admin/../public', 'dot segment'],
    ['/public/..', 'dot segment'],
    ['/./admin', 'dot segment'],
    ['//admin', 'empty segment'],
    ['/public/%2e%2e/admin', 'encoded'],
    ['/public%2Fadmin', 'encoded'],
    ['/public%5cadmin', 'encoded'],
    ['/a%00', 'encoded'],
    ['/public\\admin', 'backslash'],
  ])('refuses %s, which a gateway and Admit could read as different paths', (uri) => {
    expect(table.map('GET', uri)).toEqual({ refused: 'the original URI holds a dot segment, an empty segment, or an encoded slash, dot or backslash' });
  });

  it.each([['/a b'], ['/é'], ['/a\tb']])('refuses %j, which a gateway sends percent-encoded', (uri) => {
    expect(table.map('GET', uri)).toEqual({ refused: 'the original URI holds a character that must be percent-encoded' });
  });

  it.each([
    ['a relative path', 'admin'],
    ['an empty URI', ''],
    ['an absolute URI', 'http://host/admin'],
    ['a path over 2048 characters', `/${'a'.repeat(2048)}`],
  ])('refuses %s, which is not an origin-form path of at most 2048 characters', (_case, uri) => {
    expect(table.map('GET', uri)).toEqual({ refused: 'the original URI must be a path of at most 2048 characters' });
  });

  it('keeps dots that are not whole segments', () => {
    expect(table.map('GET', '/files/a..b/.well-known/x.json')).toEqual({ action: 'other', resource: '/files/a..b/.well-known/x.json' });
  });
});

describe('parseGatewayActions and loadGatewayActions', () => {
  it('names the variable, the route and the field of every problem', () => {
    const text = ['routes:', '  - { methods: [get], path: /a, action: a }', '  - { path: "a*", action: b }', '  - { path: /c, action: c, sensitive: true }', '  - { path: /d }', '  - { path: /e, action: e, sensitivity: high }'].join('\n');
    expect(problems(() => parseGatewayActions(text, 'ADMIT_GATEWAY_ACTIONS_FILE (t.yaml)'))).toEqual([
      'ADMIT_GATEWAY_ACTIONS_FILE (t.yaml): routes[0].methods[0]: must match pattern "^[A-Z]{1,16}$"',
      'ADMIT_GATEWAY_ACTIONS_FILE (t.yaml): routes[1].path: must match pattern "^(\\*|/[^*?#\\s]*\\*?)$"',
      'ADMIT_GATEWAY_ACTIONS_FILE (t.yaml): routes[2] field sensitive: is not a known field',
      'ADMIT_GATEWAY_ACTIONS_FILE (t.yaml): routes[3] field action: is required',
      'ADMIT_GATEWAY_ACTIONS_FILE (t.yaml): routes[4].sensitivity: must be equal to one of the allowed values (normal, sensitive)',
    ]);
  });

  it('refuses an empty table, YAML aliases and text that is not YAML', () => {
    expect(problems(() => parseGatewayActions('routes: []'))).toEqual(['ADMIT_GATEWAY_ACTIONS_FILE: routes: must NOT have fewer than 1 items']);
    expect(problems(() => parseGatewayActions('a: &x [1]\nroutes: *x'))[0]).toMatch(/^ADMIT_GATEWAY_ACTIONS_FILE: not valid YAML: /);
    expect(problems(() => parseGatewayActions('routes: [')).length).toBe(1);
  });

  it('uses the default table when the variable is unset, and names an unreadable file', () => {
    expect(loadGatewayActions(undefined).map('GET', '/')).toEqual({ action: 'http_read', resource: '/' });
    const dir = mkdtempSync(join(tmpdir(), 'admit-gateway-'));
    try {
      const missing = join(dir, 'missing.yaml');
      expect(problems(() => loadGatewayActions(missing))).toEqual([`ADMIT_GATEWAY_ACTIONS_FILE (${missing}): cannot be read: ENOENT`]);
      const file = join(dir, 'routes.yaml');
      writeFileSync(file, 'routes:\n  - { path: "*", action: anything }\n');
      expect(loadGatewayActions(file).map('PUT', '/x')).toEqual({ action: 'anything', resource: '/x' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
