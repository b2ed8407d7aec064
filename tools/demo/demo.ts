/**
 * `npm run demo`: a guided tour of Admit that runs. It starts embedded Admit in a temporary folder
 * on a free port, admits clients (a signed software statement, a fetched metadata document, an
 * OpenID Federation leaf), checks, revokes and denies one, admits a SPIFFE workload by its JWT-SVID
 * and cuts its namespace, shows its audit timeline, verifies the chain, writes the evidence
 * report and stops Admit. It prints no token: the admin token stays in the temporary folder.
 */
import { ROOT, Stack, startEmbedded } from '@admit/launcher';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { DEMO_TRUST_DOMAIN, makeAnchor, makeTrustDomain, serveDocument, serveFederationLeaf } from './demo-fixtures';

/** Admit's issuer in the demo: the audience every JWT-SVID presented to it names. */
const DEMO_ADMIT_ISSUER = 'https://admit.demo.example';

let stepNo = 0;
const step = (title: string, what: string) => console.log(`\n${++stepNo}. ${title}\n   ${what}`);
const show = (text: string) => text.trim() && console.log(text.trimEnd().replace(/^/gm, '   | '));

/**
 * Polls until `probe` returns a value, for at most 30 s: events travel the bus asynchronously, and
 * the deadline is generous so a busy machine (CI, the e2e suite) is not mistaken for a failure.
 */
async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await delay(100)) {
    const value = await probe();
    if (value !== undefined) return value;
  }
  throw new Error(`gave up waiting for ${what}`);
}

/**
 * `npx admit audit …` as you would run it, with the admin token in the environment (never on the
 * command line). Asynchronous: a blocked event loop would keep reusing sockets the server closed.
 */
async function admitCli(args: string[], token: string): Promise<string> {
  console.log(`   $ npx admit audit ${args.join(' ')}`);
  const cli = [join(ROOT, 'tools', 'cli', 'bin', 'admit.js'), 'audit', ...args];
  const run = await promisify(execFile)(process.execPath, cli, { cwd: ROOT, env: { ...process.env, ADMIT_ADMIN_TOKEN: token } }).catch((err: { code?: number; stderr?: string }) => {
    throw new Error(`admit audit ${args[0]} exited with ${err.code}: ${err.stderr}`);
  });
  return run.stdout;
}

interface Clients {
  documentUrl: string;
  federation: { leafId: string; intermediateId: string };
  /** Signs a JWT-SVID of the demo's trust domain for Admit. */
  svid: (spiffeId: string) => Promise<string>;
}

