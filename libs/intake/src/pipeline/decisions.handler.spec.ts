// Real: DecisionsHandler, PendingDecisions, AdmissionCache, the in-process inbox and stored-event
// signal. Nothing stubbed: the audit store's commit is the call a ChainWriter makes after committing.
// The database under LiveAdmissions is a recorder of its statements' values (tests/integration/live-admissions.test.ts
// runs them on PostgreSQL).
import { inProcessTransport } from '@admit/bus';
import { newEvent, Topic } from '@admit/contracts';
import { RevocationSet } from '@admit/revocation-set';
import { DataSource } from 'typeorm';
import { AdmissionCache } from '../access/admission-cache';
import { LiveAdmissions } from '../clients/live-admissions';
import { allowDecision, EVIDENCE } from '../testing/fixtures';
import { DecisionsHandler } from './decisions.handler';
import { PendingDecisions } from './pending-decisions';

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

const decided = allowDecision();

describe('DecisionsHandler in one process', () => {
  it('answers the waiting caller and caches the admission only once the audit store committed the decision', async () => {
    const transport = inProcessTransport();
    const pending = new PendingDecisions();
    const admissions = new AdmissionCache(new RevocationSet());
    const kept: unknown[][] = [];
    // TypeORM's PostgreSQL data source as far as a prepared statement reaches it: its pool (`driver.master`).
    const pool = { query: async ({ values }: { values: unknown[] }) => (kept.push(values), { rows: [] }) };
    const db = { options: {}, driver: { master: pool } } as unknown as DataSource;
    const handler = new DecisionsHandler(pending, admissions, transport.inbox, transport.stored, new LiveAdmissions(db));
    await handler.onModuleInit();
    const event = newEvent(Topic.RegistrationDecided, decided, { source: '/admit/policy', subject: decided.client_id, replyTo: transport.inbox.id });
    const { decision } = pending.wait(event.correlationid, 5_000);
    let answered = false;
    void decision.then(() => (answered = true));

    await handler.onDecided(event);
    await turns(5);
    expect(answered).toBe(false);
    expect(admissions.get('s_abc')).toBeUndefined();
    expect(kept).toEqual([]);

    transport.stored.committed([event.id]);
    await expect(decision).resolves.toBe(event);
    // Kept for every intake before the caller was answered.
    expect(kept.map((columns) => columns[0])).toEqual([['s_abc']]);
    expect(admissions.get('s_abc')?.admission.evidence_sha256).toBe(EVIDENCE);
  });
});
