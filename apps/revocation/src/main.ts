import 'reflect-metadata';
import { RevocationModule } from '@admit/revocation';
import { runDistributed } from '@admit/platform';
import { StoreModule } from '@admit/store';
import { RevocationConfig } from './config';

runDistributed('revocation', RevocationConfig, (config) => [StoreModule.forRoot({ url: config.DATABASE_URL }), RevocationModule]);
