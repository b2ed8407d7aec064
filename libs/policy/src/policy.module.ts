import { DynamicModule, Module } from '@nestjs/common';
import { publisherFor } from '@admit/bus';
import { PolicySet } from './cedar/policy-set';
import { DecideRegistrationHandler } from './decide/decide-registration.handler';

/** Decides under the Cedar policy set; every decision records the policy version. */
@Module({})
export class PolicyModule {
  static forRoot(options: { policyDir: string }): DynamicModule {
    return {
      module: PolicyModule,
      controllers: [DecideRegistrationHandler],
      providers: [publisherFor('policy'), { provide: PolicySet, useFactory: () => PolicySet.load(options.policyDir) }],
    };
  }
}
