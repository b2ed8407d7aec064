import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ClientMetadata, EventData, isStorableText, MetadataSource, parsedUrl, RegistrationError, Topic, unstorableTextPath } from '@admit/contracts';
import { checkClientMetadata, CimdResolver, metadataClientId } from '@admit/metadata';
import { bodyAdditions, ClientAttesters, mergeStatementMetadata, SpiffeSource, statementClientId, StatementVerifier } from '@admit/trust';
import { ClientKeyThumbprints } from './client-key-thumbprints';
import { FederationSource } from './federation-source';
import { failed, Validation } from './validation';

type Requested = EventData<typeof Topic.RegistrationRequested>;

/**
 * Turns a request into a validation with its evidence: a metadata document fetched and checked, a
 * statement verified against its trust anchor, a federation trust chain resolved, or plain metadata taken at its word. Never throws for
 * bad input; every rule broken becomes a problem with a stable code.
 *
 * The ids are Admit's, whatever a producer put in the request's `client_id`: a metadata document's
 * URL, a statement's derived `s_` id, or the `c_` id of the body (plain metadata, and a statement
 * that fails verification). A producer's id that is neither is recorded as `evidence.requested_as`.
 */
@Injectable()
export class RegistrationValidator {
  constructor(
    private readonly documents: CimdResolver,
    private readonly statements: StatementVerifier,
    private readonly keys: ClientKeyThumbprints,
    private readonly federation: FederationSource,
    private readonly spiffe: SpiffeSource,
    private readonly attesters: ClientAttesters,
  ) {}

  async validate(request: Requested): Promise<Validation> {
    const validation = await this.validateAny(request);
    // The rules refuse such text; this keeps any path they miss from publishing an event the audit
    // store cannot keep, which would leave the request without a recorded decision.
    const unstorable = unstorableTextPath(validation);
    if (unstorable === null) return withRequestedAs(validation, request);
    const problem = { code: RegistrationError.InvalidClientMetadata, description: `the validation${unstorable.slice(0, 256)} holds a NUL character or a lone UTF-16 surrogate` };
    const clientId = isStorableText(validation.client_id) ? validation.client_id : provisionalId(request);
    return withRequestedAs(failed(clientId, validation.source, [problem]), request);
  }

  private validateAny(request: Requested): Promise<Validation> {
    if (request.source === 'spiffe') return this.workload(request.client_id, request.client_assertion);
    if (request.source === 'client_attestation') return this.attested(request.client_id, request.client_attestation);
    // An https client id is resolved as exactly one source: never a document and a chain both.
    if (request.source === 'openid_federation' || (request.source === 'cimd' && this.federation.covers(request.client_id))) {
      return this.federated(request.client_id, request.fresh === true);
    }
    if (request.source === 'cimd') return this.document(request.client_id, request.fresh === true);
    if ('software_statement' in request.metadata) return this.statement(request.metadata);
    return this.selfAsserted(request.metadata);
  }

  private async document(url: string, fresh: boolean): Promise<Validation> {
    const resolved = await this.documents.resolve(url, { fresh });
    const origin = parsedUrl(url)?.origin;
    if (!resolved.ok) return failed(url, 'cimd', resolved.problems, { origin });
    const { cached, ...document } = resolved.evidence;
    return this.valid(url, 'cimd', resolved.metadata, { evidence: { document }, origin });
  }

  /**
   * An OpenID Federation leaf (automatic registration): its Entity Identifier is its client id, and
   * its metadata is what its trust chain resolves to, checked like any other client metadata.
   */
  private async federated(entityId: string, fresh: boolean): Promise<Validation> {
    const resolved = await this.federation.resolve(entityId, fresh);
    if (!resolved.ok) return failed(entityId, 'federation', [resolved.problem]);
    const { chain } = resolved;
    const about = {
      client_id: entityId,
      anchor: chain.anchor.id,
      intermediates: chain.path.slice(1, -1),
      trust_marks: [...new Set(chain.trustMarks.map((mark) => mark.type))],
      evidence: {
        federation: {
          entity_id: entityId,
          anchor: chain.anchor.id,
          anchor_entity_id: chain.anchor.entityId,
          path: chain.path,
          statements: chain.statements.map(({ exp, ...statement }) => ({ ...statement, exp: isoSeconds(exp) })),
          expires_at: isoSeconds(chain.expiresAt),
          client_type: chain.clientType,
          trust_marks: chain.trustMarks,
          rejected_trust_marks: chain.rejectedTrustMarks.map(({ type, code }) => ({ type, code })),
        },
      },
    };
    const checked = checkClientMetadata(chain.clientMetadata);
    if (!checked.ok) return { ...failed(entityId, 'federation', checked.errors), ...about };
    // The resolved metadata is evidence only once the rules accepted it: refused metadata may hold a secret.
    const evidence = { ...about.evidence, federation: { ...about.evidence.federation, metadata: checked.metadata } };
    return this.valid(entityId, 'federation', checked.metadata, { ...about, evidence });
  }

