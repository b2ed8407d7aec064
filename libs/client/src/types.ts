/** RFC 7591 client metadata as Admit admitted it; unknown members are kept. */
export interface ClientMetadata {
  redirect_uris?: string[];
  token_endpoint_auth_method?: string;
  grant_types?: string[];
  response_types?: string[];
  client_name?: string;
  client_uri?: string;
  logo_uri?: string;
  scope?: string;
  contacts?: string[];
  jwks_uri?: string;
  jwks?: { keys: Record<string, unknown>[] };
  software_id?: string;
  software_version?: string;
  [member: string]: unknown;
}

/**
 * What `POST /register`, `POST /admissions` and `GET /clients/{client_id}` answer: the RFC 7591
 * client information response, the admission's end (`client_id_expires_at`, an Admit extension) and
 * the signed admission token.
 */
export interface AdmittedClient extends ClientMetadata {
  client_id: string;
  client_id_issued_at: number;
  client_id_expires_at: number;
  admission: string;
}

export interface AccessCheckRequest {
  client_id: string;
  action: string;
  resource?: string;
  context?: { sensitivity?: 'normal' | 'sensitive' };
  /** An RFC 7523 client assertion (private_key_jwt) signed with one of the client's keys; or, with `client_assertion_type` jwt-spiffe, the workload's JWT-SVID. */
  client_assertion?: string;
  client_assertion_type?: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' | 'urn:ietf:params:oauth:client-assertion-type:jwt-spiffe';
}

export interface AccessCheckAnswer {
  decision: 'allow' | 'deny';
  reasons: { code: string; description: string }[];
  check_id: string;
  admission_age_s: number | null;
}

/** The claims of a verified admission token (libs/intake/README.md). */
export interface AdmissionClaims {
  iss: string;
  sub: string;
  iat: number;
  exp: number;
  jti: string;
  adm_policy: string;
  adm_source: 'cimd' | 'software_statement' | 'self_asserted' | string;
  adm_anchor?: string;
  adm_software_id?: string;
  adm_origin?: string;
  adm_evidence_sha256: string;
  adm_jkts: string[];
}
