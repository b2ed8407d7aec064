// Real: `npm run demo` exactly as a newcomer runs it (the built embedded app, the CLI, a loopback
// HTTPS server for the metadata document, PGlite in a temporary folder). Nothing stubbed.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';

describe('npm run demo', () => {
  let result: { code: number; stdout: string; stderr: string };
  let reportFile: string | undefined;

  beforeAll(async () => {
    result = await new Promise((resolve) => {
      execFile('npm', ['run', 'demo', '--silent'], { env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    reportFile = /the report: (\S+\.html)/.exec(result.stdout)?.[1];
  });
  afterAll(() => {
    if (reportFile) rmSync(dirname(reportFile), { recursive: true, force: true });
  });

  it('runs to the end and exits 0, stopping Admit cleanly', () => {
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout).toContain('Admit stopped cleanly (exit 0)');
  });

  it('shows each step with what it shows', () => {
    const out = result.stdout;
    const steps = [...out.matchAll(/^(\d+)\. (.+)$/gm)].map((m) => m[2]);
    expect(steps).toEqual([
      'Register a client with a signed software statement',
      'Admit a client by its metadata document (CIMD)',
      'Admit an OpenID Federation leaf (automatic registration)',
      'Check access before a sensitive call',
      'Revoke the client',
      'The same access check is now denied',
      'Admit a workload by its SPIFFE JWT-SVID, then cut its namespace',
      "The client's audit timeline",
      'Verify the chain',
      'The evidence report',
    ]);
    const clientId = /201 client_id=(s_[A-Za-z0-9_-]+)/.exec(out)?.[1];
    expect(clientId).toBeDefined();
    expect(out).toMatch(/200 client_id=https:\/\/localhost:\d+\/agents\/demo-agent\.json client_name=Demo Agent/);
    expect(out).toMatch(/200 client_id=https:\/\/localhost:\d+\/federation-leaf client_name=Demo Federated RP\n.*through https:\/\/localhost:\d+\/federation-intermediate/);
    expect(out).toContain('decision=allow');
    expect(out).toContain('decision=deny reasons=revoked:client_id');
    expect(out).toContain('200 client_id=spiffe://prod.demo.example/ns/payments/api client_name=Payments workload');
    expect(out).toContain('decision=deny reasons=revoked:spiffe_prefix');
    expect(out).toContain(`client ${clientId}: REVOKED`);
    expect(out).toMatch(/access\.checked\.v1 {2}deny tools\/call:search/);
    expect(out).toMatch(/\| OK: \d+ links in \d+ chains recomputed/);
    expect(out).toContain('admissions by source: {"cimd":1,"software_statement":1,"federation":1,"spiffe":1,"client_attestation":0,"self_asserted":0,"unknown":0}');
    expect(out).toContain('backed by signed or fetched metadata: 4 of 4');
    expect(out).toMatch(/denials by reason: .*revoked:client_id=1/);
    expect(out).toMatch(/denials by reason: .*revoked:spiffe_prefix=1/);
    // Both revocations are timed, the namespace one (spiffe_prefix) too, matched as the services match it.
    expect(out).toMatch(/revocations: 2, took effect after \d+(\.\d+)? s, \d+(\.\d+)? s\n/);
  });

  it('leaves the evidence report where it says, as a self-contained page', () => {
    expect(reportFile).toBeDefined();
    expect(existsSync(reportFile!)).toBe(true);
    const html = readFileSync(reportFile!, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('PR.AA-01');
    expect(html).toContain('revoked:client_id');
    expect(html).not.toMatch(/<script|<[^>]*\b(src|href)=/);
  });

  it('prints no secret: no admin token, no admission token or statement', () => {
    const all = result.stdout + result.stderr;
    expect(all).not.toMatch(/admit_[A-Za-z0-9_-]{43}/);
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/);
    expect(all).not.toMatch(/PRIVATE KEY/);
  });
});
