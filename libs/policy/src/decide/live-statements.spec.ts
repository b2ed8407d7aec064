// Real: LiveStatements, DecideRegistrationHandler and the repo's policies/ under Cedar. Stubbed: the
// Publisher (it records what is published), the active policy feed and the clock.
import { Publisher } from '@admit/bus';
import { ActivePolicy, PolicySet } from '@admit/cedar';
import { CloudEvent, EventData, newEvent, RegistrationError, Topic } from '@admit/contracts';
import { RevocationSet } from '@admit/revocation-set';
import { join } from 'node:path';
import { DecideRegistrationHandler } from './decide-registration.handler';
import { LiveStatements, REPLACES_CODE, SUPERSEDED_CODE } from './live-statements';

type Validated = EventData<typeof Topic.RegistrationValidated>;
type Decided = EventData<typeof Topic.RegistrationDecided>;

const NOW = Date.now();
const iso = (offsetS: number) => new Date(NOW + offsetS * 1000).toISOString();

function statement(sha: string, iatOffsetS: number, overrides: Partial<Validated> = {}): Validated {
  return {
    client_id: 's_victim',
    source: 'software_statement',
    outcome: 'valid',
    metadata: { redirect_uris: ['https://app.example/cb'], grant_types: ['authorization_code'], token_endpoint_auth_method: 'none' },
    errors: [],
    evidence: { statement: { sha256: sha.repeat(64), anchor: 'directory', kid: 'k1', alg: 'ES256', iat: iso(iatOffsetS), exp: iso(3600) } },
    anchor: 'directory',
    software_id: 'acme',
    jkts: [],
    validated_at: new Date().toISOString(),
    ...overrides,
  };
}

describe('a software statement replacing a live admission', () => {
  let decided: Decided[];
  let handler: DecideRegistrationHandler;

  beforeEach(() => {
    decided = [];
    const publisher = { publish: async (_topic: string, data: Decided) => void decided.push(data) } as unknown as Publisher;
    const policies = PolicySet.load(join(__dirname, '..', '..', '..', '..', 'policies'));
    const active = { current: () => policies } as unknown as ActivePolicy;
    const revocations = new RevocationSet();
    revocations.markReady();
    handler = new DecideRegistrationHandler(publisher, active, revocations, new LiveStatements());
  });

  const decide = async (validated: Validated): Promise<Decided> => {
    const event = newEvent(Topic.RegistrationValidated, validated, { source: '/admit/validator' }) as CloudEvent<typeof Topic.RegistrationValidated>;
    await handler.onValidated(event);
    return decided[decided.length - 1];
  };

  it('an older copy of the statement cannot replace the admission of a later one: ERR_STATEMENT_SUPERSEDED', async () => {
    expect(await decide(statement('b', -10))).toMatchObject({ decision: 'allow' });
    const rollback = await decide(statement('a', -600));
    expect(rollback).toMatchObject({ decision: 'deny', error: RegistrationError.InvalidSoftwareStatement, reasons: [{ code: SUPERSEDED_CODE }] });
    expect(rollback).not.toHaveProperty('admission');
  });

  it('another statement issued at the same second cannot replace it either', async () => {
    await decide(statement('b', -10));
    expect(await decide(statement('c', -10))).toMatchObject({ decision: 'deny', reasons: [{ code: SUPERSEDED_CODE }] });
  });

  it('the same statement again is admitted again', async () => {
    await decide(statement('b', -10));
    expect(await decide(statement('b', -10))).toMatchObject({ decision: 'allow' });
  });

  it('a later statement from the same anchor (key rotation) replaces it, and the allow records the replacement', async () => {
    await decide(statement('b', -600));
    const rotated = await decide(statement('c', -10));
    expect(rotated.decision).toBe('allow');
    expect(rotated.reasons).toContainEqual({ code: REPLACES_CODE, description: `replaces the admission on the statement ${'b'.repeat(64)} issued at ${iso(-600)}` });
    // The rotated statement is now the live one: the one it replaced cannot come back.
    expect(await decide(statement('b', -600))).toMatchObject({ decision: 'deny', reasons: [{ code: SUPERSEDED_CODE }] });
  });

  it('a failed validation for the client is a deny that leaves the live statement in place', async () => {
    await decide(statement('b', -10));
    const failed = await decide({ ...statement('z', 0), outcome: 'invalid', metadata: undefined, errors: [{ code: 'invalid_redirect_uri', description: 'x' }] });
    expect(failed).toMatchObject({ decision: 'deny', reasons: [{ code: 'invalid_redirect_uri' }] });
    expect(await decide(statement('b', -10))).toMatchObject({ decision: 'allow' });
    expect(await decide(statement('y', -60))).toMatchObject({ decision: 'deny', reasons: [{ code: SUPERSEDED_CODE }] });
  });
});

describe('LiveStatements', () => {
  it('forgets an admission once it has ended, so any valid statement admits the client again', () => {
    let now = NOW;
    const live = new LiveStatements(10, () => now);
    const first = statement('b', -10);
    live.admitted(first, { decision: 'allow', admission: { expires_at: iso(60) } } as Decided);
    expect(live.judge(statement('a', -600)).kind).toBe('refuse');
    now += 61_000;
    expect(live.judge(statement('a', -600)).kind).toBe('admit');
  });
});
