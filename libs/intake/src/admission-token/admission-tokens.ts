import { Inject, Injectable } from '@nestjs/common';
import { RegistrationDecided } from '@admit/contracts';
import { SigningKeys } from '@admit/keys';
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
}
