import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { consumer } from '@admit/bus';
import { CloudEvent, Topic } from '@admit/contracts';
import { PendingDecisions } from './pending-decisions';

@Controller()
export class DecisionsHandler {
  constructor(private readonly pending: PendingDecisions) {}

  @EventPattern(Topic.RegistrationDecided, consumer('intake'))
  onDecided(@Payload() event: CloudEvent<typeof Topic.RegistrationDecided>): void {
    this.pending.resolve(event);
  }
}
