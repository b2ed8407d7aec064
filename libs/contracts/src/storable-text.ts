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
 * path itself is always storable. Iterative, so no nesting overflows the stack; a path is spelt
 * only for what is found, since nearly every value has nothing to report.
 */
export function unstorableTextPath(value: unknown): string | null {
  const stack: Visit[] = [{ node: value }];
  while (stack.length > 0) {
    const visit = stack.pop() as Visit;
    const { node } = visit;
    if (typeof node === 'string') {
      if (!isStorableText(node)) return pathOf(visit);
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => stack.push({ node: item, parent: visit, step: i }));
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        const at = { node: child, parent: visit, step: key };
        if (!isStorableText(key)) return pathOf(at);
        stack.push(at);
      }
    }
  }
  return null;
}

/** A node met on the way down, with the step (index or name) from its parent. */
interface Visit {
  node: unknown;
  parent?: Visit;
  step?: number | string;
}

function pathOf(visit: Visit): string {
  let path = '';
  for (let at: Visit | undefined = visit; at?.parent; at = at.parent) path = `[${typeof at.step === 'number' ? at.step : JSON.stringify(at.step)}]${path}`;
  return path;
}
