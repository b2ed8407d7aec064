// Real: everything (canonicalize, node:crypto); nothing stubbed.
import { createHash } from 'node:crypto';
import { metadataClientId } from './client-id';

/** The id of an exact canonical JSON text, computed independently of the code under test. */
function idOfCanonical(text: string): string {
  return `c_${createHash('sha256').update(text, 'utf8').digest('base64url').slice(0, 32)}`;
}

const metadata = { redirect_uris: ['https://app.example/cb'], client_name: 'App', grant_types: ['authorization_code'] };

describe('metadataClientId', () => {
  it('is c_ followed by 32 base64url characters', () => {
    expect(metadataClientId(metadata)).toMatch(/^c_[A-Za-z0-9_-]{32}$/);
  });

  it('is deterministic', () => {
    expect(metadataClientId(metadata)).toBe(metadataClientId(structuredClone(metadata)));
  });

  it('hashes the RFC 8785 canonical JSON of the metadata', () => {
    expect(metadataClientId({ b: [true, null, 'é', 1.5, 1e21], a: { y: 1, x: 'x' } })).toBe(
      idOfCanonical('{"a":{"x":"x","y":1},"b":[true,null,"é",1.5,1e+21]}'),
    );
  });

  it('sorts keys by UTF-16 code units, as in the RFC 8785 §3.2.3 example', () => {
    const input = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    expect(metadataClientId(input)).toBe(
      idOfCanonical(
        '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
      ),
    );
  });

  it('does not depend on key order, at any depth', () => {
    const reordered = JSON.parse('{"grant_types":["authorization_code"],"client_name":"App","redirect_uris":["https://app.example/cb"]}') as Record<string, unknown>;
    expect(metadataClientId(reordered)).toBe(metadataClientId(metadata));
    expect(metadataClientId({ x: { b: 1, a: { d: 2, c: 3 } } })).toBe(metadataClientId({ x: { a: { c: 3, d: 2 }, b: 1 } }));
  });

  it('does not depend on how a number is written', () => {
    expect(metadataClientId(JSON.parse('{"n":1.0,"m":1e2}') as Record<string, unknown>)).toBe(metadataClientId({ n: 1, m: 100 }));
  });

  it.each([
    ['a changed value', { ...metadata, client_name: 'App2' }],
    ['an extra field', { ...metadata, scope: 'openid' }],
    ['a missing field', { redirect_uris: metadata.redirect_uris, client_name: 'App' }],
    ['reordered array items', { ...metadata, redirect_uris: ['https://b.example/cb', 'https://app.example/cb'] }],
    ['a value of another type', { ...metadata, client_name: ['App'] }],
    ['a string where a number was', { ...metadata, client_name: 1 }],
    ['null instead of a missing field', { ...metadata, scope: null }],
  ])('differs for %s', (_name, other) => {
    expect(metadataClientId(other)).not.toBe(metadataClientId(metadata));
  });

  it('differs for an own __proto__ key, without polluting Object.prototype', () => {
    const withProto = JSON.parse('{"client_name":"App","__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(metadataClientId(withProto)).toBe(idOfCanonical('{"__proto__":{"polluted":true},"client_name":"App"}'));
    expect(metadataClientId(withProto)).not.toBe(metadataClientId({ client_name: 'App' }));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses NaN and Infinity instead of hashing them as null', () => {
    expect(() => metadataClientId({ n: NaN })).toThrow('NaN is not allowed');
    expect(() => metadataClientId({ n: Infinity })).toThrow('Infinity is not allowed');
  });

  it('never starts with https://, even for metadata that names one', () => {
    for (const input of [{}, { client_id: 'https://evil.example/client' }, { redirect_uris: ['https://app.example/cb'] }]) {
      const id = metadataClientId(input);
      expect(id.startsWith('https://')).toBe(false);
      expect(id.startsWith('c_')).toBe(true);
    }
  });

  it('hashes the empty object as {}', () => {
    expect(metadataClientId({})).toBe(idOfCanonical('{}'));
  });
});
