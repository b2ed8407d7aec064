import { adminConfig, distributedConfig } from '@admit/platform';
import { revocationConfig } from '@admit/revocation';
import { databaseConfig } from '@admit/store';

export const RevocationConfig = distributedConfig(8083, { ...databaseConfig, ...adminConfig, ...revocationConfig });
