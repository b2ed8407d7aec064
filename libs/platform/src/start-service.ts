import { DynamicModule, Inject, Logger, Module, OnApplicationShutdown, Optional, Type } from '@nestjs/common';
import { DiscoveryModule, NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { BusErrorFilter, BusModule, BusTransport, KafkaHealth } from '@admit/bus';
import { RevocationSet, RevocationSetModule } from '@admit/revocation-set';
import { Logger as Pino } from 'pino';
import { LogLevelName, logLevelOf } from './config/config-fragments';
import { startupErrorLines } from './config/startup-error';
import { unknownVariableWarnings } from './config/known-variables';
import { BROKER_PROBE, HealthController } from './health.controller';
import { configureHttp, httpAdapter } from './http/http-server';
import { HttpErrorFilter } from './http/http-error.filter';
import { RequestSchemas } from './http/request-schemas';
import { PinoLogger } from './logging/pino-logger';
import { scrub } from './logging/redact';
import { AdmitMetrics, processMetrics } from './metrics/admit-metrics';
import { measureHttp } from './metrics/http-metrics';
import { MetricsController } from './metrics/metrics.controller';
import { traceHttp } from './tracing/http-trace';
import { startTracing } from './tracing/otel';

export interface ServiceOptions {
  /** Shown in logs: a service name, or `embedded`. */
  name: string;
  /** The service modules to run, plus their infrastructure (store). */
  imports: (Type | DynamicModule)[];
  transport: BusTransport;
  http: { host: string; port: number };
  logLevel: LogLevelName;
}

const STOP_TRACING = Symbol('STOP_TRACING');

@Module({})
class AdmitRootModule implements OnApplicationShutdown {
  constructor(
    @Optional() @Inject(BROKER_PROBE) private readonly broker?: KafkaHealth,
    @Optional() @Inject(STOP_TRACING) private readonly stopTracing?: () => Promise<void>,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.broker?.close();
    // The spans of the last work go out before the process ends.
    await this.stopTracing?.();
  }
}

/**
 * Starts one process: the HTTP server (health, metrics and the services' routes) and the bus server
 * that runs their `@EventPattern` handlers. Logs are JSON lines (pino); every request and every
 * handled event runs in its trace span. Returns once both accept work.
 */
export async function startService(options: ServiceOptions): Promise<NestFastifyApplication> {
  const logger = new PinoLogger(options.name, options.logLevel);
  // Start and stop lines are written at every log level: operators and the launcher read the address from them.
  const lifecycle = logger.pino.child({ context: 'lifecycle' }, { level: 'info' });
  const metrics = processMetrics();
  const stopTracing = startTracing(options.name);
  const { health } = options.transport;
  const root: DynamicModule = {
    module: AdmitRootModule,
    // Every service applies revocations, so every process follows them.
    imports: [DiscoveryModule, BusModule.forRoot(options.transport, metrics), RevocationSetModule, ...options.imports],
    controllers: [HealthController, MetricsController],
    providers: [
      { provide: AdmitMetrics, useValue: metrics },
      ...(health ? [{ provide: BROKER_PROBE, useValue: health }] : []),
      ...(stopTracing ? [{ provide: STOP_TRACING, useValue: stopTracing }] : []),
    ],
  };
  const app = await NestFactory.create<NestFastifyApplication>(root, httpAdapter(), {
    logger,
    abortOnError: false,
    // configureHttp() installs the only body parser.
    bodyParser: false,
  });
  configureHttp(app);
  traceHttp(app);
  measureHttp(app, metrics);
  app.useGlobalFilters(new HttpErrorFilter());
  app.useGlobalInterceptors(new RequestSchemas());
  app
    .connectMicroservice({ strategy: options.transport.server }, { deferInitialization: true })
    .useGlobalFilters(new BusErrorFilter());
  await app.init();
  const revocations = app.get(RevocationSet);
  metrics.gauge('admit_revocations_in_force', 'Revocations in force in this instance (read from admit.revocations.v1)', () => revocations.size);
  revocations.onRevoked((r) => {
    if (revocations.ready) metrics.revocationLag.observe(Math.max(0, Date.now() - Date.parse(r.created_at)) / 1000);
  });
  if (health) metrics.lagSource(() => health.lag(options.transport.server.subscriptions()));
  await app.startAllMicroservices();
  await app.listen(options.http.port, options.http.host);
  // The address is followed by a space, so `listening on (\S+)` reads it from the JSON line too.
  lifecycle.info(`admit ${options.name} listening on ${await app.getUrl()} (pid ${process.pid})`);
  logger.startedUp();
  exitOnSignal(app, options.name, lifecycle);
  return app;
}

const SHUTDOWN_BOUND_MS = 15_000;

/**
 * SIGTERM or SIGINT, in this order: stop taking HTTP requests and let those in flight finish (the
 * bus still runs, so a caller waiting for its decision gets it); then the consumers finish their
 * events and commit, the producer flushes and disconnects, the stores close; exit 0, or 1 if that
 * takes longer than the bound. (Nest's own hooks re-raise the signal, so the process would end
 * "killed", not 0.)
 */
function exitOnSignal(app: NestFastifyApplication, name: string, lifecycle: Pino): void {
  const stop = async (signal: NodeJS.Signals) => {
    lifecycle.info(`admit ${name} stopping on ${signal}`);
    const bound = setTimeout(() => {
      lifecycle.error(`admit ${name} did not stop within ${SHUTDOWN_BOUND_MS} ms`);
      process.exit(1);
    }, SHUTDOWN_BOUND_MS);
    try {
      await app.getHttpAdapter().close();
      await app.close();
      clearTimeout(bound);
      lifecycle.info(`admit ${name} stopped`);
      process.exit(0);
    } catch (err) {
      lifecycle.error(`admit ${name} did not stop cleanly: ${scrub(String(err))}`);
      process.exit(1);
    }
  };
  process.once('SIGTERM', (signal) => void stop(signal));
  process.once('SIGINT', (signal) => void stop(signal));
}

/** Runs an app's main: a start-up failure is printed once, without a stack for config errors, and exits 1. */
export function runMain(main: () => Promise<unknown>): void {
  // Until startService() has the app's logger, Nest's own (static) logger writes through pino too.
  const bootstrap = new PinoLogger('admit', logLevelOf(process.env.ADMIT_LOG_LEVEL));
  Logger.overrideLogger(bootstrap);
  for (const warning of unknownVariableWarnings()) bootstrap.pino.warn({ context: 'config' }, warning);
  main().catch((err: unknown) => {
    // One line per problem, naming the variable, its value and what is expected; no stack trace.
    for (const line of startupErrorLines(err)) process.stderr.write(`admit: ${line}\n`);
    process.exit(1);
  });
}
