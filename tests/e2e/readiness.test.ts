// Real: the built policy app (node dist/apps/policy/main.js), the shared Kafka broker reached through a
// loopback TCP proxy this test closes and reopens (the broker itself is never stopped), and kafkajs.
// Nothing stubbed.
import { RunningApp, startApp } from '@admit/launcher';
import { KafkaProxy } from '../support/kafka-proxy';
import { createTestTopics, KAFKA_BROKERS, TestTopics } from '../support/kafka';
import { eventually } from '../support/poll';

async function readiness(app: RunningApp): Promise<{ status: number; body: { error?: string; error_description?: string; status?: string } }> {
  const res = await fetch(`${app.url}/health/ready`);
  return { status: res.status, body: (await res.json()) as { error?: string; error_description?: string } };
}

describe('/health/ready follows the broker', () => {
  let proxy: KafkaProxy;
  let topics: TestTopics;
  let app: RunningApp;

  beforeAll(async () => {
    [proxy, topics] = await Promise.all([KafkaProxy.start(KAFKA_BROKERS[0]), createTestTopics('ready')]);
    app = await startApp('policy', {
      env: {
        KAFKA_BROKERS: proxy.address,
        ADMIT_KAFKA_TOPIC_PREFIX: topics.prefix,
        ADMIT_KAFKA_GROUP_PREFIX: topics.prefix,
        ADMIT_HTTP_PORT: '0',
      },
    });
  });
  afterAll(async () => {
    await proxy?.open().catch(() => undefined);
    expect(await app?.stop()).toBe(0);
    await proxy?.stop();
    await topics?.drop();
  });

  it('is 200 with the broker, 503 naming kafka without it, and 200 again once it is back', async () => {
    expect(await readiness(app)).toEqual({ status: 200, body: { status: 'ready' } });
    expect((await fetch(`${app.url}/health/live`)).status).toBe(200);

    await proxy.close();
    const down = await eventually('readiness to fail', async () => {
      const r = await readiness(app);
      return r.status === 503 ? r : undefined;
    });
    expect(down.body.error).toBe('ERR_NOT_READY');
    expect(down.body.error_description).toMatch(/^waiting for: .*\bkafka\b/);
    // Liveness does not depend on the broker: restarting the process would not bring it back.
    expect((await fetch(`${app.url}/health/live`)).status).toBe(200);

    await proxy.open();
    expect(await eventually('readiness to recover', async () => {
      const r = await readiness(app);
      return r.status === 200 ? r : undefined;
    }, 60_000)).toEqual({ status: 200, body: { status: 'ready' } });
  });
});
