// Real: AdminGuard, AdminTokens (node's timingSafeEqual), parseAdminTokensYaml (yaml, Ajv) and Nest's
// Reflector. The ExecutionContext is a minimal stand-in carrying the request and the handler, as in
// admin.guard.spec.ts. Nothing else stubbed; fast-check generates the input.
import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import fc from 'fast-check';
import { ConfigError } from '../config/load-config';
import { RequestError } from '@admit/contracts';
import { errorAnswer } from '../http/http-error.filter';
import { ADMIN_SCOPES, AdminScope } from './admin-scope';
import { adminTokenEntryYaml, hashAdminToken, newAdminToken } from './admin-token';
import { AdminTokens } from './admin-tokens';
import { AdminGuard, RequireScope } from './admin.guard';
import { parseAdminTokensYaml } from './load-admin-tokens';

const RUNS = { numRuns: 300 };
const WRITER = newAdminToken();
const READER = newAdminToken();
const tokens = new AdminTokens([
  { name: 'writer', sha256: hashAdminToken(WRITER), scopes: [AdminScope.RevocationsWrite] },
  { name: 'reader', sha256: hashAdminToken(READER), scopes: [AdminScope.RevocationsRead, AdminScope.AuditRead] },
]);
const guard = new AdminGuard(tokens, new Reflector());

class Routes {
  @RequireScope(AdminScope.RevocationsWrite)
  write(): string {
    return 'written';
  }
}

function context(headers: Record<string, unknown>): ExecutionContext {
  return {
    switchToHttp: () => ({ getRequest: () => ({ headers }) }),
    getHandler: () => Routes.prototype.write,
    getClass: () => Routes,
  } as unknown as ExecutionContext;
}

type Outcome = { ok: true } | { ok: false; status: number; code: string };

function attempt(headers: Record<string, unknown>): Outcome {
  try {
    return guard.canActivate(context(headers)) ? { ok: true } : { ok: false, status: 0, code: 'returned false' };
  } catch (err) {
    // Anything but a RequestError would be a 500: rethrown, so the property fails.
    if (!(err instanceof RequestError)) throw err;
    return { ok: false, status: errorAnswer(err).status, code: err.code };
  }
}

/** The rule, stated apart from the guard: RFC 6750 `Bearer <token>`, the writer's token exactly. */
function admitted(header: unknown): boolean {
  if (typeof header !== 'string' || header.length > 4096) return false;
  const match = /^bearer +(\S+) *$/i.exec(header);
  return match !== null && match[1] === WRITER;
}

/** Near misses of a real token: one character changed, cut, extended, re-cased, padded, normalised. */
const nearMiss = (token: string) =>
  fc.oneof(
    fc.tuple(fc.nat({ max: token.length - 1 }), fc.string({ minLength: 1, maxLength: 1 })).map(([i, c]) => token.slice(0, i) + c + token.slice(i + 1)),
    fc.nat({ max: token.length - 1 }).map((i) => token.slice(0, i)),
    fc.string({ minLength: 1, maxLength: 4 }).map((s) => token + s),
    fc.constantFrom(token.toUpperCase(), token.toLowerCase(), `${token}\0`, `\u200b${token}`, token.normalize('NFKD'), token.replace(/_/, '\uff3f')),
    fc.constant(hashAdminToken(token)),
  );

const tokenLike = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(WRITER, READER) },
  { weight: 3, arbitrary: fc.constantFrom(WRITER, READER).chain(nearMiss) },
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constant('x'.repeat(5000)),
);
const authorization = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(`Bearer ${WRITER}`, `bearer  ${WRITER} `, `Bearer ${READER}`) },
  fc
    .tuple(fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', 'Token', 'Bearer:', ''), fc.constantFrom(' ', '  ', '\t', '', '\n'), tokenLike, fc.constantFrom('', ' ', '  ', '\t', ',x', ' extra'))
    .map(([scheme, gap, token, tail]) => `${scheme}${gap}${token}${tail}`),
  fc.string(),
  fc.array(fc.constantFrom(`Bearer ${WRITER}`, `Bearer ${READER}`, 'x'), { maxLength: 3 }),
  fc.anything(),
);

