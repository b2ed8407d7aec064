// Real: checkMetadataDocument, the RFC 7591 rules it applies and TextDecoder/JSON.parse; nothing stubbed, no I/O (fast-check generates the bodies).
import { isStorableText, RegistrationError } from '@admit/contracts';
import fc from 'fast-check';
import { CimdErrorCode } from './cimd-problem';
import { checkMetadataDocument } from './document';

const RUNS = { numRuns: 200 };
const CODES: readonly string[] = [...Object.values(CimdErrorCode), ...Object.values(RegistrationError)];
const ERRORS: readonly string[] = Object.values(RegistrationError);
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
/** Controls and bidirectional formatting characters, which no human-readable field may hold. */
const UNDISPLAYABLE = /[\p{Cc}\p{Bidi_Control}\u2028\u2029]/u;
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);

/** What `{ ok: true }` must imply, from the draft (§4, §4.1) and the fetch rules in the README, checked on the raw body. */
function expectWithinRules(url: string, body: Buffer): void {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(body); // throws (fails the test) on invalid UTF-8
  const doc = JSON.parse(text) as unknown;
  expect(isObject(doc)).toBe(true);
  const d = doc as Record<string, unknown>;
  expect(d.client_id).toBe(url);
  expect(own(d, 'client_secret') || own(d, 'client_secret_expires_at')).toBe(false);
  const method = d.token_endpoint_auth_method;
  expect(typeof method === 'string' && /^client_secret_/i.test(method)).toBe(false);
  const keys = isObject(d.jwks) && Array.isArray(d.jwks.keys) ? d.jwks.keys : [];
  for (const key of keys) for (const member of PRIVATE_JWK_MEMBERS) expect(isObject(key) && own(key, member)).toBe(false);
  expect(hasProtoMember(doc)).toBe(false);
}

/** Whether any object in the document has an own `__proto__` member (iterative: documents may be deep). */
function hasProtoMember(root: unknown): boolean {
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    if (own(node, '__proto__')) return true;
    for (const child of Object.values(node)) stack.push(child);
  }
  return false;
}

function expectJudged(url: string, body: Buffer): boolean {
  const result = checkMetadataDocument(url, body);
  if (result.ok) {
    expectWithinRules(url, body);
    expect(result.metadata.client_id).toBe(url);
  } else {
    expect(result.problems.length).toBeGreaterThan(0);
    for (const problem of result.problems) {
      expect(CODES).toContain(problem.code);
      expect(ERRORS).toContain(problem.error);
      if (problem.code.startsWith('ERR_CIMD_')) expect(problem.error).toBe(RegistrationError.InvalidClientMetadata);
      expect(problem.description.length).toBeLessThanOrEqual(2048);
    }
  }
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_NAMES);
  return result.ok;
}

const url = fc
  .tuple(fc.domain(), fc.webPath().filter((p) => p.length > 1))
  .map(([h, p]) => new URL(`https://${h}${p}`).href)
  .filter((u) => !u.includes('#'));

const publicJwk = fc.record({ kty: fc.constant('EC'), crv: fc.constant('P-256'), x: fc.base64String(), y: fc.base64String(), kid: fc.string() });
const privateJwk = fc
  .tuple(publicJwk, fc.subarray(PRIVATE_JWK_MEMBERS, { minLength: 1 }), fc.string())
  .map(([key, members, value]) => ({ ...key, ...Object.fromEntries(members.map((m) => [m, value])) }));

/** A document that keeps every rule for `u`. */
const validDoc = (u: string) =>
  fc.record(
    {
      client_id: fc.constant(u),
      // Text the audit store can keep and a person can read (unstorable-metadata.spec.ts, the display rules).
      client_name: fc.string({ unit: 'binary', maxLength: 40 }).filter((name) => isStorableText(name) && !UNDISPLAYABLE.test(name)),
      redirect_uris: fc.array(fc.tuple(fc.domain(), fc.webPath()).map(([h, p]) => `https://${h}${p}`), { minLength: 1, maxLength: 2 }),
      token_endpoint_auth_method: fc.constantFrom('none', 'private_key_jwt'),
      jwks: fc.record({ keys: fc.array(publicJwk, { maxLength: 2 }) }),
      logo_uri: fc.webUrl({ validSchemes: ['https'] }),
    },
    { requiredKeys: ['client_id', 'redirect_uris'] },
  );

