// Real: kafkajs's RequestQueue with the idle-loop fix applied; timers are jest's fake ones.
import { kafkajsIdleLoopFixed, PATCHED_KAFKAJS_VERSION } from './kafkajs-idle-loop';

const RequestQueue = require('kafkajs/src/network/requestQueue');
const { version } = require('kafkajs/package.json') as { version: string };

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('kafkajs request queue idle loop', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const queue = (maxInFlightRequests = 1) => new RequestQueue({ maxInFlightRequests, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 'spec', broker: 'b:9092', logger: silent });
  const request = (correlationId: number, sent: number[]) => ({
    entry: { correlationId, resolve: () => undefined, reject: () => undefined },
    expectResponse: true,
    sendRequest: () => sent.push(correlationId),
  });

  it('is fixed for the kafkajs version installed (an upgrade must look at the fix again)', () => {
    expect(version).toBe(PATCHED_KAFKAJS_VERSION);
    expect(kafkajsIdleLoopFixed).toBe(true);
  });

  it('arms no timer when nothing is pending and nothing throttled: an idle connection sleeps', () => {
    const q = queue();
    const sent: number[] = [];
    q.push(request(1, sent));
    q.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });
    expect(sent).toEqual([1]);
    expect(q.throttleCheckTimeoutId).toBeNull();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('a request over the in-flight limit is still sent once the one ahead is answered', () => {
    const q = queue(1);
    const sent: number[] = [];
    q.push(request(1, sent));
    q.push(request(2, sent));
    expect(sent).toEqual([1]);
    q.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });
    expect(sent).toEqual([1, 2]);
  });

  it('a request held by a broker throttle is sent when the throttle ends, with no answer to wake it', () => {
    const q = queue(5);
    const sent: number[] = [];
    q.maybeThrottle(50);
    q.push(request(1, sent));
    expect(sent).toEqual([]);
    jest.advanceTimersByTime(60);
    expect(sent).toEqual([1]);
    expect(jest.getTimerCount()).toBe(0);
  });
});
