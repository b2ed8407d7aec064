import { Inject, Injectable } from '@nestjs/common';
import { RegistrationDecided } from '@admit/contracts';
import { SIGNING_ALGORITHMS, SigningKeys } from '@admit/keys';
import { createLocalJWKSet, errors, jwtVerify } from 'jose';
import { randomUUID } from 'node:crypto';
import { ADMISSION_TOKEN_TYPE, admissionClaims } from './admission-claims';

export const ADMISSION_TOKEN_OPTIONS = Symbol('ADMISSION_TOKEN_OPTIONS');
export interface AdmissionTokenOptions {
  /** The tokens' `iss`: Admit's public URL (ADMIT_ISSUER). */
  issuer: string;
}

/** Signs the admission token of an allow decision with Admit's current key. */
@Injectable()
export class AdmissionTokens {
  constructor(
    private readonly keys: SigningKeys,
    @Inject(ADMISSION_TOKEN_OPTIONS) private readonly options: AdmissionTokenOptions,
  ) {}

  /** Throws AdmissionTokenError when the decision may not have a token (see admissionClaims). */
  async issue(decided: RegistrationDecided, now = new Date()): Promise<string> {
    const claims = admissionClaims(decided, { issuer: this.options.issuer, now, jti: randomUUID() });
    return this.keys.sign(claims, ADMISSION_TOKEN_TYPE);
  }

  /**
   * Whether `token` is an unexpired admission token this Admit signed (with any key it publishes):
   * the client id it names, or why it is refused (jose's error code, never the token).
   */
  async verify(token: string, now = new Date()): Promise<{ ok: true; clientId: string } | { ok: false; description: string }> {
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet(this.keys.publicJwks()), {
        issuer: this.options.issuer,
        typ: ADMISSION_TOKEN_TYPE,
        algorithms: [...SIGNING_ALGORITHMS],
        requiredClaims: ['sub', 'exp'],
        currentDate: now,
      });
      return { ok: true, clientId: payload.sub as string };
    } catch (err) {
      return { ok: false, description: `the admission token is not valid (${err instanceof errors.JOSEError ? err.code : 'ERR_INVALID'})` };
    }
  }
}
