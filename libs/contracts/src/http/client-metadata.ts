import { Static, Type } from '@sinclair/typebox';

const Uri = Type.String({ minLength: 1, maxLength: 2048 });

/**
 * RFC 7591 §2 client metadata as Admit validated it. Unknown fields are kept: real clients publish
 * them, and dropping them would change what the client asked for.
 */
export const ClientMetadata = Type.Object(
  {
    redirect_uris: Type.Optional(Type.Array(Uri, { maxItems: 64 })),
    token_endpoint_auth_method: Type.Optional(Type.String({ maxLength: 64 })),
    grant_types: Type.Optional(Type.Array(Type.String({ maxLength: 256 }), { maxItems: 32 })),
    response_types: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 32 })),
    client_name: Type.Optional(Type.String({ maxLength: 1024 })),
    client_uri: Type.Optional(Uri),
    logo_uri: Type.Optional(Uri),
    scope: Type.Optional(Type.String({ maxLength: 4096 })),
    contacts: Type.Optional(Type.Array(Type.String({ maxLength: 320 }), { maxItems: 32 })),
    tos_uri: Type.Optional(Uri),
    policy_uri: Type.Optional(Uri),
    jwks_uri: Type.Optional(Uri),
    jwks: Type.Optional(Type.Object({ keys: Type.Array(Type.Object({})) })),
    software_id: Type.Optional(Type.String({ maxLength: 256 })),
    software_version: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: true, description: 'RFC 7591 client metadata; unknown fields are tolerated.' },
);
export type ClientMetadata = Static<typeof ClientMetadata>;

/**
 * RFC 7591 §3.2.1 client information response. `client_id_expires_at` is an Admit extension (RFC 7591
 * defines only `client_secret_expires_at`): when the admission ends, in seconds since the epoch.
 */
export type ClientInformationResponse = ClientMetadata & {
  client_id: string;
  client_id_issued_at: number;
  client_id_expires_at?: number;
};

/** RFC 7591 §3.2.2 error response (and Admit's HTTP-level errors, in the same shape; admin routes turn it into an RFC 9457 problem). */
export interface ErrorResponse {
  error: string;
  error_description: string;
}
