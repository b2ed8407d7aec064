/**
 * An agent as an agent platform runs one: the MCP SDK's own client over Streamable HTTP, identified
 * by a client ID metadata document whose `jwks` holds its public key. It proves itself with a fresh
 * RFC 7523 assertion when it connects and on every call to a tool the server marks sensitive.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { type CryptoKey, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { ASSERTION_HEADER } from './mcp-server';
import { SENSITIVITY_META } from './tools';

export interface AgentIdentity {
  /** The URL of the agent's client ID metadata document. */
  clientId: string;
  privateKey: CryptoKey;
  kid: string;
  /** Admit's issuer (ADMIT_ISSUER): the `aud` of every assertion. */
  audience: string;
}

/** Which proof a call carries: a fresh one for sensitive tools (`auto`), none, or a given assertion (a replay, say). */
export type Proof = 'auto' | 'none' | { assertion: string };

export interface CallOutcome {
  ok: boolean;
  text: string;
  /** The assertion the call carried, if any. */
  assertion?: string;
}

export class Agent {
  private sensitive = new Set<string>();
  /** The proof for the next JSON-RPC request the transport posts. */
  private proof?: string;

  private constructor(
    private readonly identity: AgentIdentity,
    private readonly client: Client,
  ) {}

  static async connect(url: string, identity: AgentIdentity): Promise<Agent> {
    const client = new Client({ name: 'admit-example-agent', version: '1.0.0' });
    const agent = new Agent(identity, client);
    const transport = new StreamableHTTPClientTransport(new URL(url), { fetch: (input, init) => fetch(input, agent.withProof(init)) });
    agent.proof = await agent.assertion();
    await client.connect(transport);
    const { tools } = await client.listTools();
    agent.sensitive = new Set(tools.filter((t) => t._meta?.[SENSITIVITY_META] === 'sensitive').map((t) => t.name));
    return agent;
  }

  assertion(): Promise<string> {
    return signAssertion(this.identity);
  }

  async call(name: string, args: Record<string, unknown> = {}, proof: Proof = 'auto'): Promise<CallOutcome> {
    this.proof = proof === 'none' ? undefined : proof === 'auto' ? (this.sensitive.has(name) ? await this.assertion() : undefined) : proof.assertion;
    const assertion = this.proof;
    const result = (await this.client.callTool({ name, arguments: args })) as CallToolResult;
    const text = result.content.map((c) => (c.type === 'text' ? c.text : `[${c.type}]`)).join('\n');
    return { ok: result.isError !== true, text, ...(assertion ? { assertion } : {}) };
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /** Puts the pending proof on the next request that carries a JSON-RPC request (not on notifications or streams). */
  private withProof(init: RequestInit | undefined): RequestInit | undefined {
    if (!this.proof || init?.method !== 'POST' || typeof init.body !== 'string' || !isRequest(init.body)) return init;
    const headers = new Headers(init.headers);
    headers.set(ASSERTION_HEADER, this.proof);
    this.proof = undefined;
    return { ...init, headers };
  }
}

/** A fresh client assertion: `iss` = `sub` = the agent, `aud` = Admit, a new `jti`, one minute to live. */
export function signAssertion({ clientId, privateKey, kid, audience }: AgentIdentity): Promise<string> {
  return new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg: 'ES256', kid })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime('60s')
    .sign(privateKey);
}

function isRequest(body: string): boolean {
  try {
    const message = JSON.parse(body) as Record<string, unknown>;
    return typeof message.method === 'string' && 'id' in message;
  } catch {
    return false;
  }
}
