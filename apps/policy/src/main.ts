import 'reflect-metadata';
import { runDistributed } from '@admit/platform';
import { PolicyModule, policyOptions } from '@admit/policy';
import { PolicyConfig } from './config';

runDistributed('policy', PolicyConfig, (config) => [PolicyModule.forRoot(policyOptions(config))]);
