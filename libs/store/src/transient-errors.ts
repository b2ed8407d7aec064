/** SQLSTATE classes that mean "the database is away or overloaded", not "this statement is wrong". */
const TRANSIENT_SQLSTATE = /^(08|53|57)|^55000$/;
const TRANSIENT_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);
const TRANSIENT_MESSAGE = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i;

/** True when retrying later can succeed: the database was unreachable, restarting or refusing connections. */
export function isTransientDatabaseError(err: unknown): boolean {
  const e = err as { code?: unknown; driverError?: { code?: unknown }; message?: unknown } | undefined;
  const code = e?.driverError?.code ?? e?.code;
  if (typeof code === 'string' && (TRANSIENT_SQLSTATE.test(code) || TRANSIENT_ERRNO.has(code))) return true;
  return typeof e?.message === 'string' && TRANSIENT_MESSAGE.test(e.message);
}
