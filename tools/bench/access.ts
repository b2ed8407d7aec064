import { adminTokenEntryYaml, AdminScope, hashAdminToken, newAdminToken } from '@admit/platform';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createPublicKey, randomBytes, randomUUID, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Figure, figure, timeConcurrent, timeSequential } from './figures';
import { postJson } from './http-client';
import { LoadResult, openLoop } from './load';
import { withReference } from './reference/reference';
import { withAdmit } from './stacks';
import { bench, BENCH_BROKERS, BENCH_CPU_PROFILE } from './bench-config';
import { KafkaConnection } from '@admit/bus';
import { encodeEvent, EventData, newEvent, Topic } from '@admit/contracts';
import { splitList } from '@admit/platform';
import { cpuPerOperation } from './proc-cpu';

const figureP99 = (latencies: number[]) => figure('', latencies).p99;

const CLIENTS = 50;
const ACTIONS = ['read_files', 'list_files', 'send_mail', 'search'];
const CHECKS = bench.BENCH_ACCESS_CHECKS;
/** Each of these clients is checked once: no check repeats another. */
const DISTINCT_CLIENTS = bench.BENCH_ACCESS_DISTINCT_CLIENTS;
const CONCURRENCY = 32;
const OFFERED_RATE = 1_000;
const REVOCATIONS = bench.BENCH_REVOCATIONS;
/**
 * Requests sent to the reference, and checks to Admit, before either is measured. Both the server
 * and the load generator run several times faster once V8 has compiled their hot paths: after 500
 * requests the reference still answered at less than half its warm rate.
 */
const WARMUP = 10_000;
/** The action the warm-up of the each-client-once row asks; the row itself asks read_files. */
const MISS_WARMUP_ACTION = 'search';
const ADMIT_ISSUER = 'https://admit.bench';

/**
 * Distributed, every service its own process. The reference first: a bare Fastify server answering
 * the same request with a fixed reply, under the same load (closed loop, and open loop at the
 * latency row's offered rate). Fast-path access checks on admitted clients with fresh admissions,
 * decided in intake alone: repeated checks (50 clients, a few actions each) and checks that repeat
 * nothing (5,000 distinct clients), each as a ratio to the reference. Revocation propagation: from
 * `POST /revocations` (revocation process) until intake (another process) denies, polled back to back.
 */
export async function accessFigures(): Promise<Figure[]> {
  const reference = await withReference(async (url, pid) => {
    const check = (i: number) => post(`${url}/access-checks`, { client_id: `c_${String(i % CLIENTS).padStart(22, '0')}`, action: ACTIONS[i % ACTIONS.length] }, 200);
    await timeConcurrent(WARMUP, CONCURRENCY, check);
    const { result: run, perOperation: cpu } = await cpuPerOperation([{ name: 'reference', pid }], CHECKS, () => timeConcurrent(CHECKS, CONCURRENCY, check));
    const offered = await openLoop(OFFERED_RATE, CHECKS, check);
    const figures = [
      figure(`reference: bare Fastify JSON POST, fixed reply, ${CONCURRENCY} concurrent`, run.latencies, { rate: run.rate, detail: perCall('cpuMsPerRequest', cpu) }),
      figure(`reference: bare Fastify JSON POST, fixed reply, ${OFFERED_RATE.toLocaleString('en')}/s offered`, offered.latencies, { rate: offered.rate }),
    ];
    return { figures, cpu };
  });
  const [closed, offered] = reference.figures;
  const toReference = (rate: number) => ({ to: 'bare Fastify reference', value: rate / closed.rate! });
  return [...reference.figures, ...(await admitFigures(toReference, offered.p99, reference.cpu))];
}

/** CPU ms per call by process, as a figure's detail. */
function perCall(unit: string, cpu: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(cpu).map(([name, ms]) => [`${unit}.${name}`, ms]));
}

