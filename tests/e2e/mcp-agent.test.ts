// An agent platform's path, with real parts: the MCP SDK's own client as the agent, the example MCP
// server (Streamable HTTP) checking every tool call with Admit, the agent's client ID metadata
// document on a loopback HTTPS fixture, and the built Admit apps. Nothing stubbed.
import { adminTokenEntryYaml, AdminScope, hashAdminToken, newAdminToken } from '@admit/platform';
import { HttpsFixture, startHttpsFixture } from '@admit/metadata/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, AgentIdentity, ASSERTION_HEADER, Decision, publishAgent, RunningMcpServer, signAssertion, startMcpServer } from '@admit/example-mcp-server';
import { AdmitUnderTest, MODES, startAdmit } from '../support/admit-under-test';
import { eventually } from '../support/poll';

const ADMIT_ISSUER = 'https://admit.test';
const ADMIN_TOKEN = newAdminToken();

describe.each(MODES)('an MCP server that rechecks sensitive tools with Admit, the MCP SDK client as the agent (%s)', (mode) => {
  let fixture: HttpsFixture;
  let admit: AdmitUnderTest;
  let mcp: RunningMcpServer;
  let dir: string;
  const decisions: Decision[] = [];
  const run = randomUUID().slice(0, 8);

  const adminUrl = () => admit.stack.apps.find((a) => a.name === 'revocation' || a.name === 'embedded')!.url;
  const revoke = async (kind: 'client_id' | 'jkt', value: string) => {
    const res = await fetch(`${adminUrl()}/revocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ kind, value, reason: `e2e mcp ${kind}` }),
    });
    expect(res.status).toBe(201);
  };
  /** Waits until intake holds the revocation: a plain check of the client is denied with `revoked:<kind>`. */
  const revokedAtIntake = (clientId: string, kind: string) =>
    eventually(`intake to deny ${clientId} as revoked:${kind}`, async () => {
      const res = await fetch(`${admit.stack.intakeUrl}/access-checks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: clientId, action: 'probe' }) });
      const answer = (await res.json()) as { reasons: { code: string }[] };
      return answer.reasons.some((r) => r.code === `revoked:${kind}`) || undefined;
    });
  const newAgent = async (name: string): Promise<AgentIdentity> => publishAgent(fixture, `/agents/${run}-${name}.json`, ADMIT_ISSUER, name);

  beforeAll(async () => {
    fixture = await startHttpsFixture();
    dir = mkdtempSync(join(tmpdir(), 'admit-mcp-'));
    const tokens = join(dir, 'admin-tokens.yaml');
    writeFileSync(tokens, ['tokens:', adminTokenEntryYaml({ name: 'e2e-mcp', sha256: hashAdminToken(ADMIN_TOKEN), scopes: [AdminScope.RevocationsWrite] })].join('\n'));
    admit = await startAdmit(mode, {
      ADMIT_FETCH_ALLOW_HOSTS: `localhost:${fixture.port}`,
      ADMIT_FETCH_CA_FILE: fixture.caFile,
      ADMIT_ISSUER,
      ADMIT_ADMIN_TOKENS_FILE: tokens,
    });
    mcp = await startMcpServer({ admitUrl: admit.stack.intakeUrl, onDecision: (d) => decisions.push(d) });
  });
  afterAll(async () => {
    await mcp?.close();
    await admit?.close();
    await fixture?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to connect without a proof, and with one Admit refuses', async () => {
    const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bare', version: '1' } } };
    const post = (headers: Record<string, string>) =>
      fetch(mcp.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(initialize) });
    const bare = await post({});
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toBe('Admit-Client-Assertion');

    const agent = await newAgent('forger');
    const forged = await post({ [ASSERTION_HEADER]: `${(await signAssertion(agent)).split('.').slice(0, 2).join('.')}.AAAA` });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { error: { message: string } }).error.message).toBe('denied by Admit: ERR_CLIENT_ASSERTION_INVALID');
  });

  it('allows a normal tool on the admission, a sensitive one only with a fresh proof, and never a replayed one', async () => {
    const agent = await Agent.connect(mcp.url, await newAgent('worker'));
    try {
      expect(await agent.call('list_reports')).toEqual({ ok: true, text: 'q1-revenue, q2-revenue, incident-42' });
      expect(decisions.at(-1)).toMatchObject({ action: 'tools/call:list_reports', answer: { decision: 'allow' } });

      const deleted = await agent.call('delete_report', { name: 'q1-revenue' });
      expect(deleted).toMatchObject({ ok: true, text: 'deleted q1-revenue' });
      expect(decisions.at(-1)).toMatchObject({ action: 'tools/call:delete_report', answer: { decision: 'allow' } });

      expect(await agent.call('delete_report', { name: 'q2-revenue' }, 'none')).toEqual({ ok: false, text: 'denied by Admit: policy:sensitive-needs-client-assertion' });
      expect(await agent.call('delete_report', { name: 'q2-revenue' }, { assertion: deleted.assertion! })).toMatchObject({ ok: false, text: 'denied by Admit: ERR_CLIENT_ASSERTION_REPLAYED' });
      expect(await agent.call('list_reports')).toEqual({ ok: true, text: 'q2-revenue, incident-42' });
    } finally {
      await agent.close();
    }
  });

  it("refuses the next sensitive call of a connected agent once its key is revoked (jkt)", async () => {
    const identity = await publishAgent(fixture, `/agents/${run}-keyholder.json`, ADMIT_ISSUER, 'keyholder');
    const agent = await Agent.connect(mcp.url, identity);
    try {
      expect((await agent.call('delete_report', { name: 'nothing-here' })).ok).toBe(true);
      await revoke('jkt', identity.jkt);
      await revokedAtIntake(identity.clientId, 'jkt');
      expect(await agent.call('delete_report', { name: 'incident-42' })).toMatchObject({ ok: false, text: 'denied by Admit: revoked:jkt' });
    } finally {
      await agent.close();
    }
  });

  it('refuses the next sensitive call of a connected agent once the client is revoked', async () => {
    const identity = await newAgent('revoked');
    const agent = await Agent.connect(mcp.url, identity);
    try {
      expect((await agent.call('delete_report', { name: 'nothing-here' })).ok).toBe(true);
      await revoke('client_id', identity.clientId);
      await revokedAtIntake(identity.clientId, 'client_id');
      expect(await agent.call('delete_report', { name: 'incident-42' })).toMatchObject({ ok: false, text: 'denied by Admit: revoked:client_id' });
      expect(await agent.call('list_reports')).toEqual({ ok: false, text: 'denied by Admit: revoked:client_id' });
    } finally {
      await agent.close();
    }
  });
});
