import { CompactSign, compactVerify, importJWK, JWK, JWTPayload, SignJWT } from 'jose';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureGeneratedKey, GENERATED_KEY_FILE } from './generated-key';
import { KeysError, KeysErrorCode } from './keys-error';
import { SigningJwk, parseSigningJwks } from './signing-jwks';

export const SIGNING_KEY_FILE_VAR = 'ADMIT_SIGNING_KEY_FILE';
export const DATA_DIR_VAR = 'ADMIT_DATA_DIR';

export interface SigningKeysOptions {
  /** ADMIT_SIGNING_KEY_FILE: a JSON JWK Set of private keys, each with a kid. Wins over dataDir. */
  file?: string;
  /** Embedded mode only: where a key is generated on first start and reused after. */
  dataDir?: string;
  /**
   * For a key set other than Admit's signing keys (the audit checkpoint key): the variable that
   * names its file, used in messages, and the file generated in dataDir. Default: the signing key's.
   */
  purpose?: { fileVar: string; generatedFile: string };
}

// CryptoKey is a global in Node 20 but not in this project's `lib`; jose's own signature names it.
type PrivateKey = Parameters<SignJWT['sign']>[0];

/**
 * Admit's own signing keys. The first key of the set signs; every key's public part is published, so
 * a key can be rotated in (prepend it) while tokens signed by the old one (kept after it) still
 * verify until they expire. Private keys stay inside: imported non-extractable, never returned.
 */
export class SigningKeys {
  readonly kid: string;
  readonly alg: string;

  private constructor(
    private readonly keys: readonly SigningJwk[],
    private readonly signingKey: PrivateKey,
  ) {
    this.kid = keys[0].kid;
    this.alg = keys[0].alg;
  }

  /**
   * file: ADMIT_SIGNING_KEY_FILE, a JSON JWKS of private JWKs each with a kid; the FIRST key signs,
   * every key's public part is published (rotation: prepend the new key, keep the old one until
   * tokens it signed expire). dataDir: embedded mode only - when no file is given, generate an ES256
   * key on first start into `<dataDir>/signing-key.json` (mode 0600, atomically) and reuse it after.
   */
  static async load(options: SigningKeysOptions): Promise<SigningKeys> {
    const { fileVar, generatedFile } = options.purpose ?? { fileVar: SIGNING_KEY_FILE_VAR, generatedFile: GENERATED_KEY_FILE };
    if (options.file) return SigningKeys.fromFile(options.file, `${fileVar} (${options.file})`);
    if (options.dataDir) {
      const path = join(options.dataDir, generatedFile);
      const what = options.purpose ? generatedFile : 'signing key';
      const source = `the generated ${what} in ${DATA_DIR_VAR} (${path})`;
      await ensureGeneratedKey(path, source);
      return SigningKeys.fromFile(path, source);
    }
    throw new KeysError(KeysErrorCode.NoSource, `no signing key: set ${fileVar}`);
  }

  private static async fromFile(path: string, source: string): Promise<SigningKeys> {
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new KeysError(KeysErrorCode.FileUnreadable, `${source}: cannot be read: ${error.code ?? 'unknown error'}`);
    });
    const keys = parseSigningJwks(text, source);
    const privateKeys = await Promise.all(keys.map((key, index) => importChecked(key, `${source}: keys[${index}] (kid ${JSON.stringify(key.kid.slice(0, 64))})`)));
    // Only the signing key is kept; the others are there to be published.
    return new SigningKeys(keys, privateKeys[0]);
  }

  /** The public parts of every key, signing key first: what `/.well-known/jwks.json` serves. */
  publicJwks(): { keys: JWK[] } {
    return { keys: this.keys.map((key) => ({ ...key.publicJwk })) };
  }

  /** A JWT over `payload`, protected header `{ alg, kid, typ }`, signed by the first key. */
  async sign(payload: JWTPayload, typ: string): Promise<string> {
    return new SignJWT(payload).setProtectedHeader({ alg: this.alg, kid: this.kid, typ }).sign(this.signingKey);
  }

  /** A compact JWS over `payload` taken as bytes (not a JWT), protected header `{ alg, kid, typ }`, signed by the first key. */
  async signBytes(payload: Uint8Array, typ: string): Promise<string> {
    return new CompactSign(payload).setProtectedHeader({ alg: this.alg, kid: this.kid, typ }).sign(this.signingKey);
  }
}

/**
 * Imports a key and proves its private part signs what its public part verifies: a file whose
 * halves do not match would otherwise start fine and issue tokens nobody can verify.
 */
async function importChecked(key: SigningJwk, label: string): Promise<PrivateKey> {
  const invalid = () => new KeysError(KeysErrorCode.InvalidKey, `${label}: the key material is malformed, or its private part does not match its public part`);
  try {
    const privateKey = (await importJWK(key.privateJwk, key.alg, { extractable: false })) as PrivateKey;
    const publicKey = await importJWK(key.publicJwk, key.alg);
    const probe = new TextEncoder().encode('admit signing key check');
    const signed = await new CompactSign(probe).setProtectedHeader({ alg: key.alg }).sign(privateKey);
    await compactVerify(signed, publicKey, { algorithms: [key.alg] });
    return privateKey;
  } catch {
    // jose's messages are safe, but "malformed" is all an operator can act on; no key material either way.
    throw invalid();
  }
}
