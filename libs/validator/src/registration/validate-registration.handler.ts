import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { consumer, Publisher } from '@admit/bus';
import { CloudEvent, Topic } from '@admit/contracts';
import { RegistrationValidator } from './registration-validator';

@Controller()
export class ValidateRegistrationHandler {
  constructor(
    private readonly publisher: Publisher,
    private readonly validator: RegistrationValidator,
  ) {}

  /** A failed validation is published too, so policy always decides and audit always records. */
  @EventPattern(Topic.RegistrationRequested, consumer('validator'))
  async onRequested(@Payload() event: CloudEvent<typeof Topic.RegistrationRequested>): Promise<void> {
    const validation = await this.validator.validate(event.data);
    await this.publisher.publish(
      Topic.RegistrationValidated,
      { ...validation, validated_at: new Date().toISOString() },
      { cause: event, subject: validation.client_id },
    );
  }
}
