// OpenID Federation trust chains end to end. Real: the built apps as a user starts them, the Kafka
// broker, PostgreSQL / PGlite, a loopback HTTPS server with a CA made for this run (the only host the
// SSRF guard is told to allow) serving a trust anchor, an intermediate and two leaves, every statement
// signed with jose on each request. Nothing stubbed.
import { federationAnchorYaml, serveFederation, TestEntity, TestFederation } from '@admit/federation/testing';
import { HttpsFixture, startHttpsFixture } from '@admit/metadata/testing';
import { AdminScope } from '@admit/platform';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdmitUnderTest, MODES, startAdmit } from '../support/admit-under-test';
import { eventually } from '../support/poll';

const ACCREDITED = 'https://trust.example/accredited';
const RP = { client_name: 'Federated RP', redirect_uris: ['https://rp.example/cb'], token_endpoint_auth_method: 'private_key_jwt' };

describe.each(MODES)('OpenID Federation trust chains (%s)', (mode) => {
  let fixture: HttpsFixture;
  let admit: AdmitUnderTest;
  let dir: string;
  let anchor: TestEntity;
  let intermediate: TestEntity;
  let leaf: TestEntity;
  let violating: TestEntity;

  beforeAll(async () => {
    fixture = await startHttpsFixture();
    // anchor <- intermediate <- {leaf, violating}; the intermediate allows private_key_jwt only.
    const fed = new TestFederation(fixture.origin);
    anchor = await fed.add('anchor');
    intermediate = await fed.add('intermediate');
    leaf = await fed.add('leaf');
    leaf.metadata = { ...leaf.metadata, openid_relying_party: { ...RP, jwks: { keys: [leaf.key.jwk] } } };
    violating = await fed.add('violating', { metadata: { openid_relying_party: { ...RP, token_endpoint_auth_method: 'none' } } });
    const policy = { metadata_policy: { openid_relying_party: { token_endpoint_auth_method: { one_of: ['private_key_jwt'] } } } };
    fed.link(intermediate, anchor);
    fed.link(leaf, intermediate, policy);
    fed.link(violating, intermediate, policy);
    anchor.trust_mark_issuers = { [ACCREDITED]: [anchor.id] };
    leaf.trust_marks = [await fed.trustMark(ACCREDITED, leaf, anchor)];
    serveFederation(fed, fixture);

    dir = mkdtempSync(join(tmpdir(), 'admit-federation-'));
    const anchorsFile = join(dir, 'anchors.yaml');
    // The anchor's domains route every client id on the fixture's host to the federation.
    writeFileSync(anchorsFile, ['anchors:', federationAnchorYaml('loopback-federation', anchor, ['localhost'])].join('\n'));
    admit = await startAdmit(
      mode,
      { ADMIT_FETCH_ALLOW_HOSTS: `localhost:${fixture.port}`, ADMIT_FETCH_CA_FILE: fixture.caFile, ADMIT_TRUST_ANCHORS_FILE: anchorsFile },
      [AdminScope.RevocationsWrite],
    );
  });
  afterAll(async () => {
    await admit?.close();
    await fixture?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const post = (path: string, body: unknown, base = admit.stack.intakeUrl, token?: string) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const check = async () => (await (await post('/access-checks', { client_id: leaf.id, action: 'read' })).json()) as { decision: string; reasons: { code: string }[] };

  it('admits a federation leaf named by source, with the chain in its evidence, never past the chain', async () => {
    const res = await post('/admissions', { client_id: leaf.id, source: 'openid_federation' });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as Record<string, unknown>;
    expect(answer).toMatchObject({ client_id: leaf.id, client_name: 'Federated RP', redirect_uris: ['https://rp.example/cb'], token_endpoint_auth_method: 'private_key_jwt' });

    const [validated] = await admit.auditEvents({ client_id: leaf.id, type: 'admit.registration.validated.v1' }, (events) => events.length > 0);
    expect(validated.data).toMatchObject({
      source: 'federation',
      outcome: 'valid',
      anchor: 'loopback-federation',
      intermediates: [intermediate.id],
      trust_marks: [ACCREDITED],
      evidence: {
        federation: {
          entity_id: leaf.id,
          anchor: 'loopback-federation',
          anchor_entity_id: anchor.id,
          path: [leaf.id, intermediate.id, anchor.id],
          client_type: 'openid_relying_party',
          metadata: { ...RP, jwks: { keys: [leaf.key.jwk] } },
          trust_marks: [{ type: ACCREDITED, issuer: anchor.id }],
          rejected_trust_marks: [],
        },
      },
    });
    const evidence = (validated.data.evidence as { federation: { statements: { iss: string; sub: string; sha256: string }[]; expires_at: string } }).federation;
    // The leaf's configuration, each superior's statement about the entity below it, the anchor's configuration.
    const path = [leaf.id, intermediate.id, anchor.id];
    const expected = [[leaf.id, leaf.id], ...path.slice(1).map((superior, i) => [superior, path[i]]), [anchor.id, anchor.id]];
    expect(evidence.statements.map((s) => [s.iss, s.sub])).toEqual(expected);
    expect(evidence.statements.every((s) => /^[0-9a-f]{64}$/.test(s.sha256))).toBe(true);
    expect(answer.client_id_expires_at as number).toBeLessThanOrEqual(Date.parse(evidence.expires_at) / 1000);

    const [decided] = await admit.auditEvents({ client_id: leaf.id, type: 'admit.registration.decided.v1' }, (events) => events.length > 0);
    expect(decided.data).toMatchObject({ decision: 'allow', determining_policies: ['register-federation'], admission: { source: 'federation', intermediates: [intermediate.id] } });
  });

  it('denies the leaf that breaks its intermediate\'s metadata policy with the exact reason, routed by the anchor\'s domains', async () => {
    const res = await post('/admissions', { client_id: violating.id });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; error_description: string };
    expect(body.error).toBe('invalid_client_metadata');
    expect(body.error_description).toMatch(/^ERR_FEDERATION_POLICY_VIOLATION: /);
    const resolved = await fetch(`${admit.stack.intakeUrl}/clients/${encodeURIComponent(violating.id)}`);
    expect(resolved.status).toBe(404);
    expect(((await resolved.json()) as { error_description: string }).error_description).toMatch(/^ERR_FEDERATION_POLICY_VIOLATION: /);
    const decided = await admit.auditEvents({ client_id: violating.id, type: 'admit.registration.decided.v1' }, (events) => events.length >= 2);
    for (const event of decided) expect(event.data).toMatchObject({ decision: 'deny', reasons: [{ code: 'ERR_FEDERATION_POLICY_VIOLATION' }] });
    // Routed to the federation: no metadata document was ever asked for at the leaf's URL.
    expect(fixture.requests.filter((r) => r.path === '/violating')).toEqual([]);
  });

  it("revoking the intermediate denies the leaf's next access check", async () => {
    expect(await check()).toMatchObject({ decision: 'allow' });
    const revocationUrl = (admit.stack.apps.find((a) => a.name === 'revocation') ?? admit.stack.apps[0]).url;
    const revoked = await post('/revocations', { kind: 'intermediate', value: intermediate.id, reason: 'e2e: intermediate compromised' }, revocationUrl, admit.adminToken);
    expect(revoked.status).toBe(201);
    const denied = await eventually('the intermediate revocation to reach intake', async () => {
      const answer = await check();
      return answer.decision === 'deny' ? answer : undefined;
    });
    expect(denied.reasons.map((r) => r.code)).toEqual(['revoked:intermediate']);
    // Admitting it again is refused too: the chain runs through the revoked intermediate.
    const again = await post('/admissions', { client_id: leaf.id, source: 'openid_federation' });
    expect(again.status).toBe(400);
  });
});