/** Replacements that each break a document rule, or try to sneak past one. */
const hostile = (u: string) =>
  fc.record({
    client_id: fc.oneof(
      fc.constantFrom(`${u}/`, u.toUpperCase(), `${u}#`, `${u}?`, ` ${u}`, u.replace('https:', 'http:'), u.normalize('NFD')),
      fc.string(),
      fc.jsonValue({ maxDepth: 1 }),
    ),
    client_secret: fc.jsonValue({ maxDepth: 1 }),
    client_secret_expires_at: fc.oneof(fc.integer(), fc.constant(0)),
    token_endpoint_auth_method: fc.oneof(fc.constantFrom('client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'CLIENT_SECRET_POST', 'client_secret_'), fc.string()),
    jwks: fc.oneof(fc.record({ keys: fc.array(fc.oneof(publicJwk, privateJwk), { minLength: 1, maxLength: 3 }) }), fc.jsonValue({ maxDepth: 2 })),
    redirect_uris: fc.array(fc.oneof(fc.webUrl({ withFragments: true }), fc.string()), { maxLength: 2 }),
    software_statement: fc.string(),
  });

/** Raw extras spliced into the JSON text: `__proto__` members, deep nesting, huge arrays. */
const splice = fc.oneof(
  fc.constant(''),
  fc.constantFrom('"__proto__":{"polluted":true}', '"constructor":{"prototype":{"polluted":true}}', '"x":{"__proto__":null}'),
  fc.integer({ min: 1, max: 3000 }).map((depth) => `"deep":${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.integer({ min: 0, max: 20_000 }).map((n) => `"wide":[${Array.from({ length: n }, () => '0').join(',')}]`),
);

const documentCase = url.chain((u) =>
  fc.tuple(fc.constant(u), validDoc(u), fc.oneof(fc.constant({}), hostile(u).chain((h) => fc.subarray(Object.entries(h), { maxLength: 2 })).map(Object.fromEntries)), splice),
);

describe('checkMetadataDocument under hostile documents (property)', () => {
  it('arbitrary bytes and arbitrary JSON: never throws, and every problem has a published code', () => {
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
      fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? '')),
      fc.object().map((o) => Buffer.from(JSON.stringify(o) ?? '')),
      fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }).map((s) => Buffer.from(s, 'utf16le')),
    );
    fc.assert(
      fc.property(url, body, (u, b) => {
        expectJudged(u, b);
      }),
      RUNS,
    );
  });

  it('documents near the rules: accepted only with client_id === URL and no secret or private key, and always when every rule holds', () => {
    let accepted = 0;
    fc.assert(
      fc.property(documentCase, fc.constantFrom('', '\ufeff', ' \n'), ([u, base, replaced, extra], prefix) => {
        const json = JSON.stringify({ ...base, ...replaced });
        const text = extra === '' ? json : `{${extra},${json.slice(1)}`;
        const ok = expectJudged(u, Buffer.from(prefix + text, 'utf8'));
        if (ok) accepted += 1;
        // Nothing broken, nothing spliced, no byte-order mark: the rules say yes.
        if (Object.keys(replaced).length === 0 && extra === '' && prefix !== '\ufeff') expect(ok).toBe(true);
      }),
      RUNS,
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('invalid UTF-8 anywhere in an otherwise valid document is refused', () => {
    fc.assert(
      fc.property(url.chain((u) => fc.tuple(fc.constant(u), validDoc(u))), fc.constantFrom([0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]), fc.double({ min: 0, max: 1, noNaN: true }), ([u, doc], bad, at) => {
        const json = Buffer.from(JSON.stringify(doc));
        const i = Math.floor(at * json.length);
        const body = Buffer.concat([json.subarray(0, i), Buffer.from(bad), json.subarray(i)]);
        expect(expectJudged(u, body)).toBe(false);
      }),
      RUNS,
    );
  });
});
