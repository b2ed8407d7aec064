import { auditConfig, auditServiceConfig } from '@admit/audit';
import { adminConfig, distributedConfig } from '@admit/platform';
import { databaseConfig } from '@admit/store';

export const AuditConfig = distributedConfig(8084, { ...databaseConfig, ...adminConfig, ...auditConfig, ...auditServiceConfig });
