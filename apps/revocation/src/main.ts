import 'reflect-metadata';
import { RevocationModule } from '@admit/revocation';
import { AdminAuthModule, runDistributed } from '@admit/platform';
import { StoreModule } from '@admit/store';
import { RevocationConfig } from './config';

runDistributed('revocation', RevocationConfig, (config) => [
  StoreModule.forRoot({ url: config.DATABASE_URL }),
  AdminAuthModule.forRoot({ tokensFile: config.ADMIT_ADMIN_TOKENS_FILE }),
  RevocationModule.forRoot(),
]);
