/** What `run` returns, or undefined where it throws (for parsers that throw on what they refuse). */
export function orUndefined<T>(run: () => T): T | undefined {
  try {
    return run();
  } catch {
    return undefined;
  }
}

/**
 * `raw` as an absolute URL, or undefined where `new URL(raw)` throws. Not `URL.canParse`: on Node 20
 * it answers false for a URL with non-ASCII characters once V8 has optimised the call.
 */
export function parsedUrl(raw: string): URL | undefined {
  return orUndefined(() => new URL(raw));
}

/** `text` parsed as JSON, or undefined where it is not JSON (no JSON text parses to undefined). */
export function parsedJson(text: string): unknown {
  return orUndefined(() => JSON.parse(text) as unknown);
}
