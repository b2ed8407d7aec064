import { Controller, Get, Header } from '@nestjs/common';
import { SigningKeys } from '@admit/keys';
import type { JWK } from 'jose';

/**
 * Admit's public keys, for gateways verifying admission tokens offline. Five minutes of caching:
 * a verifier meeting an unknown kid refetches anyway (jose does), and a key rotated in as second
 * key is seen by every cache within that time, before it is moved first and starts signing.
 */
@Controller()
export class JwksController {
  constructor(private readonly keys: SigningKeys) {}

  @Get('.well-known/jwks.json')
  @Header('cache-control', 'public, max-age=300')
  jwks(): { keys: JWK[] } {
    return this.keys.publicJwks();
  }
}
