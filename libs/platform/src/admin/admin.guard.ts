import { CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RequestError } from '@admit/contracts';
import { AdminScope } from './admin-scope';
import { AdminPrincipal, AdminTokens } from './admin-tokens';

const SCOPE = 'admit:admin-scope';
const REALM = 'Bearer realm="admit"';
/** RFC 6750 §2.1: `Bearer` and a b64token; anything else is no credential at all. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const MAX_HEADER = 4096;

/** Who the guard let through, per request; never the token. */
const principals = new WeakMap<object, AdminPrincipal>();

/** The scope an admin route (or every route of a controller) requires. */
export const RequireScope = (scope: AdminScope): MethodDecorator & ClassDecorator => SetMetadata(SCOPE, scope);

/** The admin credential's name, for the `actor` of what the request does. Only on guarded routes. */
export const AdminActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  const principal = principals.get(ctx.switchToHttp().getRequest<object>());
  // Unreachable behind AdminGuard; a route without it must not act as nobody.
  if (!principal) throw new RequestError('invalid_token', 'admin credential required', { headers: { 'WWW-Authenticate': REALM } });
  return principal.name;
});

/**
 * Admin routes: a known bearer token (401 `invalid_token` otherwise, with `WWW-Authenticate`) that
 * carries the route's scope (403 `insufficient_scope` otherwise). A route that names no scope is
 * refused too: forgetting `@RequireScope` must not open it.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(
    private readonly tokens: AdminTokens,
    private readonly reflector: Reflector,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    const request = ctx.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
    const header = request.headers.authorization;
    if (typeof header !== 'string' || header.length === 0) {
      throw new RequestError('invalid_token', 'an admin bearer token is required', { headers: { 'WWW-Authenticate': REALM } });
    }
    const token = header.length <= MAX_HEADER ? BEARER.exec(header)?.[1] : undefined;
    const principal = token === undefined ? undefined : this.tokens.authenticate(token);
    if (!principal) {
      const description = token === undefined ? 'the Authorization header is not a Bearer token' : 'the admin token is not valid';
      throw new RequestError('invalid_token', description, { headers: { 'WWW-Authenticate': `${REALM}, error="invalid_token"` } });
    }
    const scope = this.reflector.getAllAndOverride<AdminScope | undefined>(SCOPE, [ctx.getHandler(), ctx.getClass()]);
    if (scope === undefined || !principal.scopes.includes(scope)) {
      const needed = scope ?? 'a declared scope';
      throw new RequestError('insufficient_scope', `the admin token lacks the scope ${needed}`, {
        headers: { 'WWW-Authenticate': `${REALM}, error="insufficient_scope"${scope ? `, scope="${scope}"` : ''}` },
      });
    }
    principals.set(request, principal);
    return true;
  }
}
