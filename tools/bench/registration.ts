import { randomBytes } from 'node:crypto';
import { Figure, figure, timeSequential } from './figures';
import { Mode, postJson, withAdmit } from './stacks';

const WARMUP = 30;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);

/** Sequential registrations, each with new plain metadata, timed from request to 201. */
export function sequentialRegistration(mode: Mode): Promise<Figure> {
  // Plain metadata is self-asserted: withAdmit runs a policy set that admits it.
  return withAdmit(mode, {}, async (stack) => {
    const register = () =>
      postJson(`${stack.intakeUrl}/register`, { redirect_uris: ['https://bench.example/cb'], client_name: `bench ${randomBytes(6).toString('hex')}` }, 201);
    await timeSequential(WARMUP, register);
    const { latencies, rate } = await timeSequential(SAMPLES, register);
    return figure(`registration, sequential end to end (${mode})`, latencies, { rate });
  });
}
