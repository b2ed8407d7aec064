import 'reflect-metadata';
import { IntakeModule, issuerOf, loadGatewayActions, rateLimitOptions } from '@admit/intake';
import { KeysModule } from '@admit/keys';
import { runDistributed } from '@admit/platform';
import { StoreModule } from '@admit/store';
import { guardedFetcher, loadTrustAnchors } from '@admit/trust';
import { IntakeConfig } from './config';

runDistributed('intake', IntakeConfig, (config) => [
  StoreModule.forRoot({ url: config.DATABASE_URL }),
  KeysModule.forRoot({ file: config.ADMIT_SIGNING_KEY_FILE }),
  IntakeModule.forRoot({
    decisionTimeoutMs: config.ADMIT_DECISION_TIMEOUT_MS,
    issuer: issuerOf(config),
    jtiQuota: config.ADMIT_CLIENT_ASSERTION_JTI_QUOTA,
    rateLimits: rateLimitOptions(config),
    gatewayActions: loadGatewayActions(config.ADMIT_GATEWAY_ACTIONS_FILE),
    anchors: loadTrustAnchors({ ADMIT_TRUST_ANCHORS_FILE: config.ADMIT_TRUST_ANCHORS_FILE }),
    fetcher: guardedFetcher(config),
  }),
]);
