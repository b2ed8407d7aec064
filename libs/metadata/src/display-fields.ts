import { parsedUrl, Problem, RegistrationError } from '@admit/contracts';

/**
 * Fields an authorization server shows to people, on consent screens and in consoles. Each may come
 * in language-tagged variants (`client_name#fr`, RFC 7591 §2.2), which are held to the same rules.
 */
const TEXT_FIELDS = new Set(['client_name', 'software_id', 'software_version']);
/** Links a person may follow: anything but https (`javascript:`, `data:`, `http:`) is refused. */
const LINK_FIELDS = new Set(['client_uri', 'logo_uri', 'tos_uri', 'policy_uri']);

/**
 * C0 and C1 controls, the bidirectional formatting characters (U+061C, U+200E/F, U+202A-E,
 * U+2066-9) and the line and paragraph separators: they let a name display as something else,
 * e.g. "Acme" followed by a right-to-left override that turns "moc.live" into "evil.com".
 */
const UNDISPLAYABLE = /[\p{Cc}\p{Bidi_Control}\u2028\u2029]/u;

const LANGUAGE_TAG = /^[A-Za-z0-9-]{1,35}$/;

/** Why each human-readable field cannot be shown as it is, or none. */
export function displayFieldProblems(metadata: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  const fail = (description: string) => problems.push({ code: RegistrationError.InvalidClientMetadata, description });
  for (const [name, value] of Object.entries(metadata)) {
    const base = name.split('#', 1)[0];
    if (!TEXT_FIELDS.has(base) && !LINK_FIELDS.has(base)) continue;
    // The tag is the sender's text too: it is named only when it is a plain language tag.
    const shown = base === name ? name : LANGUAGE_TAG.test(name.slice(base.length + 1)) ? name : `${base}#<tag>`;
    if (typeof value !== 'string') {
      // The schema already names an untagged field that is not a string.
      if (base !== name) fail(`${shown} must be a string`);
      continue;
    }
    const bad = UNDISPLAYABLE.exec(value);
    if (bad) {
      fail(`${shown} contains the control or bidirectional formatting character ${codePoint(bad[0])}`);
      continue;
    }
    if (LINK_FIELDS.has(base) && !isHttpsUrl(value)) fail(`${shown} must be an https URL`);
  }
  if (Array.isArray(metadata.contacts)) {
    for (const contact of metadata.contacts) {
      const bad = typeof contact === 'string' ? UNDISPLAYABLE.exec(contact) : null;
      if (bad) fail(`contacts contains the control or bidirectional formatting character ${codePoint(bad[0])}`);
    }
  }
  return problems;
}

function isHttpsUrl(value: string): boolean {
  return parsedUrl(value)?.protocol === 'https:';
}

function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}
