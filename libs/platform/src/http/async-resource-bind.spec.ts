// Real: Node's AsyncResource and AsyncLocalStorage, with the patched bind.
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { asyncResourceBindPatched } from './async-resource-bind';

describe('AsyncResource.prototype.bind without the deprecation wrappers', () => {
  const storage = new AsyncLocalStorage<string>();

  it('is patched on Node 20, the version it was measured on', () => {
    expect(process.versions.node.startsWith('20.')).toBe(true);
    expect(asyncResourceBindPatched).toBe(true);
    expect(AsyncResource.prototype.bind.toString()).not.toContain('deprecate');
  });

  it('runs the function in the async context the resource was made in, with the caller’s this and arguments', () => {
    const resource = storage.run('made', () => new AsyncResource('spec'));
    const bound = resource.bind(function (this: { name: string }, a: number, b: number) {
      return `${storage.getStore()} ${this.name} ${a + b}`;
    });
    const result = storage.run('called', () => bound.call({ name: 'caller' }, 1, 2));
    expect(result).toBe('made caller 3');
    expect(bound.length).toBe(2);
  });

  it('runs the function with thisArg when one is given', () => {
    const resource = storage.run('made', () => new AsyncResource('spec'));
    const bindWithThis = resource.bind as unknown as (fn: (this: { name: string }) => string, thisArg: { name: string }) => (this: unknown) => string;
    const bound = bindWithThis.call(
      resource,
      function (this: { name: string }) {
        return `${storage.getStore()} ${this.name}`;
      },
      { name: 'bound' },
    );
    expect(storage.run('called', () => bound.call({ name: 'caller' }))).toBe('made bound');
  });

  it('keeps the asyncResource accessor: it reads the resource, and a write changes what it reads, not where the function runs', () => {
    const resource = storage.run('made', () => new AsyncResource('spec'));
    const other = storage.run('other', () => new AsyncResource('spec'));
    const bound = resource.bind(() => storage.getStore()) as (() => string | undefined) & { asyncResource: AsyncResource };
    expect(bound.asyncResource).toBe(resource);
    bound.asyncResource = other;
    expect(bound.asyncResource).toBe(other);
    expect(bound()).toBe('made');
  });

  it('refuses what is not a function with Node’s own error', () => {
    const resource = new AsyncResource('spec');
    expect(() => resource.bind('not a function' as unknown as () => void)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });
});
