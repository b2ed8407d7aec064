// Real: verifySoftwareStatement, jose verification, AnchorKeys and node:crypto signing (keys generated here). Stubbed: the Fetcher (in-memory FakeFetcher, records every URL) and the clock (frozen at NOW_S).
import { createHash, KeyObject, sign as cryptoSign } from 'node:crypto';
import fc from 'fast-check';
import { StatementErrorCode } from './statement-problems';
import { FakeFetcher } from './testing/fake-fetcher';
import { anchorsFor, ISSUER, JWKS_URI, NOW_S, testKey, type TestKey } from './testing/statement-fixtures';
import { verifyHarness } from './testing/verify-harness';
import type { StatementVerification } from './verify-statement';

const CODES: readonly string[] = Object.values(StatementErrorCode);
const KID = 'anchor-1';
const TOLERANCE_S = 60;
const MAX_AGE_S = 86_400;
const MAX_BYTES = 16 * 1024;
const KEY_HEADERS = ['crit', 'jku', 'x5u', 'jwk', 'x5c'];
const ATTACKER_URL = 'https://attacker.example/jwks.json';

let anchorKey: TestKey;
let rogueKey: TestKey;

beforeAll(async () => {
  // Same kid, different key pair: a statement the rogue key signs must never verify.
  [anchorKey, rogueKey] = await Promise.all([testKey(KID), testKey(KID)]);
});

const b64url = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64url');

type Signer = 'anchor' | 'rogue' | 'empty' | 'garbage' | 'der';

/** Compact JWS over any header and claims, signed with node:crypto, so the header's alg is never consulted. */
function compact(header: unknown, claims: unknown, signer: Signer, garbage: Buffer): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  if (signer === 'empty') return `${input}.`;
  if (signer === 'garbage') return `${input}.${b64url(garbage)}`;
  const key = KeyObject.from((signer === 'rogue' ? rogueKey : anchorKey).privateKey);
  const signature = cryptoSign('sha256', Buffer.from(input), { key, dsaEncoding: signer === 'der' ? 'der' : 'ieee-p1363' });
  return `${input}.${b64url(signature)}`;
}

/** The rules a statement must keep (RFC 7591 §2.3 and the README), stated independently of jose. */
function isAcceptable(jwt: string, header: Record<string, unknown>, claims: Record<string, unknown>, signer: Signer): boolean {
  const now = NOW_S;
  const { iss, iat, exp, nbf, software_id: softwareId } = claims;
  return (
    jwt.length <= MAX_BYTES &&
    signer === 'anchor' &&
    header.alg === 'ES256' &&
    header.kid === KID &&
    KEY_HEADERS.every((name) => !(name in header)) &&
    iss === ISSUER &&
    typeof iat === 'number' &&
    typeof exp === 'number' &&
    (nbf === undefined || typeof nbf === 'number') &&
    exp > now - TOLERANCE_S &&
    (nbf === undefined || (nbf as number) <= now + TOLERANCE_S) &&
    now - iat - TOLERANCE_S <= MAX_AGE_S &&
    now - iat >= -TOLERANCE_S &&
    typeof softwareId === 'string' &&
    softwareId.length >= 1 &&
    softwareId.length <= 255 &&
    // Storable as PostgreSQL text: no NUL, and every UTF-16 surrogate paired.
    !softwareId.includes('\u0000') &&
    !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(softwareId)
  );
}

function expectWellFormed(result: StatementVerification, jwt: string): void {
  if (result.ok) {
    expect(result.evidence).toEqual({ sha256: createHash('sha256').update(jwt).digest('hex'), anchor: 'directory', kid: KID, alg: 'ES256' });
    expect(result.clientId).toMatch(/^s_[A-Za-z0-9_-]{43}$/);
    return;
  }
  expect(result.problems).toHaveLength(1);
  const [problem] = result.problems;
  expect(CODES).toContain(problem.code);
  expect(problem.error).toBe(problem.code === StatementErrorCode.IssuerUntrusted ? 'unapproved_software_statement' : 'invalid_software_statement');
  // Logs and replies never carry the statement itself.
  for (const part of jwt.split('.').filter((segment) => segment.length >= 16)) expect(problem.description).not.toContain(part.slice(0, 64));
}

