import { Module } from '@nestjs/common';

/**
 * Revocations by client id, software id, anchor, key thumbprint or origin. In the walking skeleton
 * the service runs (health, bus, store) and the contract of `admit.revocations.v1` is fixed; the
 * admin API and the live revocation set come with the revocation issue.
 */
@Module({})
export class RevocationModule {}
