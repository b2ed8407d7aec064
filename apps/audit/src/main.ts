import 'reflect-metadata';
import { AuditModule, auditOptions } from '@admit/audit';
import { AdminAuthModule, adminOptions, runDistributed } from '@admit/platform';
import { StoreModule, storeOptions } from '@admit/store';
import { AuditConfig } from './config';

runDistributed('audit', AuditConfig, (config) => [
  StoreModule.forRoot(storeOptions(config)),
  AdminAuthModule.forRoot(adminOptions(config)),
  AuditModule.forRoot(auditOptions(config)),
]);
