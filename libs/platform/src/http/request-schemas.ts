import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_ROUTES, Refusal } from '@admit/contracts';
import { FormatRegistry, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { TypeCheck, TypeCompiler, ValueError, ValueErrorType } from '@sinclair/typebox/compiler';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { ApiError } from './api-error';
import { jsonObjectBody } from './json-body';

/** RFC 3339 date-time with an offset: what a `date-time` must look like before its meaning is checked. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (value) => RFC3339.test(value));

interface Checks {
  refusal: Refusal;
  body?: TypeCheck<never>;
  query?: TypeCheck<never>;
}

/** Each route's schemas from HTTP_ROUTES, compiled once, by `METHOD /template`. */
const CHECKS = new Map<string, Checks>(
  HTTP_ROUTES.filter((r) => r.request || r.query).map((r) => [
    `${r.method.toUpperCase()} ${r.path}`,
    {
      refusal: r.refusal ?? { code: 'invalid_request' },
      ...(r.request ? { body: TypeCompiler.Compile(r.request) as TypeCheck<never> } : {}),
      ...(r.query ? { query: TypeCompiler.Compile(r.query) as TypeCheck<never> } : {}),
    },
  ]),
);

/**
 * Every request is checked against the schemas of its route in HTTP_ROUTES (@admit/contracts), those
 * the OpenAPI document publishes, by this one validator compiled from them; no controller parses or
 * checks a body or query string by hand. It is a Nest interceptor rather than Fastify route schemas
 * because Fastify validates before Nest's guards run: an admin route would answer a caller without
 * a credential 400 instead of 401. A refusal carries the route's code (`refusal`: the RFC 7591 codes
 * of the OAuth routes, `unknown_field`, `invalid_kind`, … of the admin ones). Bodies arrive raw
 * (http-server.ts) and are parsed here, so a body that is not a JSON object gets the same code; the
 * handler's `@Body()` is the parsed object.
 */
@Injectable()
export class RequestSchemas implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = ctx.switchToHttp().getRequest<FastifyRequest>();
    const checks = ctx.getType() === 'http' ? CHECKS.get(`${request.method} ${template(request.routeOptions.url ?? '')}`) : undefined;
    if (checks?.body) request.body = checked(checks.body, jsonObjectBody(request.body, checks.refusal.code), checks.refusal);
    if (checks?.query) checked(checks.query, request.query, checks.refusal);
    return next.handle();
  }
}

function checked<T>(check: TypeCheck<never>, value: T, refusal: Refusal): T {
  if (check.Check(value)) return value;
  throw refused(refusal, memberError(check.Errors(value).First() as ValueError, value));
}

/**
 * A body that fits none of a union of object shapes (one request in several forms) is refused for
 * what the form it is closest to lacks: the one sharing the most members with it, the first on a tie.
 */
function memberError(error: ValueError, value: unknown): ValueError {
  const members = (error.schema as { anyOf?: TSchema[] }).anyOf;
  if (error.type !== ValueErrorType.Union || error.path !== '' || typeof value !== 'object' || value === null || !members?.every((m) => m.type === 'object')) return error;
  const shared = (m: TSchema) => Object.keys(value).filter((k) => k in (m.properties ?? {})).length;
  const closest = members.reduce((best, m) => (shared(m) > shared(best) ? m : best));
  return Value.Errors(closest, value).First() ?? error;
}

/** The 400 for the first thing a schema refuses, with the code of the (top-level) member at fault. */
function refused(refusal: Refusal, error: ValueError): ApiError {
  const at = error.path.slice(0, 256) || 'the request';
  if (error.type === ValueErrorType.ObjectAdditionalProperties) {
    const known = Object.keys((error.schema as { properties?: object }).properties ?? {});
    return new ApiError(400, refusal.unknownField ?? refusal.code, `${at}: unknown member; allowed: ${known.join(', ')}`);
  }
  return new ApiError(400, refusal.fields?.[error.path.split('/')[1] ?? ''] ?? refusal.code, `${at}: ${expected(error)}`);
}

/** TypeBox says "Expected union value" for a choice of constants; name them instead. */
function expected(error: ValueError): string {
  const choices = (error.schema as { anyOf?: { const?: unknown }[] }).anyOf;
  if (error.type === ValueErrorType.Union && choices?.every((c) => typeof c.const === 'string')) return `must be one of ${choices.map((c) => c.const).join(', ')}`;
  return error.message;
}

/** Fastify's `/revocations/:id` as the contract spells it: `/revocations/{id}`. */
function template(url: string): string {
  return url.replace(/:([A-Za-z_]+)/g, '{$1}');
}
