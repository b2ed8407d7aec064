/**
 * `raw` as an absolute URL, or undefined where `new URL(raw)` throws. Not `URL.canParse`: on Node 20
 * it answers false for a URL with non-ASCII characters once V8 has optimised the call.
 */
export function parsedUrl(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}
