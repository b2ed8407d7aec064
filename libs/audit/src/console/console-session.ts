import { parsedJson } from '@admit/contracts';
import { AdminPrincipal } from '@admit/platform';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A console session lasts at most this long; signing in again starts a new one. */
export const SESSION_TTL_S = 15 * 60;
export const SESSION_COOKIE = 'admit_console';
export const CONSOLE_SESSION_KEY_FILE_VAR = 'ADMIT_CONSOLE_SESSION_KEY_FILE';
/** The file a session key is generated into, inside ADMIT_DATA_DIR (embedded mode). */
export const GENERATED_SESSION_KEY_FILE = 'console-session.key';

export interface ConsoleSession {
  /** The admin credential's name: the actor of everything done in the session. */
  name: string;
  scopes: readonly string[];
  /** Expiry, seconds since the epoch. */
  exp: number;
}

/**
 * Stateless console sessions: the cookie is `<payload>.<HMAC-SHA256>`, both base64url, signed with
 * a key every audit instance shares (ADMIT_CONSOLE_SESSION_KEY_FILE), so any instance accepts it and
 * none stores it. It carries the credential's name and scopes, never the token.
 */
export class ConsoleSessions {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new Error(`${CONSOLE_SESSION_KEY_FILE_VAR}: the key must hold at least 32 bytes`);
  }

  issue(principal: AdminPrincipal, now = Date.now()): { value: string; maxAgeS: number } {
    const payload = Buffer.from(JSON.stringify({ name: principal.name, scopes: principal.scopes, exp: Math.floor(now / 1000) + SESSION_TTL_S })).toString('base64url');
    return { value: `${payload}.${this.mac(payload)}`, maxAgeS: SESSION_TTL_S };
  }

  /** The session of a cookie value, or undefined: unsigned, altered, malformed or expired. */
  read(value: string | undefined, now = Date.now()): ConsoleSession | undefined {
    if (!value || value.length > 2048) return undefined;
    const [payload, mac, extra] = value.split('.');
    if (!payload || !mac || extra !== undefined) return undefined;
    // The MAC's text is compared, not its decoding: base64 decoding skips stray characters.
    const given = Buffer.from(mac, 'utf8');
    const expected = Buffer.from(this.mac(payload), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const s = parsedJson(Buffer.from(payload, 'base64url').toString('utf8')) as ConsoleSession | null | undefined;
    if (typeof s?.name !== 'string' || !Array.isArray(s.scopes) || typeof s.exp !== 'number') return undefined;
    return s.exp > now / 1000 ? s : undefined;
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(`admit-console-session.v1.${payload}`).digest('base64url');
  }
}

/**
 * The session key: the file's bytes (at least 32; e.g. `openssl rand -base64 48 > key`), or, in
 * embedded mode without a file, one generated into the data folder on first start (mode 0600).
 * Neither: undefined, and the console says it is not configured.
 */
export function loadConsoleSessionKey(options: { file?: string; dataDir?: string }): Buffer | undefined {
  if (options.file) return readFileSync(options.file);
  if (!options.dataDir) return undefined;
  const file = join(options.dataDir, GENERATED_SESSION_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(options.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(file);
}

/** The value of one cookie of a Cookie header. */
export function cookieOf(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** The Set-Cookie of a session: HttpOnly, SameSite=Strict, only under /console, Secure over https. */
export function sessionCookie(value: string, maxAgeS: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/console; Max-Age=${maxAgeS}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}
