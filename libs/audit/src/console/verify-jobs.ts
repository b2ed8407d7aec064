import { randomUUID } from 'node:crypto';
import { SqlQuery } from '../sql-query';
import { verifyChains, VerifyOptions, VerifyProgress } from '../verify/verify-chains';
import { VerifyReport } from '../verify/verify-report';

export interface VerifyJob {
  id: string;
  actor: string;
  started_at: string;
  finished_at: string | null;
  progress: VerifyProgress;
  report: VerifyReport | null;
  /** Why the run failed (the database went away, say); the chain's own breaks are in `report`. */
  error: string | null;
}

const KEPT = 20;

/**
 * Full verifications run in the background of this instance, one at a time: asking while one runs
 * gives that one. Jobs live in memory (the last 20), so a job's page is served by the instance that
 * runs it; another instance says it does not know the job, and verification can be started there.
 */
export class VerifyJobs {
  private readonly jobs = new Map<string, VerifyJob>();

  constructor(
    private readonly query: SqlQuery,
    private readonly options: () => VerifyOptions,
  ) {}

  start(actor: string): VerifyJob {
    const running = [...this.jobs.values()].find((j) => j.finished_at === null);
    if (running) return running;
    const job: VerifyJob = {
      id: randomUUID(),
      actor,
      started_at: new Date().toISOString(),
      finished_at: null,
      progress: { chains_done: 0, chains_total: 0, links_checked: 0 },
      report: null,
      error: null,
    };
    this.jobs.set(job.id, job);
    for (const id of [...this.jobs.keys()].slice(0, Math.max(0, this.jobs.size - KEPT))) this.jobs.delete(id);
    verifyChains(this.query, { ...this.options(), onProgress: (p) => (job.progress = p) })
      .then((report) => (job.report = report))
      .catch((err: unknown) => (job.error = err instanceof Error ? err.message : String(err)))
      .finally(() => (job.finished_at = new Date().toISOString()));
    return job;
  }

  get(id: string): VerifyJob | undefined {
    return this.jobs.get(id);
  }
}
