import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { consumer } from '@admit/bus';
import { CloudEvent, Topic } from '@admit/contracts';
import { AdmissionCache } from '../access/admission-cache';
import { PendingDecisions } from './pending-decisions';

@Controller()
export class DecisionsHandler {
  constructor(
    private readonly pending: PendingDecisions,
    private readonly admissions: AdmissionCache,
  ) {}

  @EventPattern(Topic.RegistrationDecided, consumer('intake'))
  onDecided(@Payload() event: CloudEvent<typeof Topic.RegistrationDecided>): void {
    // Every decision this instance reads updates its admissions, not only the ones it waits for.
    this.admissions.record(event.data);
    this.pending.resolve(event);
  }
}
