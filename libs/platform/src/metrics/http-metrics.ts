import { Logger } from '@nestjs/common';
import { runInTrace } from '@admit/bus';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AdmitMetrics } from './admit-metrics';

/**
 * Counts and times every answered request by its route pattern (never the raw URL, whose ids would
 * make a series per client), and writes one debug line per request. The line names the route, not
 * the URL, and never a header or the body, so no credential can reach it.
 */
export function measureHttp(app: NestFastifyApplication, metrics: AdmitMetrics): void {
  const logger = new Logger('http');
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url ?? 'unmatched';
      const seconds = reply.elapsedTime / 1000;
      metrics.http(request.method, route, reply.statusCode, seconds);
      const line = () => logger.debug(`${request.method} ${route} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)} ms`);
      if (request.admitTrace) runInTrace(request.admitTrace, line);
      else line();
      done();
    });
}