describe('AdminGuard and AdminTokens under hostile credentials (property)', () => {
  it('any Authorization header: lets through exactly the writer token as a Bearer, otherwise 401 invalid_token or 403 insufficient_scope', () => {
    let accepted = 0;
    fc.assert(
      fc.property(authorization, (header) => {
        const outcome = attempt(header === undefined ? {} : { authorization: header });
        expect(outcome.ok).toBe(admitted(header));
        if (outcome.ok) accepted += 1;
        else expect([{ status: 401, code: 'invalid_token' }, { status: 403, code: 'insufficient_scope' }]).toContainEqual({ status: outcome.status, code: outcome.code });
      }),
      RUNS,
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('a known token without the scope is 403, never through; the same token misspelt is 401', () => {
    fc.assert(
      fc.property(nearMiss(READER), (miss) => {
        // Trailing spaces are the header's, not the token's (RFC 6750 allows them after the b64token).
        fc.pre(![READER, WRITER].includes(miss.replace(/ +$/, '')));
        expect(attempt({ authorization: `Bearer ${READER}` })).toEqual({ ok: false, status: 403, code: 'insufficient_scope' });
        expect(attempt({ authorization: `Bearer ${miss}` })).toMatchObject({ ok: false, status: 401, code: 'invalid_token' });
      }),
      RUNS,
    );
  });

  it('authenticate answers a principal only for the exact token, never for a near miss or any other string', () => {
    fc.assert(
      fc.property(tokenLike, (candidate) => {
        const principal = tokens.authenticate(candidate);
        const expected = candidate === WRITER ? 'writer' : candidate === READER ? 'reader' : undefined;
        expect(principal?.name).toBe(expected);
      }),
      RUNS,
    );
  });
});

describe('parseAdminTokensYaml under hostile files (property)', () => {
  const entry = fc.record({
    name: fc.oneof(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/), fc.string(), fc.constantFrom('', '__proto__', 'a'.repeat(65), 'ops\nscopes: [audit:read]')),
    sha256: fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), fc.stringMatching(/^[0-9A-F]{64}$/), fc.string({ maxLength: 70 })),
    scopes: fc.oneof(fc.subarray<string>([...ADMIN_SCOPES], { minLength: 1 }), fc.array(fc.string(), { maxLength: 3 }), fc.constant<string[]>([])),
  });
  const valid = (e: { name: string; sha256: string; scopes: readonly string[] }) =>
    /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/.test(e.name) &&
    /^[0-9a-f]{64}$/.test(e.sha256) &&
    e.scopes.length > 0 &&
    e.scopes.every((s) => (ADMIN_SCOPES as readonly string[]).includes(s)) &&
    new Set(e.scopes).size === e.scopes.length;

  /** Either tokens or a ConfigError naming the variable; any other exception fails the property. */
  function parse(text: string): AdminTokens | ConfigError {
    try {
      return parseAdminTokensYaml(text);
    } catch (err) {
      if (err instanceof ConfigError) return err;
      throw err;
    }
  }

  it('arbitrary text: tokens or a ConfigError naming the variable, never anything else', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json(), fc.jsonValue().map((v) => `tokens: ${JSON.stringify(v)}`)), (text) => {
        const result = parse(text);
        if (result instanceof ConfigError) for (const problem of result.problems) expect(problem).toMatch(/^ADMIT_ADMIN_TOKENS_FILE/);
      }),
      RUNS,
    );
  });

  it('an alias expansion bomb and deep nesting are a ConfigError, not a hang or a crash', () => {
    const level = (i: number) => String.fromCharCode(97 + i);
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${level(i + 1)}: &${level(i + 1)} [*${level(i)},*${level(i)},*${level(i)}]`), 'tokens: *i'].join('\n');
    expect(parse(bomb)).toBeInstanceOf(ConfigError);
    expect(parse(`tokens: ${'['.repeat(500)}${']'.repeat(500)}`)).toBeInstanceOf(ConfigError);
  });

  it('files of near-valid entries: accepted exactly when every entry keeps the rules and names and digests are unique', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 4 }), (entries) => {
        const text = ['tokens:', ...entries.map((e) => adminTokenEntryYaml({ name: JSON.stringify(e.name), sha256: JSON.stringify(e.sha256), scopes: e.scopes.map((s) => JSON.stringify(s)) as AdminScope[] }))].join('\n');
        const result = parse(entries.length === 0 ? 'tokens: []' : text);
        const ok =
          entries.every(valid) && new Set(entries.map((e) => e.name)).size === entries.length && new Set(entries.map((e) => e.sha256)).size === entries.length;
        expect(result instanceof AdminTokens).toBe(ok);
        if (result instanceof AdminTokens) {
          accepted += 1;
          expect(result.size).toBe(entries.length);
        }
      }),
      RUNS,
    );
    expect(accepted).toBeGreaterThan(0);
  });
});
