// Real: RateLimits, RequestError and the HTTP answer it gets. Nothing stubbed; the clock is a variable.
import { RequestError } from '@admit/contracts';
import { errorAnswer } from '@admit/platform';
import { RateLimitOptions, RateLimits, rateKeyOf } from './rate-limits';

const T0 = Date.parse('2026-06-01T12:00:00.000Z');

describe('RateLimits', () => {
  let now: number;
  const limits = (options: Partial<RateLimitOptions> = {}) => new RateLimits({ windowS: 10, perClient: 3, global: 5, perSource: 0, ...options }, () => now);
  beforeEach(() => (now = T0));

  /** The 429 a take throws, or undefined when the request is let through. */
  const refusal = (take: () => void): { status: number; error: string; retryAfter: string } | undefined => {
    try {
      take();
      return undefined;
    } catch (err) {
      if (!(err instanceof RequestError)) throw err;
      return { status: errorAnswer(err).status, error: (errorAnswer(err).body as { error: string }).error, retryAfter: errorAnswer(err).headers['retry-after'] };
    }
  };

  it('a client past its limit gets 429 ERR_TOO_MANY_REQUESTS with Retry-After: the seconds left in the window', () => {
    const l = limits();
    now = T0 + 2_500;
    for (let i = 0; i < 3; i++) expect(refusal(() => l.take('access-checks', 's_a', '10.0.0.1'))).toBeUndefined();
    expect(refusal(() => l.take('access-checks', 's_a', '10.0.0.1'))).toEqual({ status: 429, error: 'ERR_TOO_MANY_REQUESTS', retryAfter: '8' });
    now = T0 + 9_999;
    expect(refusal(() => l.take('access-checks', 's_a', '10.0.0.1'))?.retryAfter).toBe('1');
    now = T0 + 10_000; // a new window
    expect(refusal(() => l.take('access-checks', 's_a', '10.0.0.1'))).toBeUndefined();
  });

  it('per-client isolation: one client throttled, another not', () => {
    const l = limits({ global: 100 });
    for (let i = 0; i < 3; i++) l.take('register', 'c_greedy', '10.0.0.1');
    expect(refusal(() => l.take('register', 'c_greedy', '10.0.0.1'))?.status).toBe(429);
    for (let i = 0; i < 3; i++) expect(refusal(() => l.take('register', 'c_other', '10.0.0.1'))).toBeUndefined();
  });

  it('each route counts on its own', () => {
    const l = limits();
    for (let i = 0; i < 3; i++) l.take('access-checks', 's_a', '10.0.0.1');
    expect(refusal(() => l.take('access-checks', 's_a', '10.0.0.1'))?.status).toBe(429);
    expect(refusal(() => l.take('register', 's_a', '10.0.0.1'))).toBeUndefined();
  });

  it('the global ceiling refuses every client once reached, and throttled requests spend none of it', () => {
    const l = limits();
    for (let i = 0; i < 3; i++) l.take('admissions', 'https://a.example/c.json', '10.0.0.1');
    // Refused by its client limit: counted nowhere.
    for (let i = 0; i < 10; i++) expect(refusal(() => l.take('admissions', 'https://a.example/c.json', '10.0.0.1'))?.status).toBe(429);
    l.take('admissions', 'https://b.example/c.json', '10.0.0.1');
    l.take('admissions', 'https://c.example/c.json', '10.0.0.1');
    expect(refusal(() => l.take('admissions', 'https://d.example/c.json', '10.0.0.1'))).toEqual({ status: 429, error: 'ERR_TOO_MANY_REQUESTS', retryAfter: '10' });
  });

  it('a CIMD client counts by its host: documents on one host share a limit, other hosts do not', () => {
    const l = limits({ global: 100 });
    for (let i = 0; i < 3; i++) l.take('admissions', `https://tenants.example/c/${i}.json`, '10.0.0.1');
    expect(refusal(() => l.take('admissions', 'https://TENANTS.example:443/c/other.json', '10.0.0.1'))?.status).toBe(429);
    expect(refusal(() => l.take('admissions', 'https://elsewhere.example/c/0.json', '10.0.0.1'))).toBeUndefined();
    expect(rateKeyOf('https://tenants.example/c/1.json')).toBe('https://tenants.example');
    expect(rateKeyOf('s_abc')).toBe('s_abc');
  });

  it('source addresses are not counted by default (gateways share one)', () => {
    const l = limits({ global: 100 });
    for (let i = 0; i < 20; i++) expect(refusal(() => l.take('access-checks', `s_${i}`, '10.0.0.1'))).toBeUndefined();
  });

  it('the source-address layer, when on, throttles one address across clients and leaves another address alone', () => {
    const l = limits({ global: 100, perSource: 2 });
    l.take('access-checks', 's_1', '10.0.0.1');
    l.take('access-checks', 's_2', '10.0.0.1');
    expect(refusal(() => l.take('access-checks', 's_3', '10.0.0.1'))?.status).toBe(429);
    expect(refusal(() => l.take('access-checks', 's_3', '10.0.0.2'))).toBeUndefined();
  });
});
