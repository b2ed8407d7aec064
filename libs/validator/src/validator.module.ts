import { Module } from '@nestjs/common';
import { publisherFor } from '@admit/bus';
import { ValidateRegistrationHandler } from './registration/validate-registration.handler';

/** Fetches and verifies client metadata; publishes what it verified, or why it failed. */
@Module({
  controllers: [ValidateRegistrationHandler],
  providers: [publisherFor('validator')],
})
export class ValidatorModule {}
