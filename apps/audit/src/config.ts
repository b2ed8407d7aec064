import { databaseConfig, distributedConfig } from '@admit/platform';

export const AuditConfig = distributedConfig(8084, databaseConfig);
