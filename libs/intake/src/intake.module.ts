import { DynamicModule, Module } from '@nestjs/common';
import { publisherFor } from '@admit/bus';
import { AdmissionsController } from './admissions/admissions.controller';
import { DecisionPipeline, INTAKE_OPTIONS, IntakeOptions } from './pipeline/decision-pipeline';
import { DecisionsHandler } from './pipeline/decisions.handler';
import { PendingDecisions } from './pipeline/pending-decisions';
import { RegisterController } from './registration/register.controller';

/** The HTTP front door: publishes requests and answers callers when their decision arrives. */
@Module({})
export class IntakeModule {
  static forRoot(options: IntakeOptions): DynamicModule {
    return {
      module: IntakeModule,
      controllers: [RegisterController, AdmissionsController, DecisionsHandler],
      providers: [publisherFor('intake'), PendingDecisions, DecisionPipeline, { provide: INTAKE_OPTIONS, useValue: options }],
    };
  }
}
