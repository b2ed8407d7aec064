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

/** `text` parsed as JSON, or undefined where it is not JSON (no JSON text parses to undefined). */
export function parsedJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
