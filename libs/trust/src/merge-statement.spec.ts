// Real: everything (a pure function). Stubbed: nothing.
import { bodyAdditions, mergeStatementMetadata } from './merge-statement';

describe('mergeStatementMetadata (RFC 7591 §3.1.1)', () => {
  it('takes jwks, jwks_uri, redirect_uris, token_endpoint_auth_method and grant_types from the statement alone', () => {
    const body = {
      jwks: { keys: [{ kty: 'EC' }] },
      jwks_uri: 'https://attacker.example/jwks',
      redirect_uris: ['https://attacker.example/cb'],
      token_endpoint_auth_method: 'private_key_jwt',
      grant_types: ['client_credentials'],
      client_name: 'Body Name',
    };
    expect(mergeStatementMetadata(body, { software_id: 'acme' })).toEqual({ software_id: 'acme', client_name: 'Body Name' });
    expect(bodyAdditions(body, { software_id: 'acme' })).toEqual({ client_name: 'Body Name' });
    expect(bodyAdditions(body, { software_id: 'acme', client_name: 'Signed' })).toEqual({});
  });

  it('lets statement claims win over the plain body and keeps body-only fields', () => {
    const body = { client_name: 'Body Name', redirect_uris: ['https://body.example/cb'], logo_uri: 'https://body.example/logo.png' };
    const claims = { client_name: 'Signed Name', redirect_uris: ['https://signed.example/cb'], software_id: 'acme', software_version: '2' };
    expect(mergeStatementMetadata(body, claims)).toEqual({
      client_name: 'Signed Name',
      redirect_uris: ['https://signed.example/cb'],
      logo_uri: 'https://body.example/logo.png',
      software_id: 'acme',
      software_version: '2',
    });
  });

  it('drops software_statement and the JWT registered claims, from either side', () => {
    const body = { software_statement: 'eyJ...', iss: 'body', client_name: 'x' };
    const claims = { iss: 'https://directory.example', sub: 's', aud: 'a', iat: 1, exp: 2, nbf: 1, jti: 'j', software_id: 'acme' };
    expect(mergeStatementMetadata(body, claims)).toEqual({ client_name: 'x', software_id: 'acme' });
  });

  it('neither pollutes prototypes nor keeps a __proto__ key', () => {
    const claims = JSON.parse('{"__proto__": {"polluted": true}, "software_id": "acme"}') as Record<string, unknown>;
    const merged = mergeStatementMetadata(JSON.parse('{"__proto__": {"admin": true}}') as Record<string, unknown>, claims);
    expect(Object.keys(merged)).toEqual(['software_id']);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((merged as Record<string, unknown>).admin).toBeUndefined();
  });

  it('does not modify its inputs', () => {
    const body = { client_name: 'a', software_statement: 'x' };
    const claims = { client_name: 'b', iss: 'i' };
    mergeStatementMetadata(body, claims);
    expect(body).toEqual({ client_name: 'a', software_statement: 'x' });
    expect(claims).toEqual({ client_name: 'b', iss: 'i' });
  });
});
