import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { randomUUID } from 'node:crypto';
import { link, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KeysError, KeysErrorCode } from './keys-error';

/** The file embedded mode keeps its generated key in, inside ADMIT_DATA_DIR. */
export const GENERATED_KEY_FILE = 'signing-key.json';

/**
 * Makes sure `path` holds a signing key set, generating one ES256 key if it does not: written to a
 * private temporary file (0600), flushed, then linked into place, so a crash leaves either no file
 * or a whole one, and a process that lost a race to create it reads the winner's key rather than
 * replacing it. Returns whether this call generated the key.
 */
export async function ensureGeneratedKey(path: string, source: string): Promise<boolean> {
  if (await exists(path)) return false;
  const fail = (step: string, error: unknown) =>
    new KeysError(KeysErrorCode.FileUnwritable, `${source}: cannot ${step}: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}`);
  const text = await newKeySetText();
  const temporary = `${path}.${randomUUID()}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const file = await open(temporary, 'wx', 0o600);
    try {
      await file.chmod(0o600); // open()'s mode is masked by the umask, which can only narrow it; be explicit.
      await file.writeFile(text, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw fail('write the generated key', error);
  }
  try {
    await link(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    // Filesystems without hard links: rename is still atomic, only not exclusive.
    await rename(temporary, path).catch((renameError: unknown) => {
      throw fail('move the generated key into place', renameError);
    });
    return true;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

/**
 * One private key (ES256 unless `alg` says EdDSA) with its RFC 7638 thumbprint as kid, as the JSON of
 * a key set: what ADMIT_SIGNING_KEY_FILE holds (`admit keys generate` writes it).
 */
export async function newKeySetText(alg: 'ES256' | 'EdDSA' = 'ES256'): Promise<string> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return `${JSON.stringify({ keys: [{ kid, alg, use: 'sig', ...jwk }] }, null, 2)}\n`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    // Anything else (EACCES, say) surfaces when the file is read, with its own message.
    return true;
  }
}
