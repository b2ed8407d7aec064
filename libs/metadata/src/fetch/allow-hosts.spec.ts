// Real: parseAllowHosts. Nothing is stubbed.
import { parseAllowHosts } from './allow-hosts';

describe('parseAllowHosts (ADMIT_FETCH_ALLOW_HOSTS)', () => {
  it.each([undefined, '', '   '])('is empty, the safe default, for %p', (value) => {
    expect(parseAllowHosts(value)).toEqual([]);
  });

  it('parses a comma list of exact host:port entries, lower-casing hosts as URLs do', () => {
    expect(parseAllowHosts('localhost:8443, Client.Test:443,[::1]:9443,127.0.0.1:1')).toEqual([
      'localhost:8443',
      'client.test:443',
      '[::1]:9443',
      '127.0.0.1:1',
    ]);
  });

  it.each(['localhost', 'localhost:', ':443', 'localhost:0', 'localhost:65536', 'https://localhost:443', '::1:443', 'a b:443', 'localhost:443/x'])(
    'fails fast naming the variable for %j',
    (entry) => {
      expect(() => parseAllowHosts(`ok.test:443,${entry}`)).toThrow(`ADMIT_FETCH_ALLOW_HOSTS: ${JSON.stringify(entry)} is not host:port`);
    },
  );
});
