/**
 * A client metadata document as real clients publish them: registered fields, OIDC and vendor
 * extensions side by side. The public key is a fixed P-256 JWK (no private part).
 */
export function publishedDocument(clientId: string): Record<string, unknown> {
  return {
    client_id: clientId,
    client_name: 'Example Notes',
    client_uri: 'https://notes.example.com',
    logo_uri: 'https://notes.example.com/static/logo-512.png',
    tos_uri: 'https://notes.example.com/legal/terms',
    policy_uri: 'https://notes.example.com/legal/privacy',
    redirect_uris: ['https://notes.example.com/oauth/callback', 'http://127.0.0.1/callback'],
    post_logout_redirect_uris: ['https://notes.example.com/signed-out'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'ES256',
    jwks: {
      keys: [
        {
          kty: 'EC',
          crv: 'P-256',
          x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
          y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
          kid: 'notes-2026-01',
          use: 'sig',
          alg: 'ES256',
        },
      ],
    },
    scope: 'openid profile notes:read notes:write',
    contacts: ['security@notes.example.com'],
    software_id: '4NRB1-0XZABZI9E6-5SM3R',
    software_version: '2.4.1',
    application_type: 'web',
    dpop_bound_access_tokens: true,
    'client_name#fr': 'Notes Exemple',
    x_example_vendor: { tier: 'gold', regions: ['eu-west-1', 'us-east-1'] },
  };
}
