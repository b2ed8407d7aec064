import { CodedError } from '@admit/contracts';

/** Why a signing key set was refused. Stable codes: callers and tests match on them, not on messages. */
export const KeysErrorCode = {
  /** Neither a key file nor a data folder to keep a generated key in. */
  NoSource: 'ERR_KEYS_NO_SOURCE',
  FileUnreadable: 'ERR_KEYS_FILE_UNREADABLE',
  /** Embedded mode could not keep its generated key in the data folder. */
  FileUnwritable: 'ERR_KEYS_FILE_UNWRITABLE',
  /** Not JSON, not `{ "keys": [...] }`, an empty `keys`, or a key that is not a JSON object. */
  NotJwks: 'ERR_KEYS_NOT_JWKS',
  MissingKid: 'ERR_KEYS_MISSING_KID',
  DuplicateKid: 'ERR_KEYS_DUPLICATE_KID',
  /** `kty: oct`: a shared secret would let every verifier forge tokens. */
  SymmetricKey: 'ERR_KEYS_SYMMETRIC_KEY',
  /** A key without its private part cannot sign, and the file is where private keys live. */
  PublicOnlyKey: 'ERR_KEYS_PUBLIC_ONLY_KEY',
  /** An algorithm other than ES256, EdDSA, RS256 or PS256, or one that does not fit the key type. */
  UnsupportedAlgorithm: 'ERR_KEYS_UNSUPPORTED_ALG',
  /** An RSA key under 2048 bits. */
  WeakKey: 'ERR_KEYS_WEAK_KEY',
  /** `use` other than `sig`, or `key_ops` without `sign`. */
  NotForSigning: 'ERR_KEYS_NOT_FOR_SIGNING',
  /** Malformed key material, or a private part that does not match its public part. */
  InvalidKey: 'ERR_KEYS_INVALID_KEY',
} as const;
export type KeysErrorCode = (typeof KeysErrorCode)[keyof typeof KeysErrorCode];

/** A refused key set. The message names the source and the key (by kid or index), never key material. */
export class KeysError extends CodedError<KeysErrorCode> {}
