import { FetchError } from '@admit/metadata';
import { AnchorKeys, buildTrustAnchors, StatementVerifier } from '@admit/trust';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createPublicKey, verify } from 'node:crypto';
import { promisify } from 'node:util';
import { Figure, figure, timeConcurrent, timeSequential } from './figures';

const COUNT = 2_200;
const ISSUER = 'https://directory.example';
/** Statements verified at once in the concurrent rows: a batch of different clients, as the validator takes them. */
const AT_ONCE = 16;
const verifyAsync = promisify(verify);

/**
 * Software statement verification (ES256) as the validator runs it, first-seen (every statement new)
 * and repeated (one statement again and again), against raw node:crypto ECDSA verification of the
 * same signatures, measured in the same run.
 */
export async function statementFigures(): Promise<Figure[]> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1' };
  const anchors = buildTrustAnchors({ anchors: [{ id: 'dir', issuer: ISSUER, algorithms: ['ES256'], max_age_s: 3600, required_claims: ['software_id'], jwks: { keys: [jwk] } }] });
  const keys = new AnchorKeys(anchors, {
    fetcher: { fetch: () => Promise.reject(new FetchError('ERR_FETCH_BLOCKED_ADDRESS', 'the bench fetches nothing')) },
  });
  const verifier = new StatementVerifier({ anchors, keys, clock: () => new Date() });
  const statements = await Promise.all(
    Array.from({ length: COUNT }, (_, i) =>
      new SignJWT({ iss: ISSUER, software_id: `bench-${i}`, redirect_uris: ['https://bench.example/cb'] })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey),
    ),
  );
  const verifyOk = async (jwt: string, by = verifier) => {
    if (!(await by.verify(jwt)).ok) throw new Error('bench statement failed to verify');
  };
  const warmup = statements.slice(0, 200);
  const measured = statements.slice(200);
  await timeSequential(warmup.length, (i) => verifyOk(warmup[i])); // JIT and key import

  const first = await timeSequential(measured.length, (i) => verifyOk(measured[i]));
  const repeated = await timeSequential(measured.length, () => verifyOk(measured[0]));
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const signed = measured.map((jwt) => {
    const [header, payload, signature] = jwt.split('.');
    return { input: Buffer.from(`${header}.${payload}`), signature: Buffer.from(signature, 'base64url') };
  });
  const raw = await timeSequential(signed.length, (i) => {
    if (!verify('sha256', signed[i].input, { key, dsaEncoding: 'ieee-p1363' }, signed[i].signature)) throw new Error('raw verify failed');
  });
  const vsRaw = (rate: number) => ({ to: 'raw node:crypto verify', value: rate / raw.rate });

  // As the validator runs them: a batch of different clients' statements at once (jose verifies on
  // libuv's thread pool), against node:crypto's own asynchronous verify, also on the pool, at once.
  const fresh = new StatementVerifier({ anchors, keys, clock: () => new Date() });
  const firstAtOnce = await timeConcurrent(measured.length, AT_ONCE, (i) => verifyOk(measured[i], fresh));
  const rawAtOnce = await timeConcurrent(signed.length, AT_ONCE, async (i) => {
    if (!(await verifyAsync('sha256', signed[i].input, { key, dsaEncoding: 'ieee-p1363' }, signed[i].signature))) throw new Error('raw verify failed');
  });
  const vsRawAtOnce = { to: `raw node:crypto verify, ${AT_ONCE} at once`, value: firstAtOnce.rate / rawAtOnce.rate };
  return [
    figure('software statement verify, ES256, first-seen, one at a time', first.latencies, { rate: first.rate, ratio: vsRaw(first.rate) }),
    figure(`software statement verify, ES256, first-seen, ${AT_ONCE} at once`, firstAtOnce.latencies, { rate: firstAtOnce.rate, ratio: vsRawAtOnce, target: '>= 0.6x raw crypto', met: vsRawAtOnce.value >= 0.6 }),
    figure('software statement verify, ES256, repeated', repeated.latencies, { rate: repeated.rate, ratio: vsRaw(repeated.rate) }),
    figure('raw node:crypto ES256 verify, one at a time (reference)', raw.latencies, { rate: raw.rate }),
    figure(`raw node:crypto ES256 verify, ${AT_ONCE} at once (reference)`, rawAtOnce.latencies, { rate: rawAtOnce.rate }),
  ];
}
