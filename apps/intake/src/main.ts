import 'reflect-metadata';
import { IntakeModule, intakeOptions } from '@admit/intake';
import { KeysModule, keysOptions } from '@admit/keys';
import { runDistributed } from '@admit/platform';
import { StoreModule, storeOptions } from '@admit/store';
import { IntakeConfig } from './config';

runDistributed('intake', IntakeConfig, (config) => [
  StoreModule.forRoot(storeOptions(config)),
  KeysModule.forRoot(keysOptions(config)),
  IntakeModule.forRoot(intakeOptions(config)),
]);
