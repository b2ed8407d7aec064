import { LoggerService } from '@nestjs/common';
import { currentTrace, traceIds } from '@admit/bus';
import pino, { DestinationStream, Logger } from 'pino';
import { LogLevelName } from '../config/config-fragments';
import { REDACT_PATHS, scrub } from './redact';

/** Nest's start-up chatter (modules loaded, each route mapped, "started"): written at debug, not info. */
const NEST_START_UP = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication', 'NestMicroservice']);

/**
 * Where lines go by default: pretty, coloured lines (pino-pretty) when stdout is a terminal, JSON
 * lines otherwise (files, pipes, log shippers).
 */
export function defaultLogDestination(): DestinationStream {
  if (!process.stdout.isTTY) return pino.destination({ dest: 1, sync: true });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only for a terminal
  const pretty = require('pino-pretty') as (options: Record<string, unknown>) => DestinationStream;
  return pretty({ colorize: true, sync: true, destination: 1, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service,context', messageFormat: '{service}{if context} [{context}]{end} {msg}' });
}

/**
 * Nest's logger as one JSON object per line (pino): level, time, service, context, message, and the
 * ids of the work it was written for (trace and span, correlation id, HTTP request id). Messages,
 * stacks and objects are scrubbed of credentials before they are written.
 */
export class PinoLogger implements LoggerService {
  readonly pino: Logger;
  /** Info lines written during start-up: one service repeating another's (embedded mode runs five) goes to debug. */
  private startUpLines: Set<string> | undefined = new Set();

  constructor(service: string, level: LogLevelName, destination: DestinationStream = defaultLogDestination()) {
    this.pino = pino(
      {
        level: level === 'log' ? 'info' : level,
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

  /** Start-up is over (the app listens): every line is written as asked from now on. */
  startedUp(): void {
    this.startUpLines = undefined;
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
  private write(asked: pino.Level, message: unknown, params: unknown[]): void {
    const context = params.length > 0 && typeof params[params.length - 1] === 'string' ? (params[params.length - 1] as string) : undefined;
    // A start-up failure is reported once, by runMain, as one line: not also here with its stack.
    if (context === 'ExceptionHandler') return;
    let level = asked === 'info' && context !== undefined && NEST_START_UP.has(context) ? 'debug' : asked;
    if (level === 'info' && this.startUpLines && typeof message === 'string') {
      const key = `${context ?? ''} ${message}`;
      if (this.startUpLines.has(key)) level = 'debug';
      this.startUpLines.add(key);
    }
    if (!this.pino.isLevelEnabled(level)) return;
    if (context !== undefined) params.pop();
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
