import { AsyncResource } from 'node:async_hooks';

/**
 * Node 20's `AsyncResource.prototype.bind` gives each bound function the deprecated (DEP0172)
 * `asyncResource` accessor through two `util.deprecate` wrappers, made anew on every call: about
 * 13 µs a bind, measured here, against about 1.5 µs without them. Fastify binds one per request with
 * a body (`ContentTypeParser.run`), so every POST paid it: 5–8% of an access check's CPU in intake.
 *
 * This defines the same function and the same accessor (read and written as before) without the
 * wrappers; the only difference is that reading `asyncResource` no longer prints the deprecation
 * warning. Only Node 20, the version it was measured on, is patched.
 */
export const asyncResourceBindPatched = process.versions.node.startsWith('20.');

/** Node's signature; the type definitions leave out `thisArg`. */
type Bind = (this: AsyncResource, fn: (...args: unknown[]) => unknown, thisArg?: unknown) => unknown;

if (asyncResourceBindPatched) {
  const nodeBind = AsyncResource.prototype.bind as unknown as Bind;
  const bind: Bind = function (fn, thisArg) {
    // Node's own validation and error for anything that is not a function.
    return typeof fn === 'function' ? boundIn(this, fn, thisArg) : nodeBind.call(this, fn, thisArg);
  };
  AsyncResource.prototype.bind = bind as unknown as typeof AsyncResource.prototype.bind;
}

/** `fn` made to run in `resource`'s async context, as Node's `bind` makes it. */
function boundIn(resource: AsyncResource, fn: (...args: unknown[]) => unknown, thisArg: unknown): unknown {
  const bound =
    thisArg === undefined
      ? function (this: unknown, ...args: unknown[]) {
          return resource.runInAsyncScope(fn, this, ...args);
        }
      : resource.runInAsyncScope.bind(resource, fn, thisArg);
  // As in Node: what the accessor returns can be replaced; the function still runs in `resource`.
  let self = resource;
  return Object.defineProperties(bound, {
    length: { configurable: true, enumerable: false, value: fn.length, writable: false },
    asyncResource: {
      configurable: true,
      enumerable: true,
      get: () => self,
      set: (value: AsyncResource) => (self = value),
    },
  });
}
