import { DynamicModule, Type as NestModule } from '@nestjs/common';
import { kafkaTransport } from '@admit/bus';
import { ServiceName } from '@admit/contracts';
import { Static, TObject, TProperties, Type } from '@sinclair/typebox';
import { busConfig, busRetry, httpConfig, kafkaConfig, logConfig } from './config/config-fragments';
import { loadConfig, splitList } from './config/load-config';
import { preflight } from './config/preflight';
import { runMain, startService } from './start-service';

/** A distributed app's config schema: the variables every such app has, plus its own. */
export function distributedConfig<P extends TProperties>(defaultPort: number, own: P) {
  return Type.Object({ ...httpConfig(defaultPort), ...logConfig, ...kafkaConfig, ...busConfig, ...own });
}

type DistributedConfig = Static<ReturnType<typeof distributedConfig<Record<never, never>>>>;

/** The main of a distributed app: validate its config, then run its modules over Kafka. */
export function runDistributed<S extends TObject>(
  service: ServiceName,
  schema: S,
  modules: (config: Static<S>) => (NestModule | DynamicModule)[],
): void {
  runMain(async () => {
    const own = loadConfig(schema);
    await preflight(own);
    // Every app schema is built by distributedConfig(), so it has the common variables.
    const config = own as DistributedConfig;
    const transport = kafkaTransport(
      {
        brokers: splitList(config.KAFKA_BROKERS),
        clientId: `admit-${service}`,
        groupPrefix: config.ADMIT_KAFKA_GROUP_PREFIX,
        topicPrefix: config.ADMIT_KAFKA_TOPIC_PREFIX,
        sessionTimeoutMs: config.ADMIT_KAFKA_SESSION_TIMEOUT_MS,
      },
      busRetry(config),
      config.ADMIT_INSTANCE_ID,
    );
    await startService({
      name: service,
      imports: modules(own),
      transport,
      http: { host: config.ADMIT_HTTP_HOST, port: config.ADMIT_HTTP_PORT },
      logLevel: config.ADMIT_LOG_LEVEL,
    });
  });
}