// ---- generators ---------------------------------------------------------------------------------

const base64urlText = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), maxLength: 80 });
const jsonPart = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }).map((v) => b64url(JSON.stringify(v) ?? '')),
  fc.uint8Array({ maxLength: 48 }).map((b) => b64url(Buffer.from(b))),
  base64urlText,
);

const time = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: NOW_S - 2 * MAX_AGE_S, max: NOW_S + 2 * 3600 }) },
  { weight: 2, arbitrary: fc.constantFrom(-61, -60, -59, 0, 59, 60, 61).map((d) => NOW_S + d) },
  { weight: 1, arbitrary: fc.constantFrom(-MAX_AGE_S - 61, -MAX_AGE_S - 60, -MAX_AGE_S - 59).map((d) => NOW_S + d) },
  { weight: 1, arbitrary: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string(), fc.constant(null), fc.boolean()) },
);

/** Claims near a valid statement, with any of them replaced, removed or padded past the size cap. */
const claims = fc
  .record({
    base: fc.record({
      iss: fc.oneof({ weight: 6, arbitrary: fc.constant(ISSUER) }, fc.constantFrom(`${ISSUER}/`, 'https://attacker.example', ISSUER.toUpperCase()), fc.jsonValue({ maxDepth: 1 })),
      iat: fc.oneof({ weight: 3, arbitrary: fc.constant(NOW_S - 60) }, time),
      exp: fc.oneof({ weight: 3, arbitrary: fc.constant(NOW_S + 3600) }, time),
      software_id: fc.oneof(
        { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }) },
        fc.constantFrom('', 'x'.repeat(255), 'x'.repeat(256)),
        fc.jsonValue({ maxDepth: 1 }),
      ),
    }),
    nbf: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, time),
    removed: fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, fc.subarray(['iss', 'iat', 'exp', 'software_id'], { minLength: 1, maxLength: 2 })),
    extra: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('__proto__', 'aud', 'sub', 'jku', 'cnf')), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    padding: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, fc.integer({ min: 11_000, max: 13_000 })),
  })
  .map(({ base, nbf, removed, extra, padding }) => {
    const out: Record<string, unknown> = { ...extra, ...base, ...(nbf === undefined ? {} : { nbf }) };
    for (const name of removed) delete out[name];
    if (padding > 0) out.padding = 'p'.repeat(padding);
    // As the verifier will see them: JSON has no undefined and no -0.
    return JSON.parse(JSON.stringify(out)) as Record<string, unknown>;
  });

/** Every hostile header member at once; the headers below pick any subset. */
const hostileHeaderFields = fc.record({
  alg: fc.oneof(
    fc.constantFrom('ES256', 'none', 'None', 'NONE', 'nOnE', 'HS256', 'hs256', 'HS384', 'HS512', 'ES384', 'ES512', 'RS256', 'PS256', 'EdDSA', 'es256', 'ES256 ', ''),
    fc.string(),
    fc.jsonValue({ maxDepth: 1 }),
  ),
  kid: fc.oneof(fc.constant(KID), fc.constantFrom('', `${KID} `, 'ANCHOR-1'), fc.string(), fc.jsonValue({ maxDepth: 1 })),
  crit: fc.oneof(fc.constant(['b64']), fc.array(fc.string(), { maxLength: 2 }), fc.jsonValue({ maxDepth: 1 })),
  b64: fc.boolean(),
  jku: fc.oneof(fc.constant(ATTACKER_URL), fc.constant(JWKS_URI), fc.webUrl()),
  x5u: fc.oneof(fc.constant('https://attacker.example/cert.pem'), fc.webUrl()),
  jwk: fc.oneof(fc.record({ kty: fc.constant('EC'), crv: fc.constant('P-256'), x: base64urlText, y: base64urlText }), fc.jsonValue({ maxDepth: 2 })),
  x5c: fc.array(fc.base64String({ maxLength: 40 }), { maxLength: 2 }),
  typ: fc.constantFrom('JWT', 'jwt', 'software-statement+jwt', 'application/jwt'),
});
const hostileHeader = hostileHeaderFields.chain((h) => fc.subarray(Object.entries(h))).map((entries) => Object.fromEntries(entries));
/** Mostly clean headers (so acceptance is reachable), otherwise any mix of alg, kid and key-pointing headers. */
const header = fc
  .oneof(
    { weight: 3, arbitrary: fc.record({ alg: fc.constant('ES256'), kid: fc.constant(KID), typ: fc.constantFrom('JWT', 'software-statement+jwt') }, { requiredKeys: ['alg', 'kid'] }) },
    {
      weight: 3,
      arbitrary: hostileHeaderFields
        .chain((h) => fc.subarray(Object.entries(h), { minLength: 1, maxLength: 2 }))
        .map((entries) => ({ alg: 'ES256', kid: KID, ...Object.fromEntries(entries) })),
    },
    { weight: 1, arbitrary: hostileHeader },
  )
  .map((h) => JSON.parse(JSON.stringify(h)) as Record<string, unknown>);

