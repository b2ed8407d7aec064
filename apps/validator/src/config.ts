import { distributedConfig } from '@admit/platform';
import { validatorConfig } from '@admit/validator';

export const ValidatorConfig = distributedConfig(8081, validatorConfig);
