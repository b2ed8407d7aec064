import { MetricsPort } from '../metrics-port';
import { FetchError, Fetcher, FetchOptions, FetchResponse } from './fetcher';

/** A Fetcher that reports each fetch's outcome (`ok` or the FetchError code) to `metrics`. */
export class MeasuredFetcher implements Fetcher {
  constructor(
    private readonly inner: Fetcher,
    private readonly metrics: MetricsPort,
  ) {}

  async fetch(url: string, options: FetchOptions): Promise<FetchResponse> {
    try {
      const response = await this.inner.fetch(url, options);
      this.metrics.fetched('ok');
      return response;
    } catch (err) {
      this.metrics.fetched(err instanceof FetchError ? err.code : 'error');
      throw err;
    }
  }
}
