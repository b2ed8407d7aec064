import { intakeConfig } from '@admit/intake';
import { requiredSigningKeyConfig } from '@admit/keys';
import { distributedConfig } from '@admit/platform';
import { databaseConfig } from '@admit/store';

export const IntakeConfig = distributedConfig(8080, {
  ...intakeConfig,
  /** Client assertions' jtis are kept here, so that no intake accepts one twice. */
  ...databaseConfig,
  ...requiredSigningKeyConfig,
});
