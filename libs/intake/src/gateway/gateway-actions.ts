import { compileShape } from '@admit/contracts';
import { ConfigError, parseConfigYaml, readConfigFile } from '@admit/platform';
import { Static, Type } from '@sinclair/typebox';

export const GATEWAY_ACTIONS_FILE_VAR = 'ADMIT_GATEWAY_ACTIONS_FILE';

/** The gateway variable, shared by the intake app and embedded mode. */
export const gatewayConfig = {
  /** The table mapping a gateway's original method and path to a Cedar action (YAML); unset: DEFAULT_GATEWAY_ROUTES. */
  ADMIT_GATEWAY_ACTIONS_FILE: Type.Optional(Type.String({ minLength: 1 })),
};

const GatewayRoute = Type.Object(
  {
    /** Upper-case HTTP methods; absent: any method. */
    methods: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Z]{1,16}$' }), { minItems: 1, maxItems: 16, uniqueItems: true })),
    /** An exact path, or a prefix when it ends with `*` (`/admin/*`, or `*` for every path). */
    path: Type.String({ minLength: 1, maxLength: 1024, pattern: '^(\\*|/[^*?#\\s]*\\*?)$' }),
    /** The Cedar action (a member of Admit::Action::"access"), as an access check names it. */
    action: Type.String({ minLength: 1, maxLength: 256, pattern: '^[^\\u0000-\\u001f]+$' }),
    sensitivity: Type.Optional(Type.Unsafe<'normal' | 'sensitive'>({ type: 'string', enum: ['normal', 'sensitive'] })),
  },
  { additionalProperties: false },
);
const GatewayTable = Type.Object({ routes: Type.Array(GatewayRoute, { minItems: 1, maxItems: 1024 }) }, { additionalProperties: false });

export type GatewayRoute = Static<typeof GatewayRoute>;

/** Without a file: reads are `http_read`, anything else `http_write`, every path, normal sensitivity. */
export const DEFAULT_GATEWAY_ROUTES: GatewayRoute[] = [
  { methods: ['GET', 'HEAD', 'OPTIONS'], path: '*', action: 'http_read' },
  { path: '*', action: 'http_write' },
];

const checkShape = compileShape<Static<typeof GatewayTable>>(GatewayTable);

/** What a gateway request is checked as. */
export interface GatewayAction {
  action: string;
  /** The original path, without its query: the access check's resource. */
  resource: string;
  sensitivity?: 'normal' | 'sensitive';
}

/**
 * The table from original method and path to a Cedar action: the first route that matches wins. A
 * path that could be read two ways (dot segments, `//`, encoded slashes, dots or backslashes, control
 * characters) matches nothing: a gateway and Admit must never disagree on which route a request took.
 */
export class GatewayActions {
  constructor(readonly routes: readonly GatewayRoute[] = DEFAULT_GATEWAY_ROUTES) {}

  /** The action for `method` on `uri` (a path with an optional query), or a reason it has none. */
  map(method: string, uri: string): GatewayAction | { refused: string } {
    const path = uri.split('?', 1)[0];
    const problem = pathProblem(path);
    if (problem) return { refused: problem };
    const route = this.routes.find((r) => (r.methods === undefined || r.methods.includes(method)) && matches(r.path, path));
    if (!route) return { refused: `no gateway route maps ${method} ${path.slice(0, 256)}` };
    return { action: route.action, resource: path, ...(route.sensitivity === undefined ? {} : { sensitivity: route.sensitivity }) };
  }
}

function matches(pattern: string, path: string): boolean {
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern;
}

function pathProblem(path: string): string | undefined {
  if (!path.startsWith('/') || path.length > 2048) return 'the original URI must be a path of at most 2048 characters';
  // Control characters, spaces and non-ASCII never reach here from a conforming gateway (they arrive percent-encoded).
  if (!/^[\x21-\x7e]+$/.test(path)) return 'the original URI holds a character that must be percent-encoded';
  if (/%(2f|2e|5c|00)|\\|\/\/|\/\.\.?(\/|$)/i.test(path)) return 'the original URI holds a dot segment, an empty segment, or an encoded slash, dot or backslash';
  return undefined;
}

/**
 * The table named by ADMIT_GATEWAY_ACTIONS_FILE, or the default when it is unset. A file that cannot
 * be read or is invalid stops the start with a ConfigError naming the variable and the route.
 */
export function loadGatewayActions(path: string | undefined): GatewayActions {
  if (path === undefined || path === '') return new GatewayActions();
  const source = `${GATEWAY_ACTIONS_FILE_VAR} (${path})`;
  return parseGatewayActions(readConfigFile(path, source), source);
}

export function parseGatewayActions(text: string, source = GATEWAY_ACTIONS_FILE_VAR): GatewayActions {
  const input = parseConfigYaml(text, source);
  if (!checkShape(input)) {
    throw new ConfigError(
      (checkShape.errors ?? []).map((e) => {
        const where = e.instancePath.replace(/^\//, '').replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.') || 'document';
        const params = e.params as { missingProperty?: string; additionalProperty?: string; allowedValues?: unknown[] };
        if (params.additionalProperty) return `${source}: ${where} field ${params.additionalProperty}: is not a known field`;
        if (params.missingProperty) return `${source}: ${where} field ${params.missingProperty}: is required`;
        const allowed = params.allowedValues ? ` (${params.allowedValues.join(', ')})` : '';
        return `${source}: ${where}: ${e.message ?? 'is invalid'}${allowed}`;
      }),
    );
  }
  return new GatewayActions(input.routes);
}
