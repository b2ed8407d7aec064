import 'reflect-metadata';
import { AuditModule, auditOptions } from '@admit/audit';
import { inProcessTransport } from '@admit/bus';
import { IntakeModule, intakeOptions } from '@admit/intake';
import { KeysModule, keysOptions } from '@admit/keys';
import { AdminAuthModule, adminOptions, busRetry, loadConfig, preflight, runMain, startService } from '@admit/platform';
import { PolicyModule, policyOptions } from '@admit/policy';
import { RevocationModule, revocationOptions } from '@admit/revocation';
import { StoreModule, storeOptions } from '@admit/store';
import { ValidatorModule, validatorOptions } from '@admit/validator';
import { EmbeddedConfig } from './config';

/** All five services in one process: the in-process bus and PGlite, same handlers, same migrations. */
runMain(async () => {
  const config = loadConfig(EmbeddedConfig);
  await preflight(config);
  // Everything this process creates (PGlite's files, keys, the checkpoint file) is for its own user only.
  process.umask(0o077);
  await startService({
    name: 'embedded',
    imports: [
      StoreModule.forRoot(storeOptions(config)),
      KeysModule.forRoot(keysOptions(config)),
      IntakeModule.forRoot(intakeOptions(config)),
      ValidatorModule.forRoot(validatorOptions(config)),
      PolicyModule.forRoot(policyOptions(config)),
      AdminAuthModule.forRoot(adminOptions(config)),
      RevocationModule.forRoot(revocationOptions(config)),
      // The console forwards revocations to this same process's /revocations.
      AuditModule.forRoot(auditOptions(config)),
    ],
    transport: inProcessTransport(undefined, busRetry(config)),
    http: { host: config.ADMIT_HTTP_HOST, port: config.ADMIT_HTTP_PORT },
    logLevel: config.ADMIT_LOG_LEVEL,
  });
});
