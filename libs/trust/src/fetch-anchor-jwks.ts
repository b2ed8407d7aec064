import { parsedJson } from '@admit/contracts';
import type { Fetcher } from '@admit/metadata';
import type { JSONWebKeySet } from 'jose';
import { AnchorKeysError } from './anchor-keys-error';
import { publicJwksProblem } from './public-jwks';

/** Fetches an anchor's JWKS through the injected fetcher and refuses anything but a public key set. */
export async function fetchAnchorJwks(fetcher: Fetcher, anchorId: string, uri: string, maxBytes: number): Promise<JSONWebKeySet> {
  const { body } = await fetcher.fetch(uri, { maxBytes }).catch((error: unknown) => {
    const code = (error as { code?: unknown }).code;
    throw new AnchorKeysError(anchorId, `the JWKS of anchor ${JSON.stringify(anchorId)} could not be fetched (${typeof code === 'string' ? code : 'unknown error'})`);
  });
  const jwks = parsedJson(body.toString('utf8'));
  if (jwks === undefined) throw new AnchorKeysError(anchorId, `the JWKS of anchor ${JSON.stringify(anchorId)} is not JSON`);
  const problem = publicJwksProblem(jwks);
  if (problem) throw new AnchorKeysError(anchorId, `the JWKS of anchor ${JSON.stringify(anchorId)} is refused: ${problem}`);
  return jwks as JSONWebKeySet;
}
