/**
 * The access-check reference: Fastify alone, parsing a JSON body and answering a fixed JSON reply,
 * in a process of its own like Admit's intake. What a check costs in Admit beyond this is Admit's.
 * Prints `listening on <url>` when ready.
 */
import Fastify from 'fastify';

const REPLY = { decision: 'allow', reasons: [], check_id: '00000000-0000-4000-8000-000000000000', admission_age_s: 0 };

async function main(): Promise<void> {
  const app = Fastify({ logger: false });
  app.post('/access-checks', async (request) => {
    if (typeof (request.body as { client_id?: unknown }).client_id !== 'string') throw new Error('client_id is required');
    return REPLY;
  });
  console.log(`listening on ${await app.listen({ host: '127.0.0.1', port: 0 })}`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
