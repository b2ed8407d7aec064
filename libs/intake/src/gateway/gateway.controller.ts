import { All, Controller, Inject, Ip, Req, Res } from '@nestjs/common';
import { RequestError } from '@admit/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccessCheckAnswer, AccessChecks } from '../access/access-checks';
import { AssertionError } from '../access/client-assertion';
import { ADMISSION_TOKEN_OPTIONS, AdmissionTokenOptions, AdmissionTokens } from '../admission-token/admission-tokens';
import { RateLimits } from '../limits/rate-limits';
import { GatewayActions } from './gateway-actions';
import { GatewayHeader, verifiedClient } from './gateway-identity';

/** Refusals of the client's proof itself: the gateway hears 401, as for a missing one. */
const PROOF_REFUSALS = new Set<string>([AssertionError.Invalid, AssertionError.Replayed, AssertionError.NoKeys]);

/**
 * One subrequest per request, answered by status for nginx `auth_request`, Envoy `ext_authz` and
 * the like: 200 allows, 403 denies, 401 (with WWW-Authenticate) means the client's proof is missing
 * or invalid. The action comes from the original method and path through the gateway table, the
 * client from a verified proof only, and the decision from the access-check path (its decision
 * cache, and its one `access.checked` event per decision).
 */
@Controller('gateway')
export class GatewayController {
  constructor(
    private readonly checks: AccessChecks,
    private readonly limits: RateLimits,
    private readonly tokens: AdmissionTokens,
    private readonly actions: GatewayActions,
    @Inject(ADMISSION_TOKEN_OPTIONS) private readonly options: AdmissionTokenOptions,
  ) {}

  @All(['decide', 'decide/*'])
  async decide(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Ip() source: string): Promise<AccessCheckAnswer> {
    const { method, uri } = original(req);
    const mapped = this.actions.map(method, uri);
    if ('refused' in mapped) throw new RequestError('access_denied', mapped.refused);
    const client = await verifiedClient(req.headers, this.tokens);
    if (!client.ok) throw this.unauthorized(client.error, client.description);
    this.limits.take('gateway', client.clientId, source);
    const { answer, admissionExpiresAt } = await this.checks.checkWithAdmission({
      client_id: client.clientId,
      action: mapped.action,
      resource: mapped.resource,
      ...(mapped.sensitivity === undefined ? {} : { context: { sensitivity: mapped.sensitivity } }),
      ...(client.assertion === undefined ? {} : { client_assertion: client.assertion }),
    });
    void reply.header(GatewayHeader.DecisionId, answer.check_id);
    const proofRefusal = answer.reasons.find((r) => PROOF_REFUSALS.has(r.code));
    if (proofRefusal) throw this.unauthorized('invalid_client', `${proofRefusal.code}: ${proofRefusal.description}`, { [GatewayHeader.DecisionId]: answer.check_id });
    if (answer.decision === 'deny') {
      void reply.status(403);
      return answer;
    }
    void reply.status(200).header(GatewayHeader.ClientId, client.clientId);
    if (admissionExpiresAt) void reply.header(GatewayHeader.AdmissionExpiresAt, admissionExpiresAt);
    return answer;
  }

  /** RFC 7235: the scheme and realm, and an error code once a proof was presented; the description stays in the body. */
  private unauthorized(error: string | undefined, description: string, headers: Record<string, string> = {}): RequestError {
    const challenge = `Admit realm="${this.options.issuer}"${error ? `, error="${error}"` : ''}`;
    return new RequestError(error ?? 'invalid_client', description, { status: 401, headers: { ...headers, 'www-authenticate': challenge } });
  }
}

/** nginx names the original request in headers; Envoy sends its method and appends its path to ours. */
function original(req: FastifyRequest): { method: string; uri: string } {
  const header = (name: string) => {
    const value = req.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  const method = header('x-original-method') ?? req.method;
  if (!/^[A-Z]{1,16}$/.test(method)) throw new RequestError('invalid_request', 'X-Original-Method must be an upper-case HTTP method');
  const forwarded = header('x-original-uri');
  if (forwarded !== undefined) return { method, uri: forwarded };
  const suffix = req.url.slice(req.url.indexOf('/gateway/decide') + '/gateway/decide'.length);
  return { method, uri: suffix === '' || suffix.startsWith('?') ? `/${suffix}` : suffix };
}
