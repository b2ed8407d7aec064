// The auditor console in a real browser. Real: embedded Admit as `npm start` runs it (built app,
// PGlite, the in-process bus, policies that admit self-asserted metadata), Debian's chromium driven
// by playwright-core with JavaScript switched off (the console needs none), registrations and access
// checks over HTTP. Nothing stubbed. Screenshots of each page go to tests/artifacts/auditor-console/.
import { REVOCATION_KINDS } from '@admit/contracts';
import { Stack, startEmbedded, selfAssertedPolicyDir, PolicyDir } from '@admit/launcher';
import { AdminScope, adminTokenEntryYaml, hashAdminToken, newAdminToken } from '@admit/platform';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Page } from 'playwright-core';
import { Browser, launchBrowser } from '../support/browser';
import { embeddedDataDir } from '../support/embedded-store';
import { eventually } from '../support/poll';

const ARTIFACTS = join(__dirname, '..', 'artifacts', 'auditor-console');
const AUDITOR = newAdminToken();
const REVOKER = newAdminToken();

describe('auditor console in chromium (embedded)', () => {
  let browser: Browser;
  let page: Page;
  let stack: Stack;
  let policies: PolicyDir;
  let dir: string;
  let base: string;
  let jkt: string;
  let clientA: string;
  let clientB: string;
  const csp: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  const register = async (name: string, jwk: Record<string, unknown>): Promise<string> => {
    const res = await post('/register', { redirect_uris: ['https://app.example/cb'], client_name: name, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } });
    const body = (await res.json()) as { client_id?: string };
    if (res.status !== 201 || !body.client_id) throw new Error(`registration answered ${res.status}: ${JSON.stringify(body)}`);
    return body.client_id;
  };
  const check = async (client_id: string) => {
    const res = await post('/access-checks', { client_id, action: 'reports:read' });
    expect(res.status).toBe(200);
    return (await res.json()) as { decision: string; reasons: { code: string }[] };
  };
  const stored = (query: Record<string, string>) =>
    fetch(`${base}/audit/events?${new URLSearchParams({ ...query, limit: '1000' })}`, { headers: { authorization: `Bearer ${AUDITOR}` } }).then(async (r) => (await r.json()) as { events: { type: string }[] });

  beforeAll(async () => {
    // The browser first: without it there is nothing to test, and the suite fails saying so.
    browser = await launchBrowser({ javaScriptEnabled: false, acceptDownloads: true });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) csp.push(m.text());
    });
    mkdirSync(ARTIFACTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'admit-console-'));
    const tokensFile = join(dir, 'admin-tokens.yaml');
    writeFileSync(tokensFile, ['tokens:', adminTokenEntryYaml({ name: 'auditor', sha256: hashAdminToken(AUDITOR), scopes: [AdminScope.AuditRead] }), adminTokenEntryYaml({ name: 'revoker', sha256: hashAdminToken(REVOKER), scopes: [AdminScope.RevocationsWrite] })].join('\n'));
    policies = selfAssertedPolicyDir();
    stack = await startEmbedded({
      env: { ADMIT_DATA_DIR: embeddedDataDir(join(dir, 'data')), ADMIT_HTTP_PORT: '0', ADMIT_ADMIN_TOKENS_FILE: tokensFile, ADMIT_POLICY_DIR: policies.dir, ADMIT_AUDIT_CHECKPOINT_INTERVAL_S: '1' },
    });
    base = stack.intakeUrl.replace('[::1]', '127.0.0.1');

    // Two clients sharing one key (an incident by key finds both), one refused registration, checks of each.
    const { publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', use: 'sig', alg: 'ES256' };
    jkt = await calculateJwkThumbprint(jwk, 'sha256');
    clientA = await register(`console-a-${randomUUID().slice(0, 6)}`, jwk);
    clientB = await register(`console-b-${randomUUID().slice(0, 6)}`, jwk);
    expect((await post('/register', { redirect_uris: ['http://not-https.example/cb'], client_name: 'refused' })).status).toBe(400);
    expect((await check(clientA)).decision).toBe('allow');
    expect((await check(clientB)).decision).toBe('allow');
    await eventually('the decisions and checks stored, and a checkpoint signed', async () => {
      const [decided, checked, checkpoints] = await Promise.all([
        stored({ type: 'admit.registration.decided.v1' }),
        stored({ type: 'admit.access.checked.v1' }),
        fetch(`${base}/audit/checkpoints`, { headers: { authorization: `Bearer ${AUDITOR}` } }).then((r) => r.json() as Promise<{ checkpoints: unknown[] }>),
      ]);
      return decided.events.length >= 2 && checked.events.length >= 2 && checkpoints.checkpoints.length > 0 ? true : undefined;
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (stack) expect(await stack.stop()).toEqual({ embedded: 0 });
    policies?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('signs in with an audit:read token posted in a form, to a signed HttpOnly SameSite=Strict cookie of 15 minutes', async () => {
    await page.goto(`${base}/console`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await shot('1-sign-in');
    await page.fill('#token', REVOKER);
    await page.click('#sign-in-button');
    expect(await page.textContent('#sign-in-error')).toBe('That is not an admin token with the audit:read scope.');
    await page.fill('#token', AUDITOR);
    await page.click('#sign-in-button');
    expect(new URL(page.url()).pathname).toBe('/console/events');
    expect(page.url()).not.toContain(AUDITOR);
    const [cookie] = await browser.context.cookies(`${base}/console/`);
    expect(cookie).toMatchObject({ name: 'admit_console', httpOnly: true, sameSite: 'Strict', secure: false, path: '/console' });
    expect(cookie.value).not.toContain(AUDITOR);
    expect(cookie.expires - Date.now() / 1000).toBeGreaterThan(800);
    expect(cookie.expires - Date.now() / 1000).toBeLessThanOrEqual(900);
  });

  it('filters events by type and decision, with paging and an export of the filter', async () => {
    await page.selectOption('#f-type', 'admit.registration.decided.v1');
    await page.selectOption('#f-decision', 'allow');
    await page.click('#apply-filters');
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ type: 'admit.registration.decided.v1', decision: 'allow' });
    const clients = await page.$$eval('#events tbody tr td:nth-child(4)', (cells) => cells.map((c) => c.textContent));
    expect(clients).toEqual([clientA, clientB]);
    expect(await page.$$eval('#events tbody tr td:nth-child(5)', (cells) => cells.map((c) => c.textContent))).toEqual(['allow', 'allow']);
    await shot('2-events-filtered');
    const href = await page.getAttribute('#export-csv', 'href');
    const csv = await page.request.get(`${base}${href}`);
    expect(csv.headers()['content-disposition']).toBe('attachment; filename="admit-events.csv"');
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe('seq,time,type,client_id,decision,policy_version,correlationid,id,data');
    expect(lines.slice(1).map((l) => l.split(',')[3])).toEqual([`"${clientA}"`, `"${clientB}"`]);
  });

  it('opens a client timeline: its events, the policy version of each decision, and its revocation state', async () => {
    await page.click(`#events a:text-is("${clientA}")`);
    expect(decodeURIComponent(new URL(page.url()).pathname)).toBe(`/console/clients/${clientA}`);
    expect(await page.textContent('#revocation-state')).toBe('Not revoked now.');
    const types = await page.$$eval('#timeline tbody tr td:nth-child(3)', (cells) => cells.map((c) => c.textContent));
    expect(types).toEqual(expect.arrayContaining(['registration.validated.v1', 'registration.decided.v1', 'access.checked.v1']));
    const policies = await page.$$eval('#timeline tbody tr', (rows) => rows.filter((r) => r.children[4].textContent !== '—').map((r) => r.children[5].textContent));
    expect(policies.length).toBeGreaterThanOrEqual(2);
    for (const p of policies) expect(p).toMatch(/^sha256:[0-9a-f]{12}…$/);
    await shot('3-client-timeline');
  });

  it('shows the incident of a key, and revokes one of its clients through the console with a revocations:write token', async () => {
    await page.goto(`${base}/console/incidents`);
    // The form that revokes by any kind offers every kind of the contract.
    expect(await page.$$eval('#f-revoke-kind option', (options) => options.map((o) => o.textContent))).toEqual([...REVOCATION_KINDS]);
    await page.selectOption('#f-kind', 'jkt');
    await page.fill('#f-value', jkt);
    await page.click('#find-incident');
    const rows = await page.$$eval('#incident tbody tr', (trs) => trs.map((tr) => [tr.children[0].textContent, tr.children[1].textContent, tr.children[4].textContent, tr.children[5].textContent]));
    expect(rows).toEqual([clientA, clientB].sort().map((c) => [c, '1', '1', 'in force']));
    await shot('4-incident');
    const row = page.locator('#incident tbody tr', { hasText: clientA });
    await row.locator('input[name=reason]').fill('console e2e');
    await row.locator('input[name=token]').fill(AUDITOR);
    await row.locator('button').click();
    expect(await page.textContent('#revocation-result')).toBe('not revoked: insufficient_scope: the admin token lacks the scope revocations:write');
    await page.click('#back');
    const again = page.locator('#incident tbody tr', { hasText: clientA });
    await again.locator('input[name=reason]').fill('console e2e');
    await again.locator('input[name=token]').fill(REVOKER);
    await again.locator('button').click();
    expect(await page.textContent('#revocation-result')).toMatch(new RegExp(`^Revoked client_id ${clientA} \\(revocation [0-9a-f-]{36}\\)\\.$`));
    await shot('5-revoked');
    const denied = await eventually('the revoked client denied', async () => {
      const answer = await check(clientA);
      return answer.decision === 'deny' ? answer : undefined;
    });
    expect(denied.reasons.map((r) => r.code)).toContain('revoked:client_id');
    await page.goto(`${base}/console/clients/${encodeURIComponent(clientA)}`);
    expect(await page.textContent('#revocation-state')).toBe('Revoked now.');
  });

  it('refuses a console POST from another origin, even with the session cookie', async () => {
    const [cookie] = await browser.context.cookies(`${base}/console/`);
    const res = await fetch(`${base}/console/revocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `admit_console=${cookie.value}`, origin: 'https://attacker.example' },
      body: new URLSearchParams({ kind: 'client_id', value: clientB, reason: 'csrf', token: REVOKER }).toString(),
    });
    expect(res.status).toBe(403);
    // Form bodies are a console thing: every other route still takes JSON only.
    expect((await fetch(`${base}/register`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'client_name=x' })).status).toBe(415);
    const revocations = await eventually('the console\'s revocation stored', async () => {
      const rows = await stored({ type: 'admit.revocations.v1' });
      return rows.events.length > 0 ? rows.events : undefined;
    });
    expect(revocations).toHaveLength(1);
  });

  it('verifies the chain from the latest checkpoint, then fully in the background with progress, and shows the latest checkpoint', async () => {
    await page.goto(`${base}/console/integrity`);
    expect(await page.textContent('#latest-checkpoint td:nth-child(1)')).toMatch(/^\d+$/);
    await page.click('#verify-quick');
    // The whole page on a failure: it names the broken link or checkpoint problem.
    expect(await page.textContent('main')).toContain('Intact: every link recomputed, every checkpoint holds.');
    expect(await page.textContent('h2')).toMatch(/^Verified from checkpoint \d+$/);
    await shot('6-integrity');
    await page.click('#verify-full');
    expect(new URL(page.url()).pathname).toMatch(/^\/console\/integrity\/jobs\/[0-9a-f-]{36}$/);
    // The job page refreshes itself (meta refresh, no script) until the run ends.
    await page.waitForSelector('#verify-result', { timeout: 60_000 });
    expect(await page.textContent('#job-state')).toMatch(/^Finished /);
    expect(await page.textContent('main')).toContain('Intact: every link recomputed, every checkpoint holds.');
    await shot('7-full-verification');
  });

  it('shows the evidence report with its four SVG charts, and downloads it as HTML that needs no script', async () => {
    await page.goto(`${base}/console/report`);
    for (const id of ['chart-over-time', 'chart-admissions-by-source', 'chart-revocation-effect', 'chart-denials-by-reason']) {
      expect(await page.locator(`svg#${id}`).isVisible()).toBe(true);
    }
    expect(await page.locator('#chart-admissions-by-source g.bar', { hasText: 'self_asserted' }).locator('text').last().textContent()).toBe('2');
    expect(await page.locator('#chart-revocation-effect g.bar').first().textContent()).toMatch(new RegExp(`^client_id: ${clientA.slice(0, 12)}.*\\d+\\.\\d{3} s$`));
    expect(await page.locator('#chart-over-time rect[fill="#1f883d"]').count()).toBeGreaterThan(0);
    await shot('8-evidence-report');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-report')]);
    const file = join(dir, 'report.html');
    await download.saveAs(file);
    const html = readFileSync(file, 'utf8');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('<svg id="chart-over-time"');
    expect(html).toContain('<svg id="chart-revocation-effect"');
    expect(download.suggestedFilename()).toMatch(/^admit-evidence-report-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.html$/);
  });

  it('answers a filter the audit API would refuse with a 400 page naming the refusal', async () => {
    const cases: [string, string][] = [
      ['/console/events?from=yesterday', "/from: Expected string to match 'date-time' format"],
      ['/console/events?jkt=abc', "/jkt: Expected string to match '^[A-Za-z0-9_-]{43}$'"],
      ['/console/events?client=c_1', '/client: unknown parameter; allowed: client_id, type, from, to, anchor, origin, jkt, decision, policy_version, limit, cursor'],
      ['/console/events?from=2026-02-31T00:00:00Z', 'from must be an RFC 3339 date-time, such as 2026-01-31T00:00:00Z'],
      ['/console/report?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from must be before to'],
    ];
    const answers: unknown[] = [];
    for (const [path] of cases) {
      const res = await page.goto(`${base}${path}`);
      answers.push([path, res?.status(), await page.textContent('#query-error')]);
    }
    expect(answers).toEqual(cases.map(([path, message]) => [path, 400, message]));
  });

  it('signs out: the cookie is gone and the pages send the browser to sign in', async () => {
    await page.click('#sign-out');
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    expect(await browser.context.cookies(`${base}/console/`)).toEqual([]);
    await page.goto(`${base}/console/events`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await shot('9-signed-out');
    expect(csp).toEqual([]);
  });
});
