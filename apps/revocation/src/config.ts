import { adminConfig, databaseConfig, distributedConfig } from '@admit/platform';

export const RevocationConfig = distributedConfig(8083, { ...databaseConfig, ...adminConfig });
