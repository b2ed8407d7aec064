import { Controller, Get, Header, Inject, NotFoundException, Optional } from '@nestjs/common';
import { SigningKeys } from '@admit/keys';
import type { JWK } from 'jose';
import { CHECKPOINT_KEYS } from './checkpoint-keys';

/** The public checkpoint keys, apart from intake's admission-token JWKS: what `admit audit verify --jwks` takes. */
export const CHECKPOINT_JWKS_PATH = '.well-known/audit-checkpoint-jwks.json';

@Controller()
export class CheckpointJwksController {
  constructor(@Optional() @Inject(CHECKPOINT_KEYS) private readonly keys?: SigningKeys) {}

  @Get(CHECKPOINT_JWKS_PATH)
  @Header('cache-control', 'public, max-age=300')
  jwks(): { keys: JWK[] } {
    if (!this.keys) throw new NotFoundException('no checkpoint key is configured');
    return this.keys.publicJwks();
  }
}
