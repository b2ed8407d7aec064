// Real: the logger Nest writes through (pino), into an in-memory destination.
import { Writable } from 'node:stream';
import { PinoLogger } from './pino-logger';

function logger(level: ConstructorParameters<typeof PinoLogger>[1]) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { log: new PinoLogger('test', level, destination), lines };
}

describe('PinoLogger', () => {
  it.each(['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const)('takes pino level %s', (level) => {
    const { log, lines } = logger(level);
    log.verbose('t', 'x');
    log.debug('d', 'x');
    log.log('i', 'x');
    log.warn('w', 'x');
    log.error('e', 'x');
    log.fatal('f', 'x');
    const order = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
    expect(lines.map((l) => l.level)).toEqual(order.slice(order.indexOf(level)));
  });

  it('reads `log` as info', () => {
    const { log, lines } = logger('log');
    log.debug('d', 'x');
    log.log('i', 'x');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([['info', 'i']]);
  });

  it("writes Nest's start-up chatter and a repeated start-up line at debug, and drops the ExceptionHandler's copy of a start-up failure", () => {
    const { log, lines } = logger('info');
    log.log('Mapped {/health/live, GET} route', 'RouterExplorer');
    log.log('AuditModule dependencies initialized', 'InstanceLoader');
    log.log('revocation set ready: 0 in force', 'RevocationSet');
    log.log('revocation set ready: 0 in force', 'RevocationSet');
    log.error(new Error('boom'), 'ExceptionHandler');
    log.startedUp();
    log.log('revocation set ready: 0 in force', 'RevocationSet');
    expect(lines.map((l) => [l.level, l.context, l.msg])).toEqual([
      ['info', 'RevocationSet', 'revocation set ready: 0 in force'],
      ['info', 'RevocationSet', 'revocation set ready: 0 in force'],
    ]);
    const debug = logger('debug');
    debug.log.log('Mapped {/health/live, GET} route', 'RouterExplorer');
    expect(debug.lines.map((l) => [l.level, l.context])).toEqual([['debug', 'RouterExplorer']]);
  });
});
