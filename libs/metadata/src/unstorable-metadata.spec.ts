// Real: checkClientMetadata and checkMetadataDocument; nothing stubbed.
// Metadata the audit store cannot keep (a NUL character, a lone UTF-16 surrogate) never gets admitted:
// whatever source it comes from, the rules refuse it before any event carries it.
import { RegistrationError } from '@admit/contracts';
import { checkClientMetadata } from './client-metadata-rules';
import { checkMetadataDocument } from './cimd/document';

const URL_ = 'https://app.example/client.json';
const DESCRIPTION = (path: string) => `metadata${path} holds a NUL character or a lone UTF-16 surrogate`;

describe('metadata the audit store could not keep', () => {
  it.each([
    ['a NUL in client_name', { client_name: 'Bank\u0000' }, '["client_name"]'],
    ['a lone high surrogate in client_name', { client_name: 'Bank\ud800' }, '["client_name"]'],
    ['a lone low surrogate in a redirect URI', { redirect_uris: ['https://app.example/\udc00'] }, '["redirect_uris"][0]'],
    ['a NUL in a key id', { jwks: { keys: [{ kty: 'EC', kid: 'k\u0000' }] } }, '["jwks"]["keys"][0]["kid"]'],
    ['a NUL in an extension name', { 'x\u0000': 'y' }, '["x\\u0000"]'],
  ])('statement or plain metadata holding %s is refused with invalid_client_metadata', (_name, extra, path) => {
    expect(checkClientMetadata({ redirect_uris: ['https://app.example/cb'], ...extra })).toEqual({
      ok: false,
      errors: [{ code: RegistrationError.InvalidClientMetadata, description: DESCRIPTION(path) }],
    });
  });

  it('a metadata document holding a lone surrogate is refused with invalid_client_metadata', () => {
    const body = Buffer.from(JSON.stringify({ client_id: URL_, redirect_uris: ['https://app.example/cb'], client_name: 'App\ud800' }));
    expect(checkMetadataDocument(URL_, body)).toEqual({
      ok: false,
      problems: [{ code: RegistrationError.InvalidClientMetadata, error: RegistrationError.InvalidClientMetadata, description: DESCRIPTION('["client_name"]') }],
    });
  });

  it('keeps surrogate pairs and other storable characters', () => {
    expect(checkClientMetadata({ redirect_uris: ['https://app.example/cb'], client_name: 'App 🚀 \ufffd é' }).ok).toBe(true);
  });
});
