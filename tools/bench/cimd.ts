import { startHttpsFixture } from '@admit/metadata/testing';
import { Figure, figure, timeConcurrent } from './figures';
import { postJson, withAdmit } from './stacks';

const URLS = 1_000;
const COUNT = 5_000;
const CONCURRENCY = 16;
const TARGET = 2_000;

/**
 * CIMD admissions in embedded mode once the documents are cached: the cost of admitting by URL, over
 * 1,000 distinct document URLs, as many clients as a real deployment sees rather than one.
 */
export async function warmCimdAdmissions(): Promise<Figure> {
  const fixture = await startHttpsFixture();
  try {
    const clientIds = Array.from({ length: URLS }, (_, i) => {
      const path = `/clients/bench-${i}.json`;
      const clientId = `${fixture.origin}${path}`;
      fixture.route(path, {
        body: { client_id: clientId, client_name: `Bench ${i}`, redirect_uris: ['https://bench.example/cb'], token_endpoint_auth_method: 'none' },
        headers: { 'cache-control': 'max-age=3600' },
      });
      return clientId;
    });
    const env = { ADMIT_FETCH_ALLOW_HOSTS: `localhost:${fixture.port}`, ADMIT_FETCH_CA_FILE: fixture.caFile };
    return await withAdmit('embedded', env, async (stack) => {
      const admit = (i: number) => postJson(`${stack.intakeUrl}/admissions`, { client_id: clientIds[i % URLS] }, 200);
      await timeConcurrent(URLS, CONCURRENCY, admit);
      const fetchesBefore = fixture.requests.length;
      const { latencies, rate } = await timeConcurrent(COUNT, CONCURRENCY, admit);
      if (fixture.requests.length !== fetchesBefore) throw new Error('a document was fetched again: the cache was not warm');
      return figure(`CIMD admission, warm cache, ${URLS} URLs, ${CONCURRENCY} concurrent (embedded)`, latencies, {
        rate,
        target: `>= ${TARGET.toLocaleString('en')}/s`,
        met: rate >= TARGET,
      });
    });
  } finally {
    await fixture.close();
  }
}
