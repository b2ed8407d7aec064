/**
 * An MCP server (Streamable HTTP) whose tools are checked with Admit before they run.
 *
 * - Connecting (`initialize`) needs a client assertion in the `Admit-Client-Assertion` header: an
 *   RFC 7523 private_key_jwt signed with a key from the agent's own metadata. Admit verifies it and
 *   admits the agent (a client ID metadata document is fetched on first sight); the session is
 *   bound to that client id. An id is never taken from an unproven header.
 * - Every tool call is an access check for `tools/call:<tool>`. A normal tool is decided on the
 *   agent's admission; a sensitive one needs a fresh assertion on that very request.
 * - A denied call answers an MCP tool error with Admit's reason codes, and nothing else.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, CallToolResult, ErrorCode, isInitializeRequest, ListToolsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { decodeJwt } from 'jose';
import { randomUUID } from 'node:crypto';
import { createServer, IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { AccessAnswer, checkAccess } from './admit-access';
import { ExampleTool, exampleTools, SENSITIVITY_META } from './tools';

/** The request header that carries the agent's proof: one fresh RFC 7523 assertion per request. */
export const ASSERTION_HEADER = 'admit-client-assertion';
const MAX_BODY_BYTES = 1024 * 1024;

export interface Decision {
  client_id: string;
  action: string;
  answer: AccessAnswer;
}

export interface McpServerOptions {
  /** Admit's intake, e.g. http://127.0.0.1:8080. */
  admitUrl: string;
  port?: number;
  tools?: ExampleTool[];
  /** Called with every access check the server made, for logs and the example's transcript. */
  onDecision?: (decision: Decision) => void;
}

export interface RunningMcpServer {
  url: string;
  close(): Promise<void>;
}

export async function startMcpServer(options: McpServerOptions): Promise<RunningMcpServer> {
  const tools = options.tools ?? exampleTools();
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; clientId: string }>();

  const check = async (clientId: string, action: string, sensitivity: 'normal' | 'sensitive', assertion?: string) => {
    const answer = await checkAccess(options.admitUrl, { client_id: clientId, action, context: { sensitivity }, ...(assertion ? { client_assertion: assertion } : {}) });
    options.onDecision?.({ client_id: clientId, action, answer });
    return answer;
  };

  const mcpFor = (clientId: string): Server => {
    const server = new Server({ name: 'admit-example-mcp', version: '1.0.0' }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, () => ({
      tools: tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema, _meta: { [SENSITIVITY_META]: t.sensitivity } })),
    }));
    server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
      const tool = tools.find((t) => t.name === request.params.name);
      if (!tool) throw new McpError(ErrorCode.InvalidParams, `no tool named ${JSON.stringify(request.params.name)}`);
      // The proof is only ever read from the request that carries this call.
      const assertion = tool.sensitivity === 'sensitive' ? header(extra.requestInfo?.headers, ASSERTION_HEADER) : undefined;
      const answer = await check(clientId, `tools/call:${tool.name}`, tool.sensitivity, assertion);
      if (answer.decision !== 'allow') {
        const codes = answer.reasons.map((r) => r.code);
        return { isError: true, content: [{ type: 'text', text: `denied by Admit: ${codes.join(', ')}` }], structuredContent: { decision: 'deny', reasons: codes } };
      }
      return { content: [{ type: 'text', text: tool.run(request.params.arguments ?? {}) }] };
    });
    return server;
  };

  /** A new session: only with a proof that Admit accepts, and bound to the client it proves. */
  const connect = async (req: IncomingMessage, res: ServerResponse, body: unknown) => {
    const assertion = header(req.headers, ASSERTION_HEADER);
    const clientId = assertion && issuerOf(assertion);
    if (!assertion || !clientId) {
      return rpcError(res, 401, 'connecting needs a client assertion (RFC 7523) in the Admit-Client-Assertion header', { 'www-authenticate': 'Admit-Client-Assertion' });
    }
    const answer = await check(clientId, 'mcp/connect', 'normal', assertion);
    if (answer.decision !== 'allow') return rpcError(res, 403, `denied by Admit: ${answer.reasons.map((r) => r.code).join(', ')}`);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => void sessions.set(id, { transport, clientId }),
    });
    transport.onclose = () => transport.sessionId && sessions.delete(transport.sessionId);
    await mcpFor(clientId).connect(transport);
    await transport.handleRequest(req, res, body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/mcp') return rpcError(res, 404, 'not found; the MCP endpoint is /mcp');
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    if (body instanceof Error) return rpcError(res, 400, body.message);
    const sessionId = header(req.headers, 'mcp-session-id');
    if (sessionId) {
      const session = sessions.get(sessionId);
      if (!session) return rpcError(res, 404, 'unknown or closed session; connect again');
      return session.transport.handleRequest(req, res, body);
    }
    if (req.method === 'POST' && isInitializeRequest(body)) return connect(req, res, body);
    return rpcError(res, 400, 'no session: send initialize first');
  };

  const http = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) rpcError(res, 500, 'internal error');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => http.listen(options.port ?? 0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    close: async () => {
      await Promise.all([...sessions.values()].map((s) => s.transport.close()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function header(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined> | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The assertion's `iss`, unverified: only to name the client that Admit then verifies it against. */
function issuerOf(assertion: string): string | undefined {
  try {
    const { iss } = decodeJwt(assertion);
    return typeof iss === 'string' && iss.length > 0 ? iss : undefined;
  } catch {
    return undefined;
  }
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return resolve(new Error(`the body is over ${MAX_BODY_BYTES} bytes`));
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        resolve(new Error('the body is not JSON'));
      }
    });
    req.on('error', () => resolve(new Error('the request failed')));
  });
}

function rpcError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: ErrorCode.InvalidRequest, message }, id: null }));
}
