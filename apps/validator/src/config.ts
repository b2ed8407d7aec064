import { distributedConfig } from '@admit/platform';

export const ValidatorConfig = distributedConfig(8081, {});