  /**
   * A SPIFFE workload: its verified JWT-SVID's SPIFFE ID is its client id, and its metadata is its
   * trust domain's most specific path template (checked when the anchors were loaded). The SVID is
   * evidence by digest only: it is a bearer credential until its exp.
   */
  private async workload(requestedAs: string, svid: string): Promise<Validation> {
    const resolved = await this.spiffe.verify(svid);
    if (!resolved.ok) return failed(requestedAs, 'spiffe', [resolved.problem]);
    const { anchor, svid: verified, template } = resolved.workload;
    const checked = checkClientMetadata(template.metadata);
    if (!checked.ok) return failed(verified.spiffeId.id, 'spiffe', checked.errors);
    return this.valid(verified.spiffeId.id, 'spiffe', checked.metadata, {
      evidence: {
        spiffe: {
          spiffe_id: verified.spiffeId.id,
          anchor: anchor.id,
          trust_domain: anchor.trustDomain,
          svid_sha256: createHash('sha256').update(svid).digest('hex'),
          exp: isoSeconds(verified.exp),
          template: template.prefix,
        },
      },
      anchor: anchor.id,
      trust_domain: anchor.trustDomain,
      spiffe_path: verified.spiffeId.segments,
    });
  }

  /**
   * An agent its platform attests: the attestation's `sub` is its client id, and its metadata is its
   * attester's, with the key the attestation binds (`cnf.jwk`) as its `jwks`, so that `jkt`
   * revocations cut it. Intake checked the proof of possession when the agent presented it; the
   * attestation alone is no use to anyone without the agent's key.
   */
  private async attested(requestedAs: string, attestation: string): Promise<Validation> {
    const resolved = await this.attesters.verify(attestation);
    if (!resolved.ok) return failed(requestedAs, 'client_attestation', [resolved.problem]);
    const { clientId, attester, jkt, exp, key } = resolved.agent;
    const checked = checkClientMetadata({ ...attester.metadata, jwks: { keys: [key] } });
    if (!checked.ok) return failed(clientId, 'client_attestation', checked.errors);
    return this.valid(clientId, 'client_attestation', checked.metadata, {
      evidence: {
        client_attestation: {
          attester: attester.id,
          issuer: attester.issuer,
          jkt,
          attestation_sha256: createHash('sha256').update(attestation).digest('hex'),
          exp: isoSeconds(exp),
        },
      },
      anchor: attester.id,
      attester: attester.id,
    });
  }

  private async statement(body: Record<string, unknown>): Promise<Validation> {
    const verified = await this.statements.verify(body.software_statement as string);
    if (!verified.ok) return failed(metadataClientId(body), 'software_statement', verified.problems);
    const { anchor, claims } = verified;
    // The id commits to what the body adds, so a copied statement with other metadata is another client.
    const clientId = statementClientId(anchor.id, claims.software_id, bodyAdditions(body, claims));
    const about = {
      client_id: clientId,
      anchor: anchor.id,
      software_id: claims.software_id,
      // iat orders the statements of one client: only a later one may replace its live admission.
      evidence: { statement: { ...verified.evidence, iat: isoSeconds(claims.iat), exp: isoSeconds(claims.exp) } },
    };
    const checked = checkClientMetadata(mergeStatementMetadata(body, claims));
    if (!checked.ok) return { ...failed(clientId, 'software_statement', checked.errors), ...about };
    return this.valid(clientId, 'software_statement', checked.metadata, about);
  }

  private async selfAsserted(body: Record<string, unknown>): Promise<Validation> {
    const clientId = metadataClientId(body);
    const checked = checkClientMetadata(body);
    if (!checked.ok) return failed(clientId, 'self_asserted', checked.errors);
    return this.valid(clientId, 'self_asserted', checked.metadata);
  }

  /** A valid outcome for `metadata`, with the thumbprints of the keys it names. */
  private async valid(clientId: string, source: MetadataSource, metadata: ClientMetadata, extra: Partial<Validation> = {}): Promise<Validation> {
    return { client_id: clientId, source, outcome: 'valid', metadata, errors: [], evidence: {}, ...extra, jkts: await this.keys.of(metadata) };
  }
}

/** The id Admit names a request by before validating it: the document URL, or the `c_` id of the body. */
function provisionalId(request: Requested): string {
  return request.source === 'rfc7591' ? metadataClientId(request.metadata) : request.client_id;
}

/** Records a producer's `client_id` that is neither the id Admit gave nor the one it computed first. */
function withRequestedAs(validation: Validation, request: Requested): Validation {
  const asked = request.client_id;
  // A SPIFFE request's name is only the producer's word until the SVID verifies: a verified ID that differs is recorded.
  if (asked === validation.client_id || (request.source !== 'spiffe' && asked === provisionalId(request))) return validation;
  return { ...validation, evidence: { ...validation.evidence, requested_as: asked } };
}

function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
