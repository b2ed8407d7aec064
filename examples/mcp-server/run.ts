/**
 * `npm run example:mcp`: embedded Admit, a loopback HTTPS host serving the agent's client ID
 * metadata document, and the example MCP server, all on loopback in a temporary folder. The agent
 * (the MCP SDK's client) then connects and calls tools; every call and Admit's decision is printed.
 */
import { startHttpsFixture } from '@admit/metadata/testing';
import { Stack, startEmbedded } from '@admit/launcher';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Agent, CallOutcome } from './src/agent';
import { publishAgent } from './src/agent-document';
import { Decision, RunningMcpServer, startMcpServer } from './src/mcp-server';

const ADMIT_ISSUER = 'https://admit.example';

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'admit-mcp-example-'));
  const fixture = await startHttpsFixture();
  let stack: Stack | undefined;
  let mcp: RunningMcpServer | undefined;
  let agent: Agent | undefined;
  try {
    stack = await startEmbedded({
      env: {
        ADMIT_DATA_DIR: join(dir, 'data'),
        ADMIT_HTTP_PORT: '0',
        ADMIT_LOG_LEVEL: 'warn',
        ADMIT_ISSUER,
        ADMIT_FETCH_ALLOW_HOSTS: `localhost:${fixture.port}`,
        ADMIT_FETCH_CA_FILE: fixture.caFile,
      },
    });
    const admitUrl = stack.intakeUrl;
    const decisions: Decision[] = [];
    mcp = await startMcpServer({ admitUrl, onDecision: (d) => decisions.push(d) });
    const identity = await publishAgent(fixture, '/agents/report-bot.json', ADMIT_ISSUER, 'Report Bot');
    console.log(`Admit (embedded)   ${admitUrl}`);
    console.log(`MCP server         ${mcp.url}`);
    console.log(`agent (CIMD)       ${identity.clientId}\n`);

    const shown = () => {
      for (const d of decisions.splice(0)) {
        const reasons = d.answer.reasons.map((r) => r.code).join(', ');
        console.log(`     Admit: ${d.action} -> ${d.answer.decision}${reasons ? ` (${reasons})` : ''}`);
      }
    };
    const step = async (title: string, call: () => Promise<CallOutcome | void>) => {
      console.log(`-> ${title}`);
      const outcome = await call();
      shown();
      if (outcome) console.log(`     tool ${outcome.ok ? 'result' : 'error'}: ${outcome.text}`);
      console.log('');
      return outcome;
    };

    await step('connect: initialize with a fresh client assertion (Admit fetches the agent document and admits it)', async () => {
      agent = await Agent.connect(mcp!.url, identity);
    });
    await step('list_reports (normal): decided on the admission, no proof', () => agent!.call('list_reports'));
    const allowed = await step('delete_report (sensitive) with a fresh assertion', () => agent!.call('delete_report', { name: 'q1-revenue' }));
    await step('delete_report (sensitive) without an assertion', () => agent!.call('delete_report', { name: 'q2-revenue' }, 'none'));
    await step('delete_report (sensitive) replaying the assertion of the allowed call', () => agent!.call('delete_report', { name: 'q2-revenue' }, { assertion: allowed!.assertion! }));

    const token = readFileSync(join(dir, 'data', 'admin-token'), 'utf8').trim();
    await step(`revoke the agent's key (kind jkt, ${identity.jkt})`, async () => {
      const res = await fetch(`${admitUrl}/revocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ kind: 'jkt', value: identity.jkt, reason: 'example: the agent key leaked' }),
      });
      console.log(`     POST /revocations -> ${res.status}`);
      if (res.status !== 201) throw new Error(`the revocation answered ${res.status}`);
    });
    // The revocation reaches intake through the bus; wait until a plain check sees it.
    for (const deadline = Date.now() + 10_000; ; await delay(50)) {
      const res = await fetch(`${admitUrl}/access-checks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: identity.clientId, action: 'probe' }) });
      if (((await res.json()) as { decision: string }).decision === 'deny') break;
      if (Date.now() > deadline) throw new Error('the revocation did not reach intake within 10 s');
    }
    await step('delete_report (sensitive) with a fresh assertion, still connected', () => agent!.call('delete_report', { name: 'q2-revenue' }));
    return 0;
  } catch (err) {
    console.error(`\nThe example failed: ${err instanceof Error ? err.message : String(err)}`);
    if (stack) console.error(`Admit's last lines:\n${stack.apps[0].output()}`);
    return 1;
  } finally {
    await agent?.close();
    await mcp?.close();
    await stack?.stop();
    await fixture.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then((code) => (process.exitCode = code));
