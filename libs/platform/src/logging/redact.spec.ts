// Real: scrub() and the patterns it applies; nothing stubbed.
import { scrub } from './redact';

describe('scrub', () => {
  const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl';

  it.each([
    [`statement ${jwt} rejected`, 'statement [redacted] rejected'],
    ['Authorization: Bearer admit_abcdefghijklmnopqrstuvwxyz0123456789', 'Authorization: Bearer [redacted]'],
    ['token admit_abcdefghijklmnopqrstuvwxyz0123456789 used', 'token [redacted] used'],
    [`{"software_statement":"x.y.z","client_name":"a"}`, `{"software_statement":"[redacted]","client_name":"a"}`],
    [`{"kty":"EC","d":"secret-scalar","x":"pub"}`, `{"kty":"EC","d":"[redacted]","x":"pub"}`],
    ['-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----', '[redacted]'],
  ])('redacts %j', (input, expected) => {
    expect(scrub(input)).toBe(expected);
  });

  it('leaves ordinary text alone', () => {
    expect(scrub('POST /register 201 12.3 ms')).toBe('POST /register 201 12.3 ms');
  });
});
