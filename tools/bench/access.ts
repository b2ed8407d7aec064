import { adminTokenEntryYaml, AdminScope, hashAdminToken, newAdminToken } from '@admit/platform';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Figure, figure, timeConcurrent } from './figures';

const figureP99 = (latencies: number[]) => figure('', latencies).p99;
import { withAdmit } from './stacks';

const CLIENTS = 50;
const CHECKS = Number(process.env.BENCH_ACCESS_CHECKS ?? 5_000);
const CONCURRENCY = 32;
const REVOCATIONS = Number(process.env.BENCH_REVOCATIONS ?? 40);

/**
 * Distributed, every service its own process. Fast-path access checks: admitted clients, fresh
 * admissions, decided in intake alone. Revocation propagation: from `POST /revocations` (revocation
 * process) until intake (another process) denies, polled back to back.
 */
export async function accessFigures(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'admit-bench-admin-'));
  const token = newAdminToken();
  const tokensFile = join(dir, 'admin-tokens.yaml');
  writeFileSync(tokensFile, `tokens:\n${adminTokenEntryYaml({ name: 'bench', sha256: hashAdminToken(token), scopes: [AdminScope.RevocationsWrite] })}\n`);
  try {
    return await withAdmit('distributed', { ADMIT_ADMIN_TOKENS_FILE: tokensFile }, async (stack) => {
      const intake = stack.intakeUrl;
      const revocation = stack.apps.find((a) => a.name === 'revocation')!.url;
      const register = async (): Promise<string> => {
        const body = { redirect_uris: ['https://bench.example/cb'], client_name: `bench ${randomBytes(6).toString('hex')}` };
        return ((await post(`${intake}/register`, body, 201)) as { client_id: string }).client_id;
      };
      const check = async (clientId: string): Promise<string> =>
        ((await post(`${intake}/access-checks`, { client_id: clientId, action: 'read_files' }, 200)) as { decision: string }).decision;

      const clients = await Promise.all(Array.from({ length: CLIENTS }, register));
      await timeConcurrent(500, CONCURRENCY, (i) => check(clients[i % CLIENTS]));
      await stack.memory(); // marks the start of the measured phase in CPU profiles (BENCH_CPU_PROFILE=1)
      const fast = await timeConcurrent(CHECKS, CONCURRENCY, async (i) => {
        if ((await check(clients[i % CLIENTS])) !== 'allow') throw new Error('a fast-path check was denied');
      });

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
        figure(`access checks, fast path, ${CONCURRENCY} concurrent (distributed)`, fast.latencies, { rate: fast.rate, target: '>= 10,000/s, p99 <= 5 ms', met: fast.rate >= 10_000 && figureP99(fast.latencies) <= 5 }),
        figure('revocation propagation, POST /revocations to intake deny (distributed)', propagation, { target: 'p99 <= 1 s', met: figureP99(propagation) <= 1_000 }),
      ];
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function post(url: string, body: unknown, expected: number, token?: string): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const answer: unknown = await res.json();
  if (res.status !== expected) throw new Error(`POST ${url} answered ${res.status}, expected ${expected}: ${JSON.stringify(answer)}`);
  return answer;
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
