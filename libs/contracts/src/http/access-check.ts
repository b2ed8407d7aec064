import { Static, Type } from '@sinclair/typebox';
import { JWT_SPIFFE_ASSERTION_TYPE } from './schemas';

/** The RFC 7523 client assertion type of a private_key_jwt assertion. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** `POST /access-checks`: may this admitted client do `action` now? */
export const AccessCheckRequest = Type.Object(
  {
    client_id: Type.String({ minLength: 1, maxLength: 2048 }),
    /** The caller's name for what the client wants to do, for example a tool name. */
    action: Type.String({ minLength: 1, maxLength: 256, pattern: '^[^\\u0000-\\u001f]+$' }),
    resource: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    context: Type.Optional(
      Type.Object({ sensitivity: Type.Optional(Type.Union([Type.Literal('normal'), Type.Literal('sensitive')])) }, { additionalProperties: false }),
    ),
    /**
     * RFC 7523 private_key_jwt, signed with a key from the client's own metadata; or, with
     * `client_assertion_type` jwt-spiffe, the workload's JWT-SVID (contracts 1.6.0).
     */
    client_assertion: Type.Optional(Type.String({ minLength: 1, maxLength: 16_384 })),
    /** Added in contracts 1.6.0: jwt-bearer (the default) or jwt-spiffe; sent only with client_assertion. */
    client_assertion_type: Type.Optional(Type.Union([Type.Literal(JWT_BEARER_ASSERTION_TYPE), Type.Literal(JWT_SPIFFE_ASSERTION_TYPE)])),
  },
  { additionalProperties: false },
);
export type AccessCheckRequest = Static<typeof AccessCheckRequest>;

/** What `POST /access-checks` answers. */
export const AccessCheckAnswer = Type.Object({
  decision: Type.Union([Type.Literal('allow'), Type.Literal('deny')]),
  reasons: Type.Array(Type.Object({ code: Type.String(), description: Type.String() })),
  check_id: Type.String(),
  admission_age_s: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
});
