import { LoggerService } from '@nestjs/common';
import { currentTrace, traceIds } from '@admit/bus';
import pino, { DestinationStream, Logger } from 'pino';
import { LogLevelName } from '../config/config-fragments';
import { REDACT_PATHS, scrub } from './redact';

const PINO_LEVEL: Record<LogLevelName, pino.Level> = { error: 'error', warn: 'warn', log: 'info', debug: 'debug' };

/**
 * Nest's logger as one JSON object per line (pino): level, time, service, context, message, and the
 * ids of the work it was written for (trace and span, correlation id, HTTP request id). Messages,
 * stacks and objects are scrubbed of credentials before they are written.
 */
export class PinoLogger implements LoggerService {
  readonly pino: Logger;

  constructor(service: string, level: LogLevelName, destination: DestinationStream = pino.destination({ dest: 1, sync: true })) {
    this.pino = pino(
      {
        level: PINO_LEVEL[level],
        base: { service },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        redact: { paths: REDACT_PATHS, censor: '[redacted]' },
        // Every line carries the ids of the work it belongs to.
        mixin: () => {
          const trace = currentTrace();
          if (!trace) return {};
          return { ...traceIds(trace.traceparent), correlation_id: trace.correlationId, request_id: trace.requestId };
        },
      },
      destination,
    );
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /** Nest passes `(message, context)`, or `(message, stack, context)` for errors. */
  private write(level: pino.Level, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const context = params.length > 0 && typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    const fields: Record<string, unknown> = context ? { context } : {};
    const stack = params.find((p): p is string => typeof p === 'string');
    if (stack) fields.stack = scrub(stack);
    if (message instanceof Error) {
      fields.err = { type: message.name, code: (message as { code?: unknown }).code, stack: scrub(message.stack ?? message.message) };
      this.pino[level](fields, scrub(message.message));
    } else if (typeof message === 'object' && message !== null) {
      // An object is logged as fields (redacted by name by pino), its text parts scrubbed too.
      this.pino[level]({ ...fields, ...(JSON.parse(scrub(JSON.stringify(message))) as object) });
    } else {
      this.pino[level](fields, scrub(String(message)));
    }
  }
}
