import { Fetcher, keyThumbprints } from '@admit/metadata';

const MAX_JWKS_BYTES = 64 * 1024;
/** The most thumbprints an event carries (its contract's limit). */
const MAX_JKTS = 64;

/**
 * The RFC 7638 thumbprints of a client's keys, recorded at validation so a `jkt` revocation finds the
 * client: its inline `jwks`, or the keys its `jwks_uri` serves now, fetched through the SSRF guard.
 * A key set that cannot be fetched gives no thumbprints; client assertions still refuse a revoked key
 * when they fetch the keys themselves.
 */
export class ClientKeyThumbprints {
  constructor(private readonly fetcher: Fetcher) {}

  async of(metadata: { jwks?: unknown; jwks_uri?: unknown }): Promise<string[]> {
    if (metadata.jwks !== undefined) return (await keyThumbprints(metadata.jwks)).slice(0, MAX_JKTS);
    if (typeof metadata.jwks_uri !== 'string') return [];
    try {
      const response = await this.fetcher.fetch(metadata.jwks_uri, { maxBytes: MAX_JWKS_BYTES });
      return (await keyThumbprints(JSON.parse(response.body.toString('utf8')))).slice(0, MAX_JKTS);
    } catch {
      return [];
    }
  }
}
