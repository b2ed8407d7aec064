import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_ROUTES, Refusal, RequestError } from '@admit/contracts';
import { FormatRegistry, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { TypeCheck, TypeCompiler, ValueError, ValueErrorType } from '@sinclair/typebox/compiler';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { jsonObjectBody } from './json-body';

/** RFC 3339 date-time with an offset: what a `date-time` must look like before its meaning is checked. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (value) => RFC3339.test(value));

interface Checks {
  refusal: Refusal;
  body?: TSchema;
  query?: TSchema;
}

/** Each route's schemas from HTTP_ROUTES, by `METHOD /path` as Fastify spells it (`/revocations/:id`). */
const CHECKS = new Map<string, Checks>(
  HTTP_ROUTES.filter((r) => r.request || r.query).map((r) => [
    `${r.method.toUpperCase()} ${r.path.replace(/\{([A-Za-z_]+)\}/g, ':$1')}`,
    { refusal: r.refusal ?? { code: 'invalid_request' }, body: r.request, query: r.query },
  ]),
);

/** What a schema refuses first: the top-level member at fault, whether it is one the schema does not allow, and why. */
export interface SchemaFault {
  member: string;
  unknown: boolean;
  message: string;
}

const COMPILED = new WeakMap<TSchema, TypeCheck<never>>();

/**
 * The first thing `schema` refuses in `value` (a JSON body, or a parsed query string, whose values
 * are strings, or arrays for a repeated parameter), or undefined if it accepts it. Each schema is
 * compiled once; the compiled Check runs first, the error list only for a refusal (hot path).
 */
export function schemaFault(schema: TSchema, value: unknown, where: 'body' | 'query'): SchemaFault | undefined {
  let check = COMPILED.get(schema);
  if (!check) COMPILED.set(schema, (check = TypeCompiler.Compile(schema) as TypeCheck<never>));
  if (check.Check(value)) return undefined;
  const error = closestFormError(check.Errors(value).First() as ValueError, value);
  const at = error.path.slice(0, 256) || `the ${where === 'body' ? 'request' : 'query string'}`;
  const member = error.path.split('/')[1] ?? '';
  if (error.type === ValueErrorType.ObjectAdditionalProperties) {
    const known = Object.keys((error.schema as { properties?: object }).properties ?? {});
    return { member, unknown: true, message: `${at}: unknown ${where === 'body' ? 'member' : 'parameter'}; allowed: ${known.join(', ')}` };
  }
  return { member, unknown: false, message: `${at}: ${where === 'query' && Array.isArray(error.value) ? 'may be given once' : expected(error)}` };
}

/**
 * A body that fits none of a union of object shapes (one request in several forms) is refused for
 * what the form it is closest to lacks: the one sharing the most members with it, the first on a tie.
 */
function closestFormError(error: ValueError, value: unknown): ValueError {
  const members = (error.schema as { anyOf?: TSchema[] }).anyOf;
  if (error.type !== ValueErrorType.Union || error.path !== '' || typeof value !== 'object' || value === null || !members?.every((m) => m.type === 'object')) return error;
  const shared = (m: TSchema) => Object.keys(value).filter((k) => k in (m.properties ?? {})).length;
  const closest = members.reduce((best, m) => (shared(m) > shared(best) ? m : best));
  return Value.Errors(closest, value).First() ?? error;
}

/**
 * Every request is checked against the schemas of its route in HTTP_ROUTES (@admit/contracts), those
 * the OpenAPI document publishes, by this one validator compiled from them; no controller parses or
 * checks a body or query string by hand. It is a Nest interceptor rather than Fastify route schemas
 * because Fastify validates before Nest's guards run: an admin route would answer a caller without
 * a credential 400 instead of 401. A refusal carries the route's code (`refusal`: the RFC 7591 codes
 * of the OAuth routes, `ERR_REVOCATION_UNKNOWN_FIELD`, `ERR_REVOCATION_KIND_INVALID`, … of the admin ones). Bodies arrive raw
 * (http-server.ts) and are parsed here, so a body that is not a JSON object gets the same code; the
 * handler's `@Body()` is the parsed object.
 */
@Injectable()
export class RequestSchemas implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() === 'http') checkRequest(ctx.switchToHttp().getRequest<FastifyRequest>());
    return next.handle();
  }
}

/** Checks a request against its route's schemas (throwing a RequestError, a 400), and leaves the parsed body on it. */
export function checkRequest(request: FastifyRequest): void {
  const checks = CHECKS.get(`${request.method} ${request.routeOptions.url ?? ''}`);
  if (checks?.body) request.body = checked(checks.body, jsonObjectBody(request.body, checks.refusal.code), checks.refusal, 'body');
  if (checks?.query) checked(checks.query, request.query, checks.refusal, 'query');
}

function checked<T>(schema: TSchema, value: T, refusal: Refusal, where: 'body' | 'query'): T {
  const fault = schemaFault(schema, value, where);
  if (!fault) return value;
  // The code of the member at fault: `fields`, by top-level name; `unknownField` for a member the schema does not allow.
  throw new RequestError((fault.unknown ? refusal.unknownField : refusal.fields?.[fault.member]) ?? refusal.code, fault.message);
}

/** TypeBox says "Expected union value" for a choice of constants; name them instead. */
function expected(error: ValueError): string {
  const choices = (error.schema as { anyOf?: { const?: unknown }[] }).anyOf;
  if (error.type === ValueErrorType.Union && choices?.every((c) => typeof c.const === 'string')) return `must be one of ${choices.map((c) => c.const).join(', ')}`;
  return error.message;
}
