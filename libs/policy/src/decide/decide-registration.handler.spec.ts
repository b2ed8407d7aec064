// Real: everything (decide(), Cedar wasm, policy files in fresh temp dirs and the repo's policies/); nothing stubbed.
import { checkEventData, EventData, Problem, RegistrationError, Topic } from '@admit/contracts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PolicySet } from '../cedar/policy-set';
import { decide } from './decide-registration.handler';

type Validated = EventData<typeof Topic.RegistrationValidated>;

const NOW = new Date('2025-06-01T12:00:00.000Z');
const REPO_POLICIES = join(__dirname, '..', '..', '..', '..', 'policies');
const metadata = { redirect_uris: ['https://app.example/cb'], grant_types: ['authorization_code'], token_endpoint_auth_method: 'none' };
const dirs: string[] = [];

function policies(text: string): PolicySet {
  const dir = mkdtempSync(join(tmpdir(), 'admit-decide-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'test.cedar'), text);
  return PolicySet.load(dir);
}

function valid(overrides: Partial<Validated> = {}): Validated {
  return { client_id: 'c_abc', source: 'self_asserted', outcome: 'valid', metadata, errors: [], evidence: {}, jkts: [], validated_at: NOW.toISOString(), ...overrides };
}

function invalid(errors: Problem[]): Validated {
  return { client_id: 'c_abc', source: 'self_asserted', outcome: 'invalid', errors, evidence: {}, jkts: [], validated_at: NOW.toISOString() };
}

const permitAll = () => policies('@id("permit-all") permit (principal, action, resource);');

beforeEach(() => {
  jest.useFakeTimers({ now: NOW });
});

afterEach(() => {
  jest.useRealTimers();
});

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('decide', () => {
  describe('after failed validation', () => {
    const errors: Problem[] = [
      { code: RegistrationError.InvalidRedirectUri, description: '"http://a.example/" must use https' },
      { code: RegistrationError.InvalidClientMetadata, description: 'client_secret must not be sent' },
    ];

    it('denies with the validation reasons and the first code, even under a permit-all policy', () => {
      const set = permitAll();
      expect(decide(set, invalid(errors))).toStrictEqual({
        client_id: 'c_abc',
        policy_version: set.version,
        decided_at: NOW.toISOString(),
        decision: 'deny',
        determining_policies: [],
        reasons: errors,
        error: RegistrationError.InvalidRedirectUri,
      });
    });

    it('denies with a generic reason when the validator gave none', () => {
      expect(decide(permitAll(), invalid([]))).toMatchObject({
        decision: 'deny',
        determining_policies: [],
        reasons: [{ code: RegistrationError.InvalidClientMetadata, description: 'validation failed' }],
        error: RegistrationError.InvalidClientMetadata,
      });
    });

    it('denies an outcome of valid that carries no metadata', () => {
      const decided = decide(permitAll(), valid({ metadata: undefined }));
      expect(decided).toMatchObject({ decision: 'deny', determining_policies: [], error: RegistrationError.InvalidClientMetadata });
      expect('metadata' in decided).toBe(false);
    });

    it('never passes the metadata of an invalid request on', () => {
      expect('metadata' in decide(permitAll(), { ...invalid(errors), metadata })).toBe(false);
    });
  });

  describe('after successful validation', () => {
    it('allows under a permit, naming the determining policy and carrying the metadata', () => {
      const set = permitAll();
      expect(decide(set, valid())).toStrictEqual({
        client_id: 'c_abc',
        policy_version: set.version,
        decided_at: NOW.toISOString(),
        decision: 'allow',
        determining_policies: ['permit-all'],
        reasons: [{ code: 'permitted', description: 'permitted by permit-all' }],
        metadata,
      });
    });

    it('denies with no_permit when the only permit is for another action', () => {
      const set = policies('@id("revoke-only") permit (principal, action == Admit::Action::"revoke", resource);');
      expect(decide(set, valid())).toStrictEqual({
        client_id: 'c_abc',
        policy_version: set.version,
        decided_at: NOW.toISOString(),
        decision: 'deny',
        determining_policies: [],
        reasons: [{ code: 'no_permit', description: 'no policy permits this registration' }],
        error: RegistrationError.InvalidClientMetadata,
      });
    });

    it('denies with the forbid policy id under a forbid-only set', () => {
      const decided = decide(policies('@id("forbid-all") forbid (principal, action, resource);'), valid());
      expect(decided).toMatchObject({
        decision: 'deny',
        determining_policies: ['forbid-all'],
        reasons: [{ code: 'forbidden', description: 'forbidden by forbid-all' }],
        error: RegistrationError.InvalidClientMetadata,
      });
      expect('metadata' in decided).toBe(false);
    });

    it('lets a forbid win over a permit', () => {
      const set = policies('@id("permit-all") permit (principal, action, resource);\n@id("no-cimd") forbid (principal, action, resource) when { principal.source == "cimd" };');
      expect(decide(set, valid({ source: 'self_asserted' })).decision).toBe('allow');
      expect(decide(set, valid({ source: 'cimd' }))).toMatchObject({ decision: 'deny', determining_policies: ['no-cimd'] });
    });

    it('asks Cedar about the register action on this client, with its source', () => {
      const set = policies(
        '@id("only-good") permit (principal == Admit::Client::"c_good", action == Admit::Action::"register", resource == Admit::Registry::"admit") when { principal.source == "self_asserted" };',
      );
      expect(decide(set, valid({ client_id: 'c_good' })).decision).toBe('allow');
      expect(decide(set, valid({ client_id: 'c_good', source: 'cimd' })).decision).toBe('deny');
      expect(decide(set, valid({ client_id: 'c_other' })).decision).toBe('deny');
    });

    it.each([
      ['with quotes', 'c_"quoted"'],
      ['with a NUL', 'c_\u0000nul'],
      ['in unicode', 'c_✓ 客户端'],
      ['__proto__', '__proto__'],
      ['of the maximum length', 'x'.repeat(2048)],
    ])('decides safely for a client id %s', (_name, clientId) => {
      const set = policies('@id("only-good") permit (principal == Admit::Client::"c_good", action, resource);');
      const decided = decide(set, valid({ client_id: clientId }));
      expect({ client_id: decided.client_id, decision: decided.decision }).toEqual({ client_id: clientId, decision: 'deny' });
    });

    it('turns policy evaluation errors into policy_error reasons on deny', () => {
      const decided = decide(policies('@id("broken") permit (principal, action, resource) when { context.missing };'), valid());
      expect(decided).toMatchObject({ decision: 'deny', determining_policies: [], error: RegistrationError.InvalidClientMetadata });
      expect(decided.reasons).toHaveLength(1);
      expect(decided.reasons[0].code).toBe('policy_error');
      expect(decided.reasons[0].description).toContain('missing');
    });
  });

  describe('the decided event it builds', () => {
    it.each([
      ['a permit', () => permitAll(), valid()],
      ['a default deny', () => policies('forbid (principal, action, resource) when { false };'), valid()],
      ['a forbid', () => policies('forbid (principal, action, resource);'), valid()],
      ['failed validation', () => permitAll(), invalid([{ code: RegistrationError.InvalidRedirectUri, description: 'bad' }])],
    ])('satisfies the RegistrationDecided contract after %s', (_name, set, validated) => {
      expect(checkEventData(Topic.RegistrationDecided, decide(set(), validated))).toBeNull();
    });

    it('satisfies the contract when many policies determine the decision', () => {
      // Problem lists are capped at 64 items; a broad policy set can have more policies that match.
      const set = policies(Array.from({ length: 65 }, () => 'permit (principal, action, resource);').join('\n'));
      const decided = decide(set, valid());
      expect(decided.decision).toBe('allow');
      expect(checkEventData(Topic.RegistrationDecided, decided)).toBeNull();
    });

    it('satisfies the contract when a policy id is longer than a reason code may be', () => {
      // Problem codes are capped at 128 characters, and PolicySet.load accepts any @id.
      const decided = decide(policies(`@id("${'p'.repeat(200)}") permit (principal, action, resource);`), valid());
      expect(decided.decision).toBe('allow');
      expect(checkEventData(Topic.RegistrationDecided, decided)).toBeNull();
    });
  });

  describe('with the repository policies/', () => {
    const set = PolicySet.load(REPO_POLICIES);

    it('loads them', () => {
      expect(set.version).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(set.policyIds).toEqual(['allow-validated-registration']);
    });

    it('allows a validated registration and denies a failed one', () => {
      expect(decide(set, valid())).toMatchObject({ decision: 'allow', determining_policies: ['allow-validated-registration'], metadata });
      expect(decide(set, invalid([{ code: RegistrationError.InvalidRedirectUri, description: 'bad' }]))).toMatchObject({
        decision: 'deny',
        error: RegistrationError.InvalidRedirectUri,
      });
    });
  });
});
