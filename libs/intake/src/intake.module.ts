import { DynamicModule, Module } from '@nestjs/common';
import { publisherFor } from '@admit/bus';
import { PendingDecisions } from './registration/pending-decisions';
import { INTAKE_OPTIONS, IntakeOptions, RegisterController } from './registration/register.controller';

/** The HTTP front door: publishes requests and answers callers when their decision arrives. */
@Module({})
export class IntakeModule {
  static forRoot(options: IntakeOptions): DynamicModule {
    return {
      module: IntakeModule,
      controllers: [RegisterController],
      providers: [publisherFor('intake'), PendingDecisions, { provide: INTAKE_OPTIONS, useValue: options }],
    };
  }
}
