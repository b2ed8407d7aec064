import { Type } from '@sinclair/typebox';

/** Admit's public URL, read by intake and the validator. */
export const issuerConfig = {
  /**
   * Admit's public URL: the admission token's `iss` (and the `aud` client assertions will have to
   * name), and the `aud` every JWT-SVID presented to Admit must name. Intake (and embedded mode)
   * without it: derived from ADMIT_HTTP_HOST and ADMIT_HTTP_PORT, which suits local use only. The
   * validator requires it with a `type: spiffe` anchor.
   */
  ADMIT_ISSUER: Type.Optional(Type.String({ pattern: '^https?://[^\\s?#]+$', maxLength: 2048 })),
};

const LOCAL_HOSTS = new Set(['127.0.0.1', '::1', '0.0.0.0', '::', 'localhost']);

/** ADMIT_ISSUER, or `http://localhost:<port>` (or the bound host) when it is unset. */
export function issuerOf(config: { ADMIT_ISSUER?: string; ADMIT_HTTP_HOST: string; ADMIT_HTTP_PORT: number }): string {
  if (config.ADMIT_ISSUER) return config.ADMIT_ISSUER;
  const host = LOCAL_HOSTS.has(config.ADMIT_HTTP_HOST) ? 'localhost' : config.ADMIT_HTTP_HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.ADMIT_HTTP_PORT}`;
}
