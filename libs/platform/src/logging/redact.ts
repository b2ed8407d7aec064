/**
 * Log lines never carry a credential or key material. Structured fields are redacted
 * by name; free text (messages, error stacks that quote input) is scrubbed by shape, because a
 * message built from a library's error can quote a token no field name announces.
 */

/** Field names whose values are secret wherever they appear in a logged object. */
export const SECRET_FIELDS = [
  'authorization',
  'cookie',
  'software_statement',
  'client_assertion',
  'client_secret',
  'admission',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'password',
] as const;

/** pino `redact` paths for those fields, at the top level and one level down. */
export const REDACT_PATHS = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.headers.${f}`]);

export const REDACTED = '[redacted]';

const SHAPES: [RegExp, string][] = [
  // Compact JWS / JWT (statements, assertions, admission tokens): base64url JSON header, payload, signature.
  [/eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g, REDACTED],
  // Admit's admin tokens.
  [/admit_[A-Za-z0-9_-]{20,}/g, REDACTED],
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED],
  // Secret-named JSON members quoted in text, and the private members of a JWK ("d", "p", "q", …, "k").
  [
    new RegExp(`"(${[...SECRET_FIELDS, 'd', 'p', 'q', 'dp', 'dq', 'qi', 'k'].join('|')})"\\s*:\\s*"(?:[^"\\\\]|\\\\.)*"`, 'g'),
    `"$1":"${REDACTED}"`,
  ],
];

/** `text` with every credential-shaped part replaced. */
export function scrub(text: string): string {
  let out = text;
  for (const [shape, replacement] of SHAPES) out = out.replace(shape, replacement);
  return out;
}