async function tour(stack: Stack, dataDir: string, reportDir: string, sign: (claims: Record<string, unknown>) => Promise<string>, { documentUrl, federation, svid }: Clients, startedAt: Date): Promise<void> {
  const url = stack.intakeUrl;
  const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
  const call = async (method: string, path: string, body?: unknown, auth = false) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${token}` } : {}) };
    const res = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON answers of several shapes
  };
  const expectStatus = (got: { status: number; body: unknown }, want: number) => {
    if (got.status !== want) throw new Error(`expected ${want}, got ${got.status}: ${JSON.stringify(got.body)}`);
  };

  step('Register a client with a signed software statement', 'POST /register {software_statement}: a JWT signed by the trust anchor "demo-directory", verified against its key.');
  const registered = await call('POST', '/register', { software_statement: await sign({ software_id: 'demo-cli', client_name: 'Demo CLI', redirect_uris: ['https://cli.demo.example/cb'] }) });
  expectStatus(registered, 201);
  const clientId = registered.body.client_id as string;
  show(`201 client_id=${clientId} software_id=${registered.body.software_id}\nthe client id is derived from the anchor and software_id: registering again gives the same one\nthe answer carries an admission token (admission+jwt, not shown), verifiable at ${url}/.well-known/jwks.json`);

  step('Admit a client by its metadata document (CIMD)', 'POST /admissions {client_id: <https URL>}: Admit fetches the document through its SSRF guard and checks it names itself.');
  const admitted = await call('POST', '/admissions', { client_id: documentUrl });
  expectStatus(admitted, 200);
  show(`200 client_id=${admitted.body.client_id} client_name=${admitted.body.client_name}`);

  step('Admit an OpenID Federation leaf (automatic registration)', 'POST /admissions {client_id: <entity id>, source: openid_federation}: Admit resolves the trust chain leaf -> intermediate -> the pinned trust anchor.');
  const federated = await call('POST', '/admissions', { client_id: federation.leafId, source: 'openid_federation' });
  expectStatus(federated, 200);
  show(`200 client_id=${federated.body.client_id} client_name=${federated.body.client_name}\nthrough ${federation.intermediateId}, under trust anchor "demo-federation"; the admission ends no later than the chain`);

  step('Check access before a sensitive call', `POST /access-checks for ${clientId}: decided from its fresh admission, with the active Cedar policy.`);
  const allowed = await call('POST', '/access-checks', { client_id: clientId, action: 'tools/call:search' });
  expectStatus(allowed, 200);
  show(`decision=${allowed.body.decision} admission_age_s=${allowed.body.admission_age_s}`);
  if (allowed.body.decision !== 'allow') throw new Error(`expected allow: ${JSON.stringify(allowed.body.reasons)}`);

  step('Revoke the client', `POST /revocations {kind: client_id}, with the development admin token embedded mode wrote to <data dir>/admin-token.`);
  const revoked = await call('POST', '/revocations', { kind: 'client_id', value: clientId, reason: 'demo: the key was leaked' }, true);
  expectStatus(revoked, 201);
  show(`201 revocation ${revoked.body.id} by ${revoked.body.actor}: published on admit.revocations.v1, which every service follows`);

  step('The same access check is now denied', 'Intake applies the revocation as soon as it reads it from the topic.');
  const denied = await until('the denial', async () => {
    const res = await call('POST', '/access-checks', { client_id: clientId, action: 'tools/call:search' });
    return res.body.decision === 'deny' ? res : undefined;
  });
  show(`decision=${denied.body.decision} reasons=${denied.body.reasons.map((r: { code: string }) => r.code).join(',')}`);

  const workload = `spiffe://${DEMO_TRUST_DOMAIN}/ns/payments/api`;
  const namespace = `spiffe://${DEMO_TRUST_DOMAIN}/ns/payments`;
  step(
    'Admit a workload by its SPIFFE JWT-SVID, then cut its namespace',
    `POST /admissions {client_assertion_type: jwt-spiffe, client_assertion: <SVID>}; then POST /revocations {kind: spiffe_prefix, value: ${namespace}}.`,
  );
  const workloadAdmitted = await call('POST', '/admissions', { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-spiffe', client_assertion: await svid(workload) });
  expectStatus(workloadAdmitted, 200);
  const workloadCheck = () => call('POST', '/access-checks', { client_id: workload, action: 'payments/refund' });
  const workloadAllowed = await workloadCheck();
  show(
    `200 client_id=${workloadAdmitted.body.client_id} client_name=${workloadAdmitted.body.client_name}\nthe SVID, signed with the trust domain's pinned bundle, names the workload; its metadata is the anchor's template for ns/payments/\ndecision=${workloadAllowed.body.decision}`,
  );
  if (workloadAllowed.body.decision !== 'allow') throw new Error(`expected allow: ${JSON.stringify(workloadAllowed.body.reasons)}`);
  expectStatus(await call('POST', '/revocations', { kind: 'spiffe_prefix', value: namespace, reason: 'demo: the payments namespace is compromised' }, true), 201);
  const workloadDenied = await until('the namespace revocation', async () => {
    const res = await workloadCheck();
    return res.body.decision === 'deny' ? res : undefined;
  });
  show(`revoked ${namespace}: every workload under it, by whole path segments\ndecision=${workloadDenied.body.decision} reasons=${workloadDenied.body.reasons.map((r: { code: string }) => r.code).join(',')}`);

  step("The client's audit timeline", 'Every step above is an event in the hash-chained audit store, read through the audit API (itself audited).');
  await until('the denial in the audit store', async () => {
    const t = await call('GET', `/audit/clients/${encodeURIComponent(clientId)}/timeline`, undefined, true);
    return t.body.events?.some((e: { type: string; data: { decision?: string } }) => e.type === 'admit.access.checked.v1' && e.data.decision === 'deny') ? t : undefined;
  });
  show(await admitCli(['timeline', '--url', url, '--client_id', clientId], token));

  step('Verify the chain', 'Recomputes every link of every chain (SHA-256 over RFC 8785 JSON) and checks the signed checkpoints.');
  show(await admitCli(['verify', '--url', url], token));

  step('The evidence report', 'Figures for a time window, mapped to NIST CSF 2.0 PR.AA-01, the OWASP NHI Top 10 and OWASP Agentic AI threats.');
  const window = { from: new Date(startedAt.getTime() - 60_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() };
  const file = join(reportDir, 'evidence-report.html');
  show(await admitCli(['report', '--url', url, '--from', window.from, '--to', window.to, '--format', 'html', '--out', file], token));
  const { body: report } = await call('GET', `/audit/report?from=${window.from}&to=${window.to}`, undefined, true);
  const f = report.figures;
  show(
    [
      `admissions by source: ${JSON.stringify(f.admissions_by_source.by_source)}`,
      `backed by signed or fetched metadata: ${f.metadata_backing.backed} of ${f.metadata_backing.admissions}`,
      `access checks: ${f.revalidation.access_checks.total} (${f.revalidation.access_checks.deny} denied)`,
      `revocations: ${f.revocations.total}, took effect after ${f.revocations.items.map((i: { seconds_to_effect: number | null }) => (i.seconds_to_effect === null ? 'not observed' : `${i.seconds_to_effect} s`)).join(', ')}`,
      `denials by reason: ${f.denials_by_reason.reasons.map((r: { code: string; total: number }) => `${r.code}=${r.total}`).join(', ')}`,
      `the report: ${file}`,
    ].join('\n'),
  );
}

async function main(): Promise<number> {
  const startedAt = new Date();
  if (!existsSync(join(ROOT, 'dist', 'apps', 'embedded', 'main.js'))) {
    console.log('Building Admit first (npm run build)…');
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', shell: process.platform === 'win32' });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'admit-demo-'));
  const reportDir = mkdtempSync(join(tmpdir(), 'admit-demo-report-'));
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir);
  const anchor = await makeAnchor(dir);
  const { fixture, clientId: documentUrl } = await serveDocument();
  const federation = await serveFederationLeaf(fixture, anchor.file);
  const svid = await makeTrustDomain(anchor.file, DEMO_ADMIT_ISSUER);
  let stack: Stack | undefined;
  try {
    console.log('Starting embedded Admit (all five services in one process, PGlite in a temporary folder)…');
    stack = await startEmbedded({
      env: {
        ADMIT_DATA_DIR: dataDir,
        ADMIT_HTTP_PORT: '0',
        ADMIT_LOG_LEVEL: 'warn',
        ADMIT_TRUST_ANCHORS_FILE: anchor.file,
        ADMIT_ISSUER: DEMO_ADMIT_ISSUER,
        ADMIT_FETCH_ALLOW_HOSTS: `localhost:${fixture.port}`,
        ADMIT_FETCH_CA_FILE: fixture.caFile,
      },
    });
    console.log(`Admit is listening on ${stack.intakeUrl}`);
    await tour(stack, dataDir, reportDir, anchor.sign, { documentUrl, federation, svid }, startedAt);
    const { embedded: code } = await stack.stop();
    stack = undefined;
    if (code !== 0) throw new Error(`Admit exited with ${code}`);
    console.log('\nAdmit stopped cleanly (exit 0). The temporary data folder is removed; the report stays where it is printed above.');
    return 0;
  } catch (err) {
    console.error(`\nThe demo failed: ${err instanceof Error ? err.message : String(err)}`);
    if (stack) console.error(`Admit's last lines:\n${stack.apps[0].output()}`);
    rmSync(reportDir, { recursive: true, force: true });
    return 1;
  } finally {
    await stack?.stop();
    await fixture.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
