import 'reflect-metadata';
import { runDistributed } from '@admit/platform';
import { PolicyModule } from '@admit/policy';
import { PolicyConfig } from './config';

runDistributed('policy', PolicyConfig, (config) => [PolicyModule.forRoot({ policyDir: config.ADMIT_POLICY_DIR })]);
