import { DynamicModule, LogLevel, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { BusErrorFilter, BusModule, BusTransport } from '@admit/bus';
import { RevocationSetModule } from '@admit/revocation-set';
import { LogLevelName } from './config/config-fragments';
import { ConfigError } from './config/load-config';
import { HealthController } from './health.controller';
import { configureHttp, httpAdapter } from './http/http-server';
import { HttpErrorFilter } from './http/http-error.filter';

export interface ServiceOptions {
  /** Shown in logs: a service name, or `embedded`. */
  name: string;
  /** The service modules to run, plus their infrastructure (store). */
  imports: (Type | DynamicModule)[];
  transport: BusTransport;
  http: { host: string; port: number };
  logLevel: LogLevelName;
}

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug'];

@Module({})
class AdmitRootModule {}

/**
 * Starts one process: the HTTP server (health and the services' routes) and the bus server that
 * runs their `@EventPattern` handlers. Returns once both accept work.
 */
export async function startService(options: ServiceOptions): Promise<NestFastifyApplication> {
  const root: DynamicModule = {
    module: AdmitRootModule,
    // Every service applies revocations, so every process follows them.
    imports: [BusModule.forRoot(options.transport), RevocationSetModule, ...options.imports],
    controllers: [HealthController],
  };
  const app = await NestFactory.create<NestFastifyApplication>(root, httpAdapter(), {
    logger: LEVELS.slice(0, LEVELS.indexOf(options.logLevel) + 1),
    abortOnError: false,
    // configureHttp() installs the only body parser.
    bodyParser: false,
  });
  configureHttp(app);
  app.useGlobalFilters(new HttpErrorFilter());
  app
    .connectMicroservice({ strategy: options.transport.server }, { deferInitialization: true })
    .useGlobalFilters(new BusErrorFilter());
  await app.init();
  await app.startAllMicroservices();
  await app.listen(options.http.port, options.http.host);
  // Printed at every log level: operators and the launcher read the address from it.
  console.log(`admit ${options.name} listening on ${await app.getUrl()}`);
  exitOnSignal(app, options.name);
  return app;
}

const SHUTDOWN_BOUND_MS = 15_000;

/**
 * SIGTERM or SIGINT: stop taking requests, let in-flight work finish and commit, disconnect, and
 * exit 0; exit 1 if that takes longer than the bound. (Nest's own hooks re-raise the signal, so the
 * process would end "killed", not 0.)
 */
function exitOnSignal(app: NestFastifyApplication, name: string): void {
  const stop = (signal: NodeJS.Signals) => {
    console.log(`admit ${name} stopping on ${signal}`);
    const bound = setTimeout(() => {
      console.error(`admit ${name} did not stop within ${SHUTDOWN_BOUND_MS} ms`);
      process.exit(1);
    }, SHUTDOWN_BOUND_MS);
    app.close().then(
      () => {
        clearTimeout(bound);
        process.exit(0);
      },
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** Runs an app's main: a start-up failure is printed once, without a stack for config errors, and exits 1. */
export function runMain(main: () => Promise<unknown>): void {
  main().catch((err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
  });
}
