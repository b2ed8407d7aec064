import { ClientMetadata, parsedJson, Problem } from '@admit/contracts';
import { checkClientMetadata } from '../client-metadata-rules';
import { isSecretAuthMethod, nonPublicJwkMembers } from '../secrets';
import { CimdErrorCode as Code, cimdProblem, quote } from './cimd-problem';

export type CimdMetadata = ClientMetadata & { client_id: string };
export type DocumentCheck = { ok: true; metadata: CimdMetadata } | { ok: false; problems: Problem[] };

/** Real documents nest three or four levels (jwks.keys[].x5c[]); deeper is a parser stress test. */
const MAX_DEPTH = 10;
const SECRET_FIELDS = ['client_secret', 'client_secret_expires_at'];

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The body as a JSON object, or the one problem that stops reading it. */
function parse(body: Buffer): { ok: true; doc: Json } | { ok: false; problem: Problem } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return { ok: false, problem: cimdProblem(Code.DocumentNotUtf8, 'the document is not UTF-8') };
  }
  const doc = parsedJson(text);
  if (doc === undefined) return { ok: false, problem: cimdProblem(Code.DocumentNotJson, 'the document is not JSON') };
  if (!isObject(doc)) return { ok: false, problem: cimdProblem(Code.DocumentNotObject, 'the document must be a JSON object') };
  const stack: Array<[unknown, number]> = [[doc, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_DEPTH) return { ok: false, problem: cimdProblem(Code.DocumentTooDeep, `the document nests deeper than ${MAX_DEPTH} levels`) };
    // JSON.parse makes `__proto__` an own property; later spreads and merges must never meet one.
    if (Object.prototype.hasOwnProperty.call(value, '__proto__')) {
      return { ok: false, problem: cimdProblem(Code.DocumentForbiddenKey, 'the document must not contain a __proto__ member') };
    }
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return { ok: true, doc };
}

const isPrivateJwk = (key: unknown) => nonPublicJwkMembers(key).length > 0;

/**
 * A fetched Client ID Metadata Document, checked against the draft (§4, §4.1) and then against the
 * RFC 7591 rules every registration meets. Unknown fields are kept: real clients publish them.
 */
export function checkMetadataDocument(url: string, body: Buffer): DocumentCheck {
  const parsed = parse(body);
  if (!parsed.ok) return { ok: false, problems: [parsed.problem] };
  const doc = parsed.doc;
  const problems: Problem[] = [];

  if (typeof doc.client_id !== 'string') {
    problems.push(cimdProblem(Code.ClientIdMissing, 'the document must contain client_id as a string'));
  } else if (doc.client_id !== url) {
    problems.push(cimdProblem(Code.ClientIdMismatch, `client_id ${quote(doc.client_id)} is not the URL fetched, ${quote(url)}`));
  }
  const secrets = SECRET_FIELDS.filter((field) => field in doc);
  if (secrets.length > 0) problems.push(cimdProblem(Code.ClientSecret, `the document must not contain ${secrets.join(' or ')}`));
  const method = doc.token_endpoint_auth_method;
  if (isSecretAuthMethod(method)) {
    problems.push(cimdProblem(Code.SecretAuthMethod, `token_endpoint_auth_method ${quote(method)} needs a shared secret, which a metadata document cannot carry`));
  }
  const keys = isObject(doc.jwks) && Array.isArray(doc.jwks.keys) ? doc.jwks.keys : [];
  if (keys.some(isPrivateJwk)) problems.push(cimdProblem(Code.PrivateKey, 'jwks must hold public keys only; it contains private or symmetric key material'));

  // The generic rules would report the same secrets and keys again; the findings above are more precise.
  const rest: Json = { ...doc };
  for (const field of SECRET_FIELDS) delete rest[field];
  if (isSecretAuthMethod(method)) delete rest.token_endpoint_auth_method;
  if (isObject(doc.jwks) && keys.some(isPrivateJwk)) {
    rest.jwks = { ...doc.jwks, keys: keys.map((key) => (isPrivateJwk(key) ? withoutPrivateMembers(key as Json) : key)) };
  }
  const generic = checkClientMetadata(rest);
  if (!generic.ok) problems.push(...generic.errors.map((e) => ({ ...e, error: e.error ?? e.code })));

  if (problems.length > 0 || !generic.ok) return { ok: false, problems };
  return { ok: true, metadata: generic.metadata as CimdMetadata };
}

function withoutPrivateMembers(key: Json): Json {
  const copy = { ...key };
  for (const member of nonPublicJwkMembers(key)) delete copy[member];
  return copy;
}
