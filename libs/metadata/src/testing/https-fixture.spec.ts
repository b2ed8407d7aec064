// Real: the HTTPS fixture, openssl, TLS and HTTP on 127.0.0.1. Nothing is stubbed; one case names an
// openssl binary that does not exist, to show the message a machine without openssl gets.
import { mkdtempSync, rmSync } from 'node:fs';
import { ClientRequest, IncomingMessage } from 'node:http';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { startHttpsFixture } from './https-fixture';
import { createTestCertificates } from './test-certificates';

/** Sends the request `send` makes and reads the whole answer. */
function answer(send: (onResponse: (res: IncomingMessage) => void) => ClientRequest): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = send((res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const get = (port: number, path: string, ca: string, servername = 'localhost') =>
  answer((onResponse) => request({ host: '127.0.0.1', port, path, ca, servername, headers: { host: `${servername}:${port}` } }, onResponse));

/** GET through an IP-literal origin: no SNI, and the certificate checked against the address. */
const fetchWithCa = (url: string, ca: string) => answer((onResponse) => request(url, { ca }, onResponse));

describe('startHttpsFixture', () => {
  it('serves routes over TLS trusted through its own CA, records requests, and answers 404 otherwise', async () => {
    const fixture = await startHttpsFixture({ dnsNames: ['client.test'] });
    try {
      expect(fixture.origin).toBe(`https://localhost:${fixture.port}`);
      fixture.route('/doc', { status: 201, headers: { 'x-test': '1' }, body: { hello: 'world' } });
      fixture.route('/fn', (req, res) => res.writeHead(200).end(`you asked for ${req.url}`));
      expect(await get(fixture.port, '/doc', fixture.caPem)).toEqual({ status: 201, body: '{"hello":"world"}' });
      expect(await get(fixture.port, '/fn?x=1', fixture.caPem, 'client.test')).toEqual({ status: 200, body: 'you asked for /fn?x=1' });
      expect(await get(fixture.port, '/nope', fixture.caPem)).toEqual({ status: 404, body: '{"error":"not_found"}' });
      expect(fixture.requests.map((r) => [r.path, r.servername])).toEqual([
        ['/doc', 'localhost'],
        ['/fn?x=1', 'client.test'],
        ['/nope', 'localhost'],
      ]);
      expect(fixture.inFlight()).toEqual({ now: 0, max: 1 });
    } finally {
      await fixture.close();
    }
  });

  it('serves the same routes on more ports, of 127.0.0.1 or ::1, under the same certificate', async () => {
    const fixture = await startHttpsFixture();
    try {
      fixture.route('/doc', { body: { hello: 'again' } });
      const v4 = await fixture.listen('127.0.0.1');
      const v6 = await fixture.listen('::1');
      expect(v4).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(v6).toMatch(/^https:\/\/\[::1\]:\d+$/);
      for (const origin of [v4, v6]) {
        const res = await fetchWithCa(`${origin}/doc`, fixture.caPem);
        expect(res).toEqual({ status: 200, body: '{"hello":"again"}' });
      }
      expect(fixture.requests.map((r) => r.path)).toEqual(['/doc', '/doc']);
    } finally {
      await fixture.close();
    }
  });

  it('closes even while a handler never answers', async () => {
    const fixture = await startHttpsFixture();
    fixture.route('/hang', () => undefined);
    const pending = get(fixture.port, '/hang', fixture.caPem).catch((err: NodeJS.ErrnoException) => err.code);
    await new Promise<void>((resolve) => {
      const poll = () => (fixture.requests.length > 0 ? resolve() : setTimeout(poll, 5));
      poll();
    });
    await fixture.close();
    expect(await pending).toBe('ECONNRESET');
  });

  it('issues a certificate for localhost, 127.0.0.1, ::1 and the extra names, signed by a CA', () => {
    const dir = mkdtempSync(join(tmpdir(), 'admit-certs-spec-'));
    try {
      const certs = createTestCertificates(dir, ['client.test']);
      const ca = new X509Certificate(certs.caPem);
      const leaf = new X509Certificate(certs.certPem);
      expect(ca.ca).toBe(true);
      expect(leaf.ca).toBe(false);
      expect(leaf.verify(ca.publicKey)).toBe(true);
      expect(leaf.subjectAltName).toBe('DNS:localhost, DNS:client.test, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
      expect(certs.caFile).toBe(join(dir, 'ca.pem'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says plainly when the openssl CLI is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'admit-certs-spec-'));
    try {
      expect(() => createTestCertificates(dir, [], join(dir, 'no-such-openssl'))).toThrow(
        'the HTTPS test fixture needs the openssl CLI on PATH (Debian: apt-get install openssl)',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