const sum = (cpu: Record<string, number>) => Object.values(cpu).reduce((total, ms) => total + ms, 0);

/**
 * What bounds the closed-loop ratio on this machine, whose two cores run the load generator, intake
 * and the check's evidence path (the broker, audit and PostgreSQL) alike. `ceiling`: the ratio a check
 * would reach if intake cost no more CPU than the bare server, while the rest of the machine spent
 * what it spent per check here. `intakeToServer`: intake's CPU per check ÷ the bare server's per
 * request; 2 or less is the 0.5× target for what intake itself spends.
 */
function bounds(check: Record<string, number>, reference: Record<string, number>): Record<string, number> {
  const rest = sum(check) - check.intake - check.generator;
  return { ceiling: sum(reference) / (sum(reference) + rest), intakeToServer: check.intake / reference.reference };
}

/**
 * `referenceP99`: the bare reference's p99 at the offered rate, one of the two floors of the latency
 * row; `referenceCpu`: what each process spent per request of the reference's closed loop.
 */
async function admitFigures(toReference: (rate: number) => Figure['ratio'], referenceP99: number, referenceCpu: Record<string, number>): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'admit-bench-admin-'));
  const token = newAdminToken();
  const tokensFile = join(dir, 'admin-tokens.yaml');
  writeFileSync(tokensFile, `tokens:\n${adminTokenEntryYaml({ name: 'bench', sha256: hashAdminToken(token), scopes: [AdminScope.RevocationsWrite] })}\n`);
  try {
    return await withAdmit('distributed', { ADMIT_ADMIN_TOKENS_FILE: tokensFile, ADMIT_ISSUER }, async (stack) => {
      const intake = stack.intakeUrl;
      const revocation = stack.apps.find((a) => a.name === 'revocation')!.url;
      const register = async (): Promise<string> => {
        const body = { redirect_uris: ['https://bench.example/cb'], client_name: `bench ${randomBytes(6).toString('hex')}` };
        return ((await post(`${intake}/register`, body, 201)) as { client_id: string }).client_id;
      };
      const check = async (clientId: string, action = 'read_files'): Promise<string> =>
        ((await post(`${intake}/access-checks`, { client_id: clientId, action }, 200)) as { decision: string }).decision;
      const allowed = async (clientId: string, action?: string) => {
        if ((await check(clientId, action)) !== 'allow') throw new Error('a fast-path check was denied');
      };

      const clients = await Promise.all(Array.from({ length: CLIENTS }, register));
      const distinct: string[] = [];
      await timeConcurrent(DISTINCT_CLIENTS, CONCURRENCY, async () => distinct.push(await register()));
      await timeConcurrent(WARMUP, CONCURRENCY, (i) => check(clients[i % CLIENTS], ACTIONS[i % ACTIONS.length]));
      // Repeated checks seldom reach Cedar (the decision cache), so that warm-up leaves Cedar's code
      // cold for the row of checks that each reach it. Warm it on the same clients with an action
      // that row never asks: each of its checks still misses the decision cache.
      await timeConcurrent(distinct.length, CONCURRENCY, (i) => check(distinct[i], MISS_WARMUP_ACTION));
      if (BENCH_CPU_PROFILE) await stack.memory(); // marks the start of the measured phase in CPU profiles
      const processes = stack.apps.map(({ name, child }) => ({ name, pid: child.pid! }));
      const fast = await cpuPerOperation(processes, CHECKS, () => timeConcurrent(CHECKS, CONCURRENCY, (i) => allowed(clients[i % CLIENTS], ACTIONS[i % ACTIONS.length])));
      const misses = await cpuPerOperation(processes, distinct.length, () => timeConcurrent(distinct.length, CONCURRENCY, (i) => allowed(distinct[i])));
      const evidence = await evidenceFloor(stack.topicPrefix!, clients);
      const offered = await cpuPerOperation(processes, CHECKS, () => openLoop(OFFERED_RATE, CHECKS, (i) => allowed(clients[i % CLIENTS], ACTIONS[i % ACTIONS.length])));
      const offeredP99 = figureP99(offered.result.latencies);
      const asserting = await assertingClients(async (jwk) => {
        const body = { redirect_uris: ['https://bench.example/cb'], client_name: `bench ${randomBytes(6).toString('hex')}`, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } };
        return ((await post(`${intake}/register`, body, 201)) as { client_id: string }).client_id;
      });
      const withAssertion = await timeConcurrent(asserting.checks.length, CONCURRENCY, async (i) => {
        const { clientId, assertion } = asserting.checks[i];
        const answer = (await post(`${intake}/access-checks`, { client_id: clientId, action: 'read_files', client_assertion: assertion }, 200)) as { decision: string; reasons: unknown };
        if (answer.decision !== 'allow') throw new Error(`a check with a client assertion was denied: ${JSON.stringify(answer.reasons)}`);
      });
      const toRawVerify = { to: 'raw node:crypto verify', value: withAssertion.rate / asserting.rawVerifyRate };

      const propagation: number[] = [];
      for (let i = 0; i < REVOCATIONS; i++) {
        const clientId = await register();
        if ((await check(clientId)) !== 'allow') throw new Error('a fresh client was denied');
        const started = performance.now();
        await post(`${revocation}/revocations`, { kind: 'client_id', value: clientId, reason: 'bench' }, 201, token);
        while ((await check(clientId)) !== 'deny') {
          if (performance.now() - started > 10_000) throw new Error('a revocation did not reach intake within 10 s');
        }
        propagation.push(performance.now() - started);
      }
      return [
        figure(`access checks, fast path, repeated (${CLIENTS} clients x ${ACTIONS.length} actions), ${CONCURRENCY} concurrent (distributed)`, fast.result.latencies, {
          rate: fast.result.rate,
          ratio: toReference(fast.result.rate),
          target: '>= 0.5x reference',
          met: toReference(fast.result.rate)!.value >= 0.5,
          detail: { ...perCall('cpuMsPerCheck', fast.perOperation), ...bounds(fast.perOperation, referenceCpu) },
        }),
        figure(`access checks, fast path, each client once (${distinct.length} clients), ${CONCURRENCY} concurrent (distributed)`, misses.result.latencies, {
          rate: misses.result.rate,
          ratio: toReference(misses.result.rate),
          target: '>= 0.25x reference',
          met: toReference(misses.result.rate)!.value >= 0.25,
          detail: { ...perCall('cpuMsPerCheck', misses.perOperation), ...bounds(misses.perOperation, referenceCpu) },
        }),
        figure(`access checks, fast path, repeated, ${OFFERED_RATE.toLocaleString('en')}/s offered (distributed)`, offered.result.latencies, {
          rate: offered.result.rate,
          // A check answers over HTTP and waits for its evidence: its p99 cannot go below the two floors' summed.
          ratio: { to: "the two floors' p99 summed", value: offeredP99 / (referenceP99 + figureP99(evidence.latencies)) },
          ...(offered.result.failed ? { failed: offered.result.failed } : {}),
          target: 'p99 <= 5 ms',
          met: !offered.result.failed && offeredP99 <= 5,
          // What each process on the machine spent per check: with the rate, how busy the two cores were.
          detail: { ...perCall('cpuMsPerCheck', offered.perOperation), cores: (sum(offered.perOperation) * offered.result.rate) / 1000 },
        }),
        figure(`reference: an access.checked event put on the stack's topic as intake does (acks=all), ${OFFERED_RATE.toLocaleString('en')}/s offered`, evidence.latencies, {
          rate: evidence.rate,
        }),
        figure(`access checks with a client assertion (ES256, a new jti each), ${CONCURRENCY} concurrent (distributed)`, withAssertion.latencies, {
          rate: withAssertion.rate,
          ratio: toRawVerify,
          target: '>= 0.4x raw crypto',
          met: toRawVerify.value >= 0.4,
        }),
        figure('raw node:crypto ES256 verify of the same assertions, one at a time (reference)', asserting.rawLatencies, { rate: asserting.rawVerifyRate }),
        figure('revocation propagation, POST /revocations to intake deny (distributed)', propagation, { target: 'p99 <= 100 ms', met: figureP99(propagation) <= 100 }),
      ];
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The floor under a fast-path check's latency in distributed mode: its evidence made durable. The
 * same event a check publishes, sent through the sender intake uses (one idempotent producer,
 * acks=all, sends queued while a request is in flight) to the running stack's own topic, at the
 * offered rate of the check row; the stack's audit stores these events as it stores checks'.
 */
async function evidenceFloor(topicPrefix: string, clients: string[]): Promise<LoadResult> {
  const connection = new KafkaConnection({ brokers: splitList(BENCH_BROKERS), clientId: 'admit-bench-evidence', groupPrefix: topicPrefix, topicPrefix });
  try {
    await connection.connectedProducer();
    return await openLoop(OFFERED_RATE, CHECKS, (i) => {
      const data: EventData<typeof Topic.AccessChecked> = {
        check_id: randomUUID(),
        client_id: clients[i % CLIENTS],
        action: ACTIONS[i % ACTIONS.length],
        decision: 'allow',
        reasons: [],
        policy_version: `sha256:${'0'.repeat(64)}`,
        path: 'local',
        admission_age_s: 1,
        checked_at: new Date().toISOString(),
      };
      return connection.send(Topic.AccessChecked, encodeEvent(newEvent(Topic.AccessChecked, data, { source: '/admit/bench', subject: data.client_id })));
    });
  } finally {
    await connection.close();
  }
}

/**
 * 50 clients registered with an ES256 key in their metadata, and one assertion per check signed
 * before the load starts (each with a new jti, so none is refused as a replay), with the rate of
 * raw node:crypto verification of the same assertions in this run.
 */
async function assertingClients(register: (jwk: Record<string, unknown>) => Promise<string>) {
  const keys = await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
      const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
      return { clientId: await register(jwk), privateKey, publicKey: createPublicKey({ key: jwk, format: 'jwk' }) };
    }),
  );
  const checks = await Promise.all(
    Array.from({ length: CHECKS }, async (_, i) => {
      const { clientId, privateKey, publicKey } = keys[i % keys.length];
      const assertion = await new SignJWT({ jti: randomUUID() })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(clientId)
        .setSubject(clientId)
        .setAudience(ADMIT_ISSUER)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
      return { clientId, assertion, publicKey };
    }),
  );
  const signed = checks.map(({ assertion, publicKey }) => {
    const [header, payload, signature] = assertion.split('.');
    return { key: publicKey, input: Buffer.from(`${header}.${payload}`), signature: Buffer.from(signature, 'base64url') };
  });
  const raw = await timeSequential(signed.length, (i) => {
    if (!verify('sha256', signed[i].input, { key: signed[i].key, dsaEncoding: 'ieee-p1363' }, signed[i].signature)) throw new Error('raw verify failed');
  });
  return { checks, rawVerifyRate: raw.rate, rawLatencies: raw.latencies };
}

async function post(url: string, body: unknown, expected: number, token?: string): Promise<unknown> {
  const answer = await postJson(url, body, token ? { authorization: `Bearer ${token}` } : {});
  if (answer.status !== expected) throw new Error(`POST ${url} answered ${answer.status}, expected ${expected}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

// `tsx tools/bench/access.ts` runs these figures alone.
if (require.main === module) {
  void import('./figures').then(({ printTable }) =>
    accessFigures().then(printTable, (err: unknown) => {
      console.error(err);
      process.exit(1);
    }),
  );
}
