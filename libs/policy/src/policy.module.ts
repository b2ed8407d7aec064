import { DynamicModule, Module } from '@nestjs/common';
import { publisherFor, TopicFollower } from '@admit/bus';
import { ActivePolicyModule } from '@admit/cedar';
import { DecideRegistrationHandler } from './decide/decide-registration.handler';
import { LiveStatements } from './decide/live-statements';
import { POLICY_OPTIONS, PolicyDistributor, PolicyOptions } from './distribute/policy-distributor';

/** Publishes the policy folder on `admit.policies.v1` and decides under the set read back from it. */
@Module({})
export class PolicyModule {
  static forRoot(options: PolicyOptions): DynamicModule {
    return {
      module: PolicyModule,
      imports: [ActivePolicyModule.forFeed(TopicFollower)],
      controllers: [DecideRegistrationHandler],
      providers: [publisherFor('policy'), { provide: POLICY_OPTIONS, useValue: options }, PolicyDistributor, { provide: LiveStatements, useValue: new LiveStatements() }],
    };
  }
}
