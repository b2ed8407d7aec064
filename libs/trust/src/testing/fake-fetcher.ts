import { FetchError, FetchErrorCode, type Fetcher, type FetchOptions, type FetchResponse } from '@admit/metadata';

type Route = { body: Buffer } | { error: FetchError };

/** An in-memory Fetcher for specs: url → body or error, every call recorded, fetches can be held. */
export class FakeFetcher implements Fetcher {
  readonly calls: { url: string; options: FetchOptions }[] = [];
  private readonly routes = new Map<string, Route>();
  private gate?: Promise<void>;

  serveJson(url: string, value: unknown): this {
    this.routes.set(url, { body: Buffer.from(JSON.stringify(value)) });
    return this;
  }

  serveRaw(url: string, body: string): this {
    this.routes.set(url, { body: Buffer.from(body) });
    return this;
  }

  fail(url: string, code: FetchErrorCode): this {
    this.routes.set(url, { error: new FetchError(code, `fake ${code}`) });
    return this;
  }

  /** Holds every fetch until the returned function is called, to observe concurrent callers. */
  hold(): () => void {
    let release!: () => void;
    this.gate = new Promise((resolve) => (release = resolve));
    return () => {
      this.gate = undefined;
      release();
    };
  }

  urls(): string[] {
    return this.calls.map((call) => call.url);
  }

  async fetch(url: string, options: FetchOptions): Promise<FetchResponse> {
    this.calls.push({ url, options });
    await this.gate;
    const route = this.routes.get(url);
    if (!route) throw new FetchError(FetchErrorCode.Status, 'fake 404', 404);
    if ('error' in route) throw route.error;
    if (route.body.length > options.maxBytes) throw new FetchError(FetchErrorCode.TooLarge, 'fake too large');
    return { url, status: 200, headers: { 'content-type': 'application/json' }, body: route.body, fetchedAt: new Date(0) };
  }
}
