// Real: AdminGuard, AdminActor, Nest's Reflector and decorators, AdminTokens. The ExecutionContext is
// a minimal stand-in carrying the request and the handler, as Nest builds it for an HTTP route.
import { ExecutionContext } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { RequestError } from '@admit/contracts';
import { thrownBy } from '@admit/contracts/testing';
import { errorAnswer } from '../http/http-error.filter';
import { AdminScope } from './admin-scope';
import { hashAdminToken } from './admin-token';
import { AdminTokens } from './admin-tokens';
import { AdminActor, AdminGuard, RequireScope } from './admin.guard';

class Routes {
  @RequireScope(AdminScope.RevocationsWrite)
  write(@AdminActor() actor: string): string {
    return actor;
  }
  undeclared(): string {
    return 'open?';
  }
}

@RequireScope(AdminScope.AuditRead)
class AuditRoutes {
  read(): string {
    return 'audit';
  }
}

const tokens = new AdminTokens([
  { name: 'writer', sha256: hashAdminToken('w-token'), scopes: [AdminScope.RevocationsWrite] },
  { name: 'auditor', sha256: hashAdminToken('a-token'), scopes: [AdminScope.AuditRead] },
]);
const guard = new AdminGuard(tokens, new Reflector());

function context(request: object, cls: new () => object = Routes, handler = 'write'): ExecutionContext {
  return {
    switchToHttp: () => ({ getRequest: () => request }),
    getHandler: () => (cls.prototype as Record<string, unknown>)[handler],
    getClass: () => cls,
  } as unknown as ExecutionContext;
}

function refusal(request: object, cls?: new () => object, handler?: string): { status: number; body: unknown; headers: Record<string, string> } {
  return errorAnswer(thrownBy(RequestError, () => guard.canActivate(context(request, cls, handler))));
}

/** What @AdminActor() hands the route, read the way Nest reads it. */
function actorOf(request: object): string {
  const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, Routes, 'write') as Record<string, { factory: (data: unknown, ctx: ExecutionContext) => string }>;
  return Object.values(args)[0].factory(undefined, context(request));
}

describe('AdminGuard', () => {
  it('lets a known token with the scope through and hands the route its name', () => {
    const request = { headers: { authorization: 'Bearer w-token' } };
    expect(guard.canActivate(context(request))).toBe(true);
    expect(actorOf(request)).toBe('writer');
  });

  it('takes the scope from the class when the method names none', () => {
    expect(guard.canActivate(context({ headers: { authorization: 'bearer a-token' } }, AuditRoutes, 'read'))).toBe(true);
  });

  it.each([
    ['no Authorization header', {}, 'Bearer realm="admit"'],
    ['an empty header', { authorization: '' }, 'Bearer realm="admit"'],
  ])('answers 401 invalid_token to %s', (_what, headers, challenge) => {
    expect(refusal({ headers })).toEqual({
      status: 401,
      body: { error: 'invalid_token', error_description: 'an admin bearer token is required' },
      headers: { 'WWW-Authenticate': challenge },
    });
  });

  it.each([
    ['Basic credentials', 'Basic dzp0b2tlbg==', 'the Authorization header is not a Bearer token'],
    ['a bearer without a token', 'Bearer ', 'the Authorization header is not a Bearer token'],
    ['two tokens', 'Bearer w-token a-token', 'the Authorization header is not a Bearer token'],
    ['an oversized header', `Bearer ${'a'.repeat(5000)}`, 'the Authorization header is not a Bearer token'],
    ['an unknown token', 'Bearer w-token2', 'the admin token is not valid'],
    ['the hash instead of the token', `Bearer ${hashAdminToken('w-token')}`, 'the admin token is not valid'],
  ])('answers 401 invalid_token to %s', (_what, authorization, description) => {
    expect(refusal({ headers: { authorization } })).toEqual({
      status: 401,
      body: { error: 'invalid_token', error_description: description },
      headers: { 'WWW-Authenticate': 'Bearer realm="admit", error="invalid_token"' },
    });
  });

  it('answers 403 insufficient_scope to a known token without the scope', () => {
    expect(refusal({ headers: { authorization: 'Bearer a-token' } })).toEqual({
      status: 403,
      body: { error: 'insufficient_scope', error_description: 'the admin token lacks the scope revocations:write' },
      headers: { 'WWW-Authenticate': 'Bearer realm="admit", error="insufficient_scope", scope="revocations:write"' },
    });
  });

  it('refuses a route that declares no scope, whoever asks', () => {
    expect(refusal({ headers: { authorization: 'Bearer w-token' } }, Routes, 'undeclared').status).toBe(403);
  });

  it('refuses every token when none are configured', () => {
    const closed = new AdminGuard(AdminTokens.none(), new Reflector());
    expect(() => closed.canActivate(context({ headers: { authorization: 'Bearer w-token' } }))).toThrow(RequestError);
  });

  it('gives no actor to a request the guard did not pass', () => {
    expect(() => actorOf({ headers: { authorization: 'Bearer w-token' } })).toThrow(RequestError);
  });
});
