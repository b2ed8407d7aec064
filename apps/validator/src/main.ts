import 'reflect-metadata';
import { runDistributed } from '@admit/platform';
import { ValidatorModule, validatorOptions } from '@admit/validator';
import { ValidatorConfig } from './config';

runDistributed('validator', ValidatorConfig, (config) => [ValidatorModule.forRoot(validatorOptions(config))]);
