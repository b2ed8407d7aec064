// Real: everything; nothing stubbed.
import { issuerOf } from './issuer';

describe('issuerOf', () => {
  it('uses ADMIT_ISSUER when it is set', () => {
    expect(issuerOf({ ADMIT_ISSUER: 'https://admit.example', ADMIT_HTTP_HOST: '0.0.0.0', ADMIT_HTTP_PORT: 8080 })).toBe('https://admit.example');
  });

  it.each([
    ['127.0.0.1', 8080, 'http://localhost:8080'],
    ['0.0.0.0', 9000, 'http://localhost:9000'],
    ['::', 8080, 'http://localhost:8080'],
    ['admit.internal', 8080, 'http://admit.internal:8080'],
    ['fd00::1', 8080, 'http://[fd00::1]:8080'],
  ])('derives a local issuer from host %s and port %d', (host, port, issuer) => {
    expect(issuerOf({ ADMIT_HTTP_HOST: host, ADMIT_HTTP_PORT: port })).toBe(issuer);
  });
});
