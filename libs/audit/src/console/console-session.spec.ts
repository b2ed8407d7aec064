import { randomBytes } from 'node:crypto';
import { ConsoleSessions, cookieOf, SESSION_TTL_S, sessionCookie } from './console-session';

const key = randomBytes(48);
const sessions = new ConsoleSessions(key);
const auditor = { name: 'auditor', scopes: ['audit:read' as const] };
const NOW = Date.parse('2026-03-02T10:00:00Z');

describe('console sessions', () => {
  it('reads back what it issued, until 15 minutes have passed', () => {
    const { value, maxAgeS } = sessions.issue(auditor, NOW);
    expect(maxAgeS).toBe(SESSION_TTL_S);
    expect(SESSION_TTL_S).toBe(900);
    expect(sessions.read(value, NOW + 899_000)).toEqual({ name: 'auditor', scopes: ['audit:read'], exp: NOW / 1000 + 900 });
    expect(sessions.read(value, NOW + 900_000)).toBeUndefined();
  });

  it('is accepted by another instance with the same key, and by none with another key', () => {
    const { value } = sessions.issue(auditor, NOW);
    expect(new ConsoleSessions(Buffer.from(key)).read(value, NOW)?.name).toBe('auditor');
    expect(new ConsoleSessions(randomBytes(48)).read(value, NOW)).toBeUndefined();
  });

  it('refuses an altered payload or signature, and anything malformed', () => {
    const { value } = sessions.issue(auditor, NOW);
    const [payload, mac] = value.split('.');
    const forged = Buffer.from(JSON.stringify({ name: 'admin', scopes: ['audit:read', 'revocations:write'], exp: NOW / 1000 + 10_000 })).toString('base64url');
    for (const bad of [`${forged}.${mac}`, `${payload}.${mac.slice(0, -2)}AA`, `${payload}.`, payload, `${value}.x`, '', 'x'.repeat(5000), `${payload}.${mac}\u0000`]) {
      expect(sessions.read(bad, NOW)).toBeUndefined();
    }
    expect(sessions.read(undefined, NOW)).toBeUndefined();
  });

  it('needs a key of at least 32 bytes', () => {
    expect(() => new ConsoleSessions(randomBytes(31))).toThrow('ADMIT_CONSOLE_SESSION_KEY_FILE: the key must hold at least 32 bytes');
  });

  it('sets an HttpOnly, SameSite=Strict cookie under /console, Secure over https, and finds it in a Cookie header', () => {
    expect(sessionCookie('v', 900, false)).toBe('admit_console=v; Path=/console; Max-Age=900; HttpOnly; SameSite=Strict');
    expect(sessionCookie('v', 900, true)).toBe('admit_console=v; Path=/console; Max-Age=900; HttpOnly; SameSite=Strict; Secure');
    expect(cookieOf('a=1; admit_console=abc.def; b=2', 'admit_console')).toBe('abc.def');
    expect(cookieOf('xadmit_console=1', 'admit_console')).toBeUndefined();
    expect(cookieOf(undefined, 'admit_console')).toBeUndefined();
  });
});
