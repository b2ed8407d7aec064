import { inspect } from 'node:util';

/** A class of error (abstract or not) a test expects. */
type ErrorClass<E> = abstract new (...args: never[]) => E;

/** The `cls` error `run` throws; any other error is rethrown, and returning fails the test with what it returned. */
export function thrownBy<E>(cls: ErrorClass<E>, run: () => unknown): E {
  let returned: unknown;
  try {
    returned = run();
  } catch (err) {
    if (err instanceof cls) return err;
    throw err;
  }
  throw new Error(`expected a ${cls.name}, but got ${inspect(returned)}`);
}

/** The `cls` error `promise` rejects with; any other rejection is rethrown, and fulfilling fails the test. */
export async function rejectedBy<E>(cls: ErrorClass<E>, promise: Promise<unknown>): Promise<E> {
  const settled = await promise.then(
    (value) => () => value,
    (err: unknown) => () => {
      throw err;
    },
  );
  return thrownBy(cls, settled);
}
