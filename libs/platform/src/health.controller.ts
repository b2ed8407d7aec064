import { Controller, Get, HttpCode, Inject, Optional } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { BusServer, TopicFollower } from '@admit/bus';
import { DataSource } from 'typeorm';
import { HttpError, RequestError } from '@admit/contracts';

/** Whether the broker answers now; absent for the in-process bus, which is always there. */
export interface BrokerProbe {
  reachable(): Promise<boolean>;
}
export const BROKER_PROBE = Symbol('BROKER_PROBE');

/**
 * A provider that /health/ready waits for: any provider with this method is found at start, so a
 * capability lib (the active policy set, say) declares its readiness without depending on platform.
 */
export interface ReadinessSource {
  readiness(): { name: string; ready: boolean };
}

const DB_PROBE_TIMEOUT_MS = 2_000;

@Controller('health')
export class HealthController {
  private sources?: ReadinessSource[];

  constructor(
    private readonly bus: BusServer,
    private readonly follower: TopicFollower,
    private readonly discovery: DiscoveryService,
    @Optional() @Inject(BROKER_PROBE) private readonly broker?: BrokerProbe,
    @Optional() private readonly db?: DataSource,
  ) {}

  /** The process is up and serving HTTP. */
  @Get('live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Every dependency this process uses is ready: the bus subscribed and the broker answering, the
   * compacted topics (revocations, policies) read to their end, any readiness sources and the database. Otherwise 503 naming what is missing.
   */
  @Get('ready')
  @HttpCode(200)
  async ready(): Promise<{ status: 'ready' }> {
    const [brokerUp, dbUp] = await Promise.all([this.broker?.reachable() ?? true, this.db ? databaseAnswers(this.db) : true]);
    const missing = [
      ...(this.bus.isReady() ? [] : ['bus']),
      ...(brokerUp ? [] : ['kafka']),
      ...this.follower.pending(),
      ...this.readinessSources().flatMap((s) => {
        const { name, ready } = s.readiness();
        return ready ? [] : [name];
      }),
      ...(dbUp ? [] : ['database']),
    ];
    if (missing.length > 0) throw new RequestError(HttpError.NotReady, `waiting for: ${missing.join(', ')}`);
    return { status: 'ready' };
  }

  private readinessSources(): ReadinessSource[] {
    this.sources ??= [
      ...new Set(
        this.discovery
          .getProviders()
          .map((wrapper) => wrapper.instance as Partial<ReadinessSource> | undefined)
          .filter((instance): instance is ReadinessSource => typeof instance?.readiness === 'function'),
      ),
    ];
    return this.sources;
  }
}

/** The database answers a trivial query in time (an initialized pool says nothing about a server that went away). */
async function databaseAnswers(db: DataSource): Promise<boolean> {
  if (!db.isInitialized) return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      db.query('SELECT 1').then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), DB_PROBE_TIMEOUT_MS))),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
