import 'reflect-metadata';
import { RevocationModule, revocationOptions } from '@admit/revocation';
import { AdminAuthModule, adminOptions, runDistributed } from '@admit/platform';
import { StoreModule, storeOptions } from '@admit/store';
import { RevocationConfig } from './config';

runDistributed('revocation', RevocationConfig, (config) => [
  StoreModule.forRoot(storeOptions(config)),
  AdminAuthModule.forRoot(adminOptions(config)),
  RevocationModule.forRoot(revocationOptions(config)),
]);
