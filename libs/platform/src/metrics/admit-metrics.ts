import { BusMetrics, HandlerOutcome, LagSample } from '@admit/bus';
import { CloudEvent, Topic } from '@admit/contracts';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Every series Admit exposes at `GET /metrics`, in one registry per process. The bus reports to it
 * as its BusMetrics; the metadata and trust libs as their MetricsPort (same method names, declared
 * there so those libs need no prom-client); HTTP through the hooks in http-metrics.ts.
 */
export class AdmitMetrics implements BusMetrics {
  readonly registry = new Registry();

  private readonly httpRequests = this.counter('admit_http_requests_total', 'HTTP requests answered, by method, route pattern and status', ['method', 'route', 'status']);
  private readonly httpDuration = this.histogram('admit_http_request_duration_seconds', 'HTTP request latency, by method, route pattern and status', ['method', 'route', 'status']);
  private readonly decisions = this.counter('admit_decisions_total', 'Decisions published, by kind (registration, access), outcome and reason code', ['kind', 'decision', 'reason']);
  private readonly handlerDuration = this.histogram('admit_bus_handler_duration_seconds', 'Bus handler latency per run (one event, or one batch), by consumer group, topic and outcome', ['consumer', 'topic', 'outcome']);
  private readonly deadLetters = this.counter('admit_dead_letters_total', 'Events this process dead-lettered to admit.dlq.v1, by consumer group, topic and reason', ['consumer', 'topic', 'reason']);
  /** Seconds from a revocation's creation to this instance applying it (live ones, after start-up). */
  readonly revocationLag = this.histogram('admit_revocation_apply_lag_seconds', "Seconds from a revocation's creation to this instance applying it (revocations arriving after start-up)", [], [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]);
  private readonly fetches = this.counter('admit_fetches_total', 'Outbound fetches through the SSRF guard, by outcome (ok, or the fetch error code)', ['outcome']);
  private readonly cacheLookups = this.counter('admit_cache_lookups_total', 'Cache lookups, by cache (cimd, statement) and result (hit, miss)', ['cache', 'result']);

  constructor() {
    // Prometheus' standard names (process_*, nodejs_*), so stock dashboards and alerts read them.
    collectDefaultMetrics({ register: this.registry });
    // Zero series exist from the start, so a ratio or an alert has something to read before the first event.
    this.deadLetters.inc({ consumer: 'none', topic: 'none', reason: 'none' }, 0);
    for (const cache of ['cimd', 'statement']) for (const result of ['hit', 'miss']) this.cacheLookups.inc({ cache, result }, 0);
    this.fetches.inc({ outcome: 'ok' }, 0);
  }

  private counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets = SECONDS): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  /** A gauge read when scraped: `read` returns the value, or samples with labels. */
  gauge(name: string, help: string, read: () => number | undefined): void {
    // A process that starts a second app (tests do) replaces the first one's reader.
    this.registry.removeSingleMetric(name);
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        const value = read();
        if (value !== undefined) this.set(value);
      },
    });
  }

  /** Consumer lag, read from the cluster when scraped. */
  lagSource(read: () => Promise<LagSample[]>): void {
    this.registry.removeSingleMetric('admit_kafka_consumer_lag');
    new Gauge({
      name: 'admit_kafka_consumer_lag',
      help: 'Messages behind the end of each partition, per consumer group (end offset minus committed offset)',
      labelNames: ['group', 'topic', 'partition'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        // A scrape while the broker is away still answers; the lag series are missing then.
        const samples = await read().catch(() => []);
        for (const s of samples) this.set({ group: s.group, topic: s.topic, partition: String(s.partition) }, s.lag);
      },
    });
  }

  http(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  handled(consumer: string, topic: string, outcome: HandlerOutcome, seconds: number): void {
    this.handlerDuration.observe({ consumer, topic, outcome }, seconds);
  }

  deadLettered(consumer: string, topic: string, reason: string): void {
    this.deadLetters.inc({ consumer, topic, reason });
  }

  /** Decisions are counted where they are published: the policy service, and intake for access checks. */
  published(event: CloudEvent): void {
    if (event.type === Topic.RegistrationDecided || event.type === Topic.AccessChecked) {
      const data = event.data as { decision: string; reasons: { code: string }[]; count?: number };
      const kind = event.type === Topic.RegistrationDecided ? 'registration' : 'access';
      // One count per decision: its first reason is the one that determined it. An aggregated access
      // event (checks of an unknown client) stands for `count` decisions.
      this.decisions.inc({ kind, decision: data.decision, reason: data.reasons[0]?.code ?? 'none' }, data.count ?? 1);
    }
  }

  fetched(outcome: string): void {
    this.fetches.inc({ outcome });
  }

  cacheLookup(cache: string, hit: boolean): void {
    this.cacheLookups.inc({ cache, result: hit ? 'hit' : 'miss' });
  }
}

let shared: AdmitMetrics | undefined;

/**
 * The metrics of this process. One registry per process: embedded mode's five services report to
 * the same one, and modules that build their collaborators outside Nest's container (the validator's
 * fetcher and caches) reach it here.
 */
export function processMetrics(): AdmitMetrics {
  shared ??= new AdmitMetrics();
  return shared;
}
