/**
 * Text PostgreSQL cannot keep: a NUL character (no `text` or `jsonb` value may hold one) or a lone
 * UTF-16 surrogate (half of a pair, which no UTF-8 database can encode). An event holding either
 * would pass its schema yet never reach the audit store, so the contracts refuse both.
 */
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// eslint-disable-next-line no-control-regex
const UNSTORABLE_ALL = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/** The text with each unstorable character replaced by U+FFFD, for text Admit only reports (dead letters). */
export function storableText(text: string): string {
  return text.replace(UNSTORABLE_ALL, '\ufffd');
}

/**
 * Where the first string or property name in `value` that PostgreSQL cannot keep is, as a path such
 * as `["jwks"]["keys"][0]`, or null when there is none. Names in the path are JSON-escaped, so the
 * path itself is always storable. Iterative, so no nesting overflows the stack.
 */
export function unstorableTextPath(value: unknown): string | null {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [node, path] = stack.pop() as [unknown, string];
    if (typeof node === 'string') {
      if (!isStorableText(node)) return path;
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => stack.push([item, `${path}[${i}]`]));
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        const at = `${path}[${JSON.stringify(key)}]`;
        if (!isStorableText(key)) return at;
        stack.push([child, at]);
      }
    }
  }
  return null;
}
