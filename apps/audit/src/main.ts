import 'reflect-metadata';
import { AuditModule } from '@admit/audit';
import { runDistributed } from '@admit/platform';
import { StoreModule } from '@admit/store';
import { AuditConfig } from './config';

runDistributed('audit', AuditConfig, (config) => [StoreModule.forRoot({ url: config.DATABASE_URL }), AuditModule]);
