// Real: PendingDecisions, AdmissionCache, AdmissionTokens with SigningKeys (a key generated in a
// temporary folder), jose. Stubbed: the Publisher (it answers each request with the decision a test
// chose, through PendingDecisions as the bus would).
import { inProcessTransport, Publisher } from '@admit/bus';
import { EventData, newEvent, RequestError, Topic } from '@admit/contracts';
import { errorAnswer } from '@admit/platform';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { RevocationSet } from '@admit/revocation-set';
import { rejectedBy } from '@admit/contracts/testing';
import { AdmissionCache } from '../access/admission-cache';
import { allowDecision, testAdmissionTokens } from '../testing/fixtures';
import { DecisionPipeline, RegistrationDenied } from './decision-pipeline';
import { PendingDecisions } from './pending-decisions';

type Decided = EventData<typeof Topic.RegistrationDecided>;

const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

const allow = (extra: Partial<Decided> = {}): Decided =>
  allowDecision(
    { anchor: 'directory', software_id: 'acme', expires_at: inMinutes(15) },
    { metadata: { redirect_uris: ['https://app.example/cb'], client_name: 'Acme', admission: 'forged-by-the-client' } as Decided['metadata'], decided_at: '2026-11-28T12:00:00.000Z', ...extra },
  );

describe('DecisionPipeline and the admission token', () => {
  const harness = testAdmissionTokens();
  let answer: Decided;
  let pipeline: DecisionPipeline;
  let admissions: AdmissionCache;

  beforeAll(() => {
    const pending = new PendingDecisions();
    const publisher = {
      publish: async (_topic: string, _data: unknown, opts: { correlationId: string }) => {
        // As DecisionsHandler does: the decision goes through the cache, then to its waiter.
        setImmediate(() => {
          admissions.record(answer);
          pending.resolve(newEvent(Topic.RegistrationDecided, answer, { source: '/admit/policy', correlationId: opts.correlationId }));
        });
      },
    } as unknown as Publisher;
    admissions = new AdmissionCache(new RevocationSet());
    pipeline = new DecisionPipeline(publisher, pending, admissions, inProcessTransport().inbox, harness.tokens, { decisionTimeoutMs: 5_000 });
  });

  const request = { client_id: 'c_provisional', source: 'rfc7591' as const, metadata: {}, received_at: new Date().toISOString() };

  const apiError = (run: () => Promise<unknown>) => rejectedBy(RequestError, run());

  it('answers an allow with the client information and its own admission token, whatever the metadata says', async () => {
    answer = allow();
    const response = await pipeline.admit(request);
    expect(response).toMatchObject({ client_id: 's_abc', client_name: 'Acme', client_id_issued_at: Date.parse('2026-11-28T12:00:00Z') / 1000 });
    expect(response.admission).not.toBe('forged-by-the-client');
    const { payload, protectedHeader } = await jwtVerify(response.admission, createLocalJWKSet(harness.keys.publicJwks()), { issuer: 'https://admit.example', typ: 'admission+jwt' });
    expect(protectedHeader.kid).toBe(harness.keys.kid);
    expect(payload).toMatchObject({ sub: 's_abc', adm_anchor: 'directory', adm_software_id: 'acme' });
  });

  it('answers an allow without admission with 500 server_error, not with a token-less 201', async () => {
    const { admission: _admission, ...withoutAdmission } = allow();
    answer = withoutAdmission;
    const err = await apiError(() => pipeline.admit(request));
    expect({ status: errorAnswer(err).status, body: errorAnswer(err).body }).toEqual({
      status: 500,
      body: { error: 'server_error', error_description: 'the admission token could not be issued' },
    });
  });

  it('answers an admission that ended before it reached intake with 503 and Retry-After', async () => {
    const ended = allow();
    answer = { ...ended, admission: ended.admission && { ...ended.admission, expires_at: inMinutes(-1) } };
    const err = await apiError(() => pipeline.admit(request));
    expect({ status: errorAnswer(err).status, body: errorAnswer(err).body, headers: errorAnswer(err).headers }).toEqual({
      status: 503,
      body: { error: 'temporarily_unavailable', error_description: 'the admission ended before it could be issued; try again' },
      headers: { 'retry-after': '1' },
    });
  });

  it('a failing request for a live client neither evicts its admission nor replaces the request it is renewed with', async () => {
    answer = allow({ client_id: 's_victim' });
    const legitimate = { ...request, metadata: { software_statement: 'legitimate' } };
    await pipeline.admit(legitimate);
    answer = allow({ client_id: 's_victim', decision: 'deny', error: 'invalid_software_statement', reasons: [{ code: 'ERR_STATEMENT_SUPERSEDED', description: 'older' }], metadata: undefined, admission: undefined });
    const err = await apiError(() => pipeline.admit({ ...request, metadata: { software_statement: 'older copy' } }));
    expect({ status: errorAnswer(err).status, body: errorAnswer(err).body }).toEqual({ status: 400, body: { error: 'invalid_software_statement', error_description: 'older' } });
    expect(admissions.get('s_victim')).toBeDefined();
    expect(admissions.requestOf('s_victim')).toBe(legitimate);
  });

  it('still answers a deny with 400 and no token', async () => {
    answer = allow({ decision: 'deny', error: 'invalid_client_metadata', reasons: [{ code: 'x', description: 'not allowed' }], metadata: undefined, admission: undefined });
    const err = await apiError(() => pipeline.admit(request));
    expect({ status: errorAnswer(err).status, body: errorAnswer(err).body }).toEqual({ status: 400, body: { error: 'invalid_client_metadata', error_description: 'not allowed' } });
    answer = allow({ decision: 'deny', error: 'ERR_CIMD_URL_INVALID', reasons: [{ code: 'ERR_CIMD_URL_INVALID', description: 'not a URL' }], metadata: undefined, admission: undefined });
    const denied = await apiError(() => pipeline.admit(request));
    expect([denied instanceof RegistrationDenied, errorAnswer(denied)]).toEqual([true, { status: 400, body: { error: 'ERR_CIMD_URL_INVALID', error_description: 'not a URL' }, headers: {} }]);
  });

  it('DNS and revocation-note leaks: a deny names the codes, never the resolved address nor the operator\'s reason', async () => {
    const reasons = [
      { code: 'ERR_FETCH_BLOCKED_ADDRESS', error: 'invalid_client_metadata', description: 'internal.example resolves to special-use address 10.1.2.3 (private)' },
      { code: 'ERR_FETCH_CONNECT', error: 'invalid_client_metadata', description: 'connection to internal.example failed (ECONNREFUSED)' },
      { code: 'revoked:anchor', error: 'invalid_client_metadata', description: 'revoked: key leak reported by alice@corp, incident INC-4711' },
    ];
    answer = allow({ decision: 'deny', error: 'invalid_client_metadata', reasons, metadata: undefined, admission: undefined });
    const err = await apiError(() => pipeline.admit(request));
    expect({ status: errorAnswer(err).status, body: errorAnswer(err).body }).toEqual({
      status: 400,
      body: {
        error: 'invalid_client_metadata',
        error_description:
          'ERR_FETCH_BLOCKED_ADDRESS: the host resolves to an address Admit does not fetch from; ' +
          'ERR_FETCH_CONNECT: the connection to the host failed; ' +
          'revoked:anchor: the client is revoked; the reason is in the audit trail',
      },
    });
  });
});
