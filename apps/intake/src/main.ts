import 'reflect-metadata';
import { IntakeModule } from '@admit/intake';
import { runDistributed } from '@admit/platform';
import { IntakeConfig } from './config';

runDistributed('intake', IntakeConfig, (config) => [
  IntakeModule.forRoot({ decisionTimeoutMs: config.ADMIT_DECISION_TIMEOUT_MS }),
]);
