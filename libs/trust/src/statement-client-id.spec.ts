// Real: node:crypto sha-256. Stubbed: nothing.
import { statementClientId } from './statement-client-id';

describe('statementClientId', () => {
  it('is the same for the same anchor and software_id', () => {
    expect(statementClientId('directory', 'acme-cli')).toBe(statementClientId('directory', 'acme-cli'));
  });

  // Pinned against: printf 'admit:statement-client-id:v1\0["directory","acme-cli"]' | openssl dgst -sha256 -binary | base64url
  it('pins the derivation, so ids survive restarts and upgrades', () => {
    expect(statementClientId('directory', 'acme-cli')).toBe('s_2W7dsgVSzKAGcLd8ICPvlfwfWjZmo0e4nj5vc0v2gwg');
  });

  it('differs by anchor, by software, and by where the boundary falls', () => {
    const ids = [
      statementClientId('directory', 'acme-cli'),
      statementClientId('other', 'acme-cli'),
      statementClientId('directory', 'acme-cli-2'),
      statementClientId('ab', 'c'),
      statementClientId('a', 'bc'),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('commits to what the body adds, in any key order, and adding nothing keeps the id of the anchor and software_id', () => {
    expect(statementClientId('directory', 'acme-cli', {})).toBe(statementClientId('directory', 'acme-cli'));
    const added = statementClientId('directory', 'acme-cli', { client_name: 'A', logo_uri: 'https://a.example/l.png' });
    expect(added).not.toBe(statementClientId('directory', 'acme-cli'));
    expect(statementClientId('directory', 'acme-cli', { logo_uri: 'https://a.example/l.png', client_name: 'A' })).toBe(added);
    expect(statementClientId('directory', 'acme-cli', { client_name: 'B' })).not.toBe(statementClientId('directory', 'acme-cli', { client_name: 'A' }));
  });

  it('is s_ + 43 base64url characters, never https://, whatever the input', () => {
    for (const [anchor, software] of [['directory', 'https://evil.example'], ['https://x', 'y'], ['', '']]) {
      const id = statementClientId(anchor, software);
      expect(id).toMatch(/^s_[A-Za-z0-9_-]{43}$/);
      expect(id.startsWith('https://')).toBe(false);
    }
  });
});
