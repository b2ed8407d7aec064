import { parsedUrl, Problem } from '@admit/contracts';
import { CimdErrorCode as Code, cimdProblem, quote } from './cimd-problem';

export type ClientIdUrlCheck = { ok: true; url: URL } | { ok: false; problem: Problem };

const MAX_LENGTH = 2048;

/** A path segment that is `.` or `..`, also when spelled with `%2e`. */
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/**
 * draft-ietf-oauth-client-id-metadata-document §3: https, a path, no userinfo, no fragment, no dot
 * segments. Client ids are compared as plain strings, so Admit also refuses any URL that is not
 * already in the form the WHATWG parser would give it (`https://A.example:443/x` is not
 * `https://a.example/x`). IP-literal hosts are allowed: the draft does not forbid them, and the
 * fetcher's SSRF guard refuses the special-use ones.
 */
export function checkClientIdUrl(raw: string): ClientIdUrlCheck {
  const fail = (code: string, description: string): ClientIdUrlCheck => ({ ok: false, problem: cimdProblem(code, description) });
  if (typeof raw !== 'string') return fail(Code.UrlInvalid, 'client_id must be a string');
  if (raw.length > MAX_LENGTH) return fail(Code.UrlInvalid, `client_id is longer than ${MAX_LENGTH} characters`);
  const url = parsedUrl(raw);
  if (!url) return fail(Code.UrlInvalid, `client_id ${quote(raw)} is not an absolute URL`);
  if (url.protocol !== 'https:') return fail(Code.UrlNotHttps, `client_id must use https, not ${url.protocol}`);

  // Checked on the raw string: the parser drops an empty userinfo and resolves dot segments.
  const afterScheme = raw.slice(raw.indexOf(':') + 1).replace(/^[/\\]*/, '');
  const authority = afterScheme.split(/[/\\?#]/, 1)[0];
  if (authority.includes('@') || url.username || url.password) return fail(Code.UrlUserinfo, 'client_id must not contain userinfo');
  if (raw.includes('#')) return fail(Code.UrlFragment, 'client_id must not contain a fragment');
  const rawPath = afterScheme.slice(authority.length).split(/[?#]/, 1)[0];
  if (rawPath.split(/[/\\]/).some((segment) => DOT_SEGMENT.test(segment))) {
    return fail(Code.UrlDotSegment, 'client_id must not contain . or .. path segments');
  }
  if (url.pathname === '/') return fail(Code.UrlNoPath, 'client_id must have a path other than /');
  // `app.example.` is the same host as `app.example` in DNS, but another string: it would be another
  // client and another origin, beside every revocation and policy that names the host.
  if (url.hostname.endsWith('.')) return fail(Code.UrlTrailingDot, 'client_id must not end its host name with a dot');
  if (url.href !== raw) {
    return fail(Code.UrlNotCanonical, `client_id must be given in its canonical form ${quote(url.href)}; client ids are compared as plain strings`);
  }
  return { ok: true, url };
}
