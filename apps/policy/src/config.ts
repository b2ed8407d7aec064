import { distributedConfig } from '@admit/platform';
import { policyConfig } from '@admit/policy';

export const PolicyConfig = distributedConfig(8082, policyConfig);
