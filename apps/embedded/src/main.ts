import 'reflect-metadata';
import { AuditModule, fileCheckpointSink, loadConsoleSessionKey } from '@admit/audit';
import { inProcessTransport } from '@admit/bus';
import { IntakeModule, issuerOf, loadGatewayActions, rateLimitOptions } from '@admit/intake';
import { KeysModule } from '@admit/keys';
import { AdminAuthModule, busRetry, loadConfig, preflight, runMain, startService } from '@admit/platform';
import { PolicyModule, policyOptions } from '@admit/policy';
import { RevocationModule } from '@admit/revocation';
import { StoreModule } from '@admit/store';
import { guardedFetcher, loadTrustAnchors } from '@admit/trust';
import { ValidatorModule } from '@admit/validator';
import { join } from 'node:path';
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
      StoreModule.forRoot({ dataDir: config.ADMIT_DATA_DIR }),
      KeysModule.forRoot({ file: config.ADMIT_SIGNING_KEY_FILE, dataDir: config.ADMIT_DATA_DIR }),
      IntakeModule.forRoot({
        decisionTimeoutMs: config.ADMIT_DECISION_TIMEOUT_MS,
        issuer: issuerOf(config),
        jtiQuota: config.ADMIT_CLIENT_ASSERTION_JTI_QUOTA,
        rateLimits: rateLimitOptions(config),
        gatewayActions: loadGatewayActions(config.ADMIT_GATEWAY_ACTIONS_FILE),
        anchors: loadTrustAnchors({ ADMIT_TRUST_ANCHORS_FILE: config.ADMIT_TRUST_ANCHORS_FILE }),
        fetcher: guardedFetcher(config),
      }),
      ValidatorModule.forRoot(config, issuerOf(config)),
      PolicyModule.forRoot(policyOptions(config)),
      AdminAuthModule.forRoot({ tokensFile: config.ADMIT_ADMIN_TOKENS_FILE, devTokenDir: config.ADMIT_DATA_DIR }),
      RevocationModule.forRoot(),
      AuditModule.forRoot({
        checkpointIntervalMs: config.ADMIT_AUDIT_CHECKPOINT_INTERVAL_S * 1000,
        checkpointKey: { file: config.ADMIT_CHECKPOINT_KEY_FILE, dataDir: config.ADMIT_DATA_DIR },
        checkpointSink: fileCheckpointSink(config.ADMIT_AUDIT_CHECKPOINT_FILE ?? join(config.ADMIT_DATA_DIR, 'audit-checkpoints.jsonl')),
        consoleSessionKey: loadConsoleSessionKey({ file: config.ADMIT_CONSOLE_SESSION_KEY_FILE, dataDir: config.ADMIT_DATA_DIR }),
        // The console forwards revocations to this same process's /revocations.
        revocationUrl: 'self',
      }),
    ],
    transport: inProcessTransport(undefined, busRetry(config)),
    http: { host: config.ADMIT_HTTP_HOST, port: config.ADMIT_HTTP_PORT },
    logLevel: config.ADMIT_LOG_LEVEL,
  });
});
