import { startHttpsFixture } from '@admit/metadata/testing';
import { Figure, figure, timeConcurrent } from './figures';
import { postJson, withAdmit } from './stacks';

const COUNT = 3_000;
const CONCURRENCY = 16;

/** CIMD admissions in embedded mode once the document is cached: the cost of admitting by URL. */
export async function warmCimdAdmissions(): Promise<Figure> {
  const fixture = await startHttpsFixture();
  try {
    const clientId = `${fixture.origin}/clients/bench.json`;
    fixture.route('/clients/bench.json', {
      body: { client_id: clientId, client_name: 'Bench', redirect_uris: ['https://bench.example/cb'], token_endpoint_auth_method: 'none' },
      headers: { 'cache-control': 'max-age=3600' },
    });
    const env = { ADMIT_FETCH_ALLOW_HOSTS: `localhost:${fixture.port}`, ADMIT_FETCH_CA_FILE: fixture.caFile };
    return await withAdmit('embedded', env, async (stack) => {
      const admit = () => postJson(`${stack.intakeUrl}/admissions`, { client_id: clientId }, 200);
      await timeConcurrent(200, CONCURRENCY, admit);
      const fetchesBefore = fixture.requests.length;
      const { latencies, rate } = await timeConcurrent(COUNT, CONCURRENCY, admit);
      if (fixture.requests.length !== fetchesBefore) throw new Error('the document was fetched again: the cache was not warm');
      return figure(`CIMD admission, warm cache, ${CONCURRENCY} concurrent (embedded)`, latencies, { rate });
    });
  } finally {
    await fixture.close();
  }
}
