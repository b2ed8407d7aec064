import { Static, Type } from '@sinclair/typebox';
import { RevocationKind } from '../events/revocation';
import { ClientMetadata } from './client-metadata';

/** RFC 7591 §3.2.2 error response: what the registration, client and access routes answer on errors. */
export const ErrorResponseSchema = Type.Object(
  { error: Type.String({ description: 'A stable code, e.g. invalid_client_metadata, invalid_client, temporarily_unavailable.' }), error_description: Type.String() },
  { description: 'RFC 7591 §3.2.2 error response.' },
);

/** RFC 9457 problem details: what admin and audit routes answer on errors, as application/problem+json. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'about:blank: the HTTP status says what kind of problem it is, and `code` which one.' }),
    title: Type.String({ description: 'The phrase of the HTTP status.' }),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'A stable code, e.g. ERR_REVOCATION_KIND_INVALID, ERR_REVOCATION_EXISTS, invalid_token, insufficient_scope.' }),
  },
  { additionalProperties: true, description: 'RFC 9457 problem details; a route may add members, e.g. revocation_id.' },
);

/** `POST /register`: RFC 7591 client metadata, optionally with a software statement. */
export const RegisterRequest = Type.Intersect([ClientMetadata, Type.Object({ software_statement: Type.Optional(Type.String({ maxLength: 16_384 })) })], {
  description: 'RFC 7591 registration request: client metadata, optionally a software_statement (RFC 7591 §2.3).',
});

/** The RFC 7523 client assertion type of a SPIFFE JWT-SVID (the OAuth SPIFFE client authentication draft). */
export const JWT_SPIFFE_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-spiffe';

/**
 * `POST /admissions`: a Client ID Metadata Document URL or an OpenID Federation leaf's Entity
 * Identifier; or (contracts 1.5.0) a workload's SPIFFE JWT-SVID as an RFC 7523 client assertion, whose
 * SPIFFE ID is the client id.
 */
export const AdmissionRequest = Type.Union(
  [
    Type.Object(
      {
        client_id: Type.String({ minLength: 1, maxLength: 2048, description: 'The https URL of the client metadata document, or an OpenID Federation Entity Identifier.' }),
        source: Type.Optional(
          Type.Literal('openid_federation', {
            description: 'Resolve client_id as an OpenID Federation leaf entity. Without it, an https client_id is a federation entity only when its host falls under a federation trust anchor\'s domains, and a metadata document URL otherwise.',
          }),
        ),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        client_assertion_type: Type.Literal(JWT_SPIFFE_ASSERTION_TYPE),
        client_assertion: Type.String({ minLength: 1, maxLength: 16_384, description: 'A JWT-SVID whose aud is Admit\'s issuer; its sub, a SPIFFE ID, is the client id.' }),
      },
      { additionalProperties: false },
    ),
  ],
  {
    description:
      "An https client id, or a SPIFFE JWT-SVID as a jwt-spiffe client assertion. With the OAuth-Client-Attestation headers (contracts 1.6.0), client_id is the agent's id: the attestation's sub.",
  },
);
export type AdmissionRequest = Static<typeof AdmissionRequest>;

/**
 * RFC 7591 §3.2.1 client information response plus Admit's members: `client_id_expires_at` (an Admit
 * extension: when the admission ends) and `admission` (the signed admission token).
 */
export const AdmittedClientSchema = Type.Intersect(
  [
    ClientMetadata,
    Type.Object({
      client_id: Type.String(),
      client_id_issued_at: Type.Integer({ description: 'When the admission was decided, seconds since the epoch.' }),
      client_id_expires_at: Type.Integer({ description: 'Admit extension (RFC 7591 defines only client_secret_expires_at): when the admission ends, seconds since the epoch.' }),
      admission: Type.String({ description: 'The admission token: a JWT (typ admission+jwt) signed with a key of /.well-known/jwks.json.' }),
    }),
  ],
  { description: 'The client as admitted now.' },
);

export const JwksSchema = Type.Object({ keys: Type.Array(Type.Object({ kty: Type.String(), kid: Type.Optional(Type.String()) }, { additionalProperties: true })) }, { description: 'RFC 7517 JWK Set.' });

/** `POST /revocations`; docs/guarantees.md says what each kind's value looks like. */
export const RevocationRequest = Type.Object(
  {
    kind: RevocationKind,
    value: Type.String({ minLength: 1, maxLength: 2048 }),
    reason: Type.String({ minLength: 1, maxLength: 2048 }),
    expires_at: Type.Optional(Type.String({ format: 'date-time', description: 'RFC 3339, with an offset; in the future, at most 10 years away.' })),
  },
  { additionalProperties: false },
);
export type RevocationRequest = Static<typeof RevocationRequest>;

/** `GET /revocations`. */
export const RevocationsQuery = Type.Object({ include: Type.Optional(Type.Literal('lifted', { description: 'List lifted and expired revocations too.' })) });

export const RevocationViewSchema = Type.Object(
  {
    id: Type.String(),
    kind: RevocationKind,
    value: Type.String(),
    reason: Type.String(),
    actor: Type.String(),
    created_at: Type.String({ format: 'date-time' }),
    expires_at: Type.Optional(Type.String({ format: 'date-time' })),
    status: Type.String(),
    lifted_at: Type.Optional(Type.String({ format: 'date-time' })),
    lifted_by: Type.Optional(Type.String()),
  },
  { description: 'A revocation as the admin API shows it.' },
);

/** The answers of the audit API, described by their top-level members (docs/audit.md has the rest). */
export const AuditAnswer = Type.Object({}, { additionalProperties: true, description: 'See docs/audit.md.' });

export const HealthAnswer = Type.Object({ status: Type.String() });