const signer = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Signer>('anchor') },
  { weight: 1, arbitrary: fc.constantFrom<Signer>('rogue', 'empty', 'garbage', 'der') },
);
const statement = fc
  .tuple(header, claims, signer, fc.uint8Array({ minLength: 0, maxLength: 80 }))
  .map(([h, c, s, garbage]) => ({ header: h, claims: c, signer: s, jwt: compact(h, c, s, Buffer.from(garbage)) }));

// ---- properties ---------------------------------------------------------------------------------

describe('verifySoftwareStatement under hostile statements (property)', () => {
  it.each([
    ['arbitrary strings', fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.stringMatching(/^[A-Za-z0-9_.-]{0,120}$/), fc.string({ minLength: 16_000, maxLength: 17_000 }))],
    ['arbitrary three-part base64url strings', fc.tuple(jsonPart, jsonPart, fc.oneof(base64urlText, fc.constant(''))).map((parts) => parts.join('.'))],
  ])('%s never throw and are refused with a published code', async (_what, jwts) => {
    const { verify, fetcher } = verifyHarness(anchorsFor([anchorKey]));
    await fc.assert(
      fc.asyncProperty(jwts, async (jwt) => {
        const result = await verify(jwt);
        expect(result.ok).toBe(false);
        expectWellFormed(result, jwt);
      }),
      { numRuns: 150 },
    );
    expect(fetcher.calls).toEqual([]);
  });

  it('JWS with arbitrary headers and claims (inline anchor keys): accepted exactly when every rule holds', async () => {
    const { verify, fetcher } = verifyHarness(anchorsFor([anchorKey], { maxAgeS: MAX_AGE_S }));
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(statement, async ({ header: h, claims: c, signer: s, jwt }) => {
        const result = await verify(jwt);
        expectWellFormed(result, jwt);
        expect({ jwt: jwt.slice(0, 200), ok: result.ok }).toEqual({ jwt: jwt.slice(0, 200), ok: isAcceptable(jwt, h, c, s) });
        if (result.ok) accepted += 1;
      }),
      { numRuns: 150 },
    );
    expect(accepted).toBeGreaterThan(0);
    expect(fetcher.calls).toEqual([]);
  });

  it('JWS with arbitrary headers and claims (remote anchor JWKS): same verdicts, and only the anchor JWKS URL is ever fetched', async () => {
    const fetcher = new FakeFetcher().serveJson(JWKS_URI, { keys: [anchorKey.publicJwk] }).serveJson(ATTACKER_URL, { keys: [rogueKey.publicJwk] });
    const { verify } = verifyHarness(anchorsFor([], { remote: true, maxAgeS: MAX_AGE_S }), fetcher);
    await fc.assert(
      fc.asyncProperty(statement, async ({ header: h, claims: c, signer: s, jwt }) => {
        const result = await verify(jwt);
        expectWellFormed(result, jwt);
        expect(result.ok).toBe(isAcceptable(jwt, h, c, s));
        // jku / x5u (or anything else a statement names) are never fetched.
        expect(fetcher.urls().filter((url) => url !== JWKS_URI)).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });
});
