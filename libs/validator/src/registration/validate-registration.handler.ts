import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { consumer, Publisher } from '@admit/bus';
import { CloudEvent, EventData, RegistrationError, Topic } from '@admit/contracts';
import { checkClientMetadata } from '@admit/metadata';

@Controller()
export class ValidateRegistrationHandler {
  constructor(private readonly publisher: Publisher) {}

  @EventPattern(Topic.RegistrationRequested, consumer('validator'))
  async onRequested(@Payload() event: CloudEvent<typeof Topic.RegistrationRequested>): Promise<void> {
    await this.publisher.publish(Topic.RegistrationValidated, validate(event.data), {
      cause: event,
      subject: event.data.client_id,
    });
  }
}

function validate(request: EventData<typeof Topic.RegistrationRequested>): EventData<typeof Topic.RegistrationValidated> {
  const base = { client_id: request.client_id, source: request.source, validated_at: new Date().toISOString() };
  if (request.source === 'cimd') {
    return {
      ...base,
      outcome: 'invalid',
      errors: [{ code: RegistrationError.InvalidClientMetadata, description: 'Client ID Metadata Documents are not fetched yet' }],
    };
  }
  const result = checkClientMetadata(request.metadata);
  return result.ok
    ? { ...base, outcome: 'valid', metadata: result.metadata, errors: [] }
    : { ...base, outcome: 'invalid', errors: result.errors };
}
