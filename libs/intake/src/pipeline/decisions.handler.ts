import { Controller, Logger, OnModuleInit } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { consumer, Inbox, StoredEvents } from '@admit/bus';
import { CloudEvent, Topic } from '@admit/contracts';
import { AdmissionCache } from '../access/admission-cache';
import { LiveAdmissions } from '../clients/live-admissions';
import { PendingDecisions } from './pending-decisions';

type Decided = CloudEvent<typeof Topic.RegistrationDecided>;

/**
 * Decisions reach intake in its shared consumer group, so with several intakes an instance mostly
 * reads decisions that another instance's caller waits for. Each request names its intake
 * (`replyto`); the instance that reads the decision hands it over, to its own waiter or, in one
 * message, to the inbox of the instance that waits. Work per decision does not grow with instances.
 */
@Controller()
export class DecisionsHandler implements OnModuleInit {
  private readonly logger = new Logger('DecisionsHandler');

  constructor(
    private readonly pending: PendingDecisions,
    private readonly admissions: AdmissionCache,
    private readonly inbox: Inbox,
    private readonly stored: StoredEvents,
    private readonly live: LiveAdmissions,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.inbox.open((event) => {
      if (event.type === Topic.RegistrationDecided) void this.take(event as Decided);
    });
  }

  @EventPattern(Topic.RegistrationDecided, consumer('intake'))
  async onDecided(@Payload() event: Decided): Promise<void> {
    void this.take(event);
    const waiter = event.replyto;
    if (waiter === undefined || waiter === this.inbox.id) return;
    // The waiting instance may have stopped meanwhile; its caller is gone, the decision is audited.
    await this.inbox.send(waiter, event).catch((err: unknown) => this.logger.warn(`could not hand ${event.id} to intake ${waiter}: ${String(err)}`));
  }

  /**
   * Every decision this instance reads updates its admissions, and answers its waiter if it has one,
   * once the decision is durable: no admission is answered or used whose evidence is not stored.
   * One that is never stored leaves its caller to time out (503).
   */
  private async take(event: Decided): Promise<void> {
    try {
      await this.stored.stored(event.id);
    } catch (err) {
      this.logger.error(`decision ${event.id} for ${event.data.client_id} was never stored; it is not answered: ${String(err)}`);
      return;
    }
    this.admissions.record(event.data);
    // The instance that answers the caller keeps the admission for every intake first, so the client
    // resolves anywhere once it has its answer; one without a waiter (none named) keeps it too.
    if (event.replyto === undefined || event.replyto === this.inbox.id) {
      await this.live.keep(event.data).catch((err: unknown) => this.logger.error(`admission of ${event.data.client_id} not kept for other intakes: ${String(err)}`));
    }
    this.pending.resolve(event);
  }
}
