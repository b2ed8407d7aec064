// Real: every code map Admit exports, the HTTP status table, and the sources under libs/ and apps/.
// Each code Admit can emit (an HTTP error, a problem's code, a reason in an event) must follow the
// one grammar of docs/errors.md; adding a code that does not fails here.
import { AuditErrorCode, BreakReason, CheckpointProblem } from '@admit/audit';
import { PolicyLoadError, PolicyNotReadyError } from '@admit/cedar';
import { CodedError, DeadLetterReason, DecisionReason, ERROR_CODE_GRAMMAR, HttpError, policyCode, RegistrationError, RevocationError, RFC_ERROR_CODES } from '@admit/contracts';
import { FederationErrorCode, TrustMarkErrorCode } from '@admit/federation';
import { AdmissionTokenErrorCode, AssertionError, DecisionTimeout } from '@admit/intake';
import { KeysErrorCode } from '@admit/keys';
import { CimdErrorCode, FetchErrorCode } from '@admit/metadata';
import { ConfigError, ERROR_STATUS } from '@admit/platform';
import { TransientError } from '@admit/bus';
import { AnchorKeysError, StatementErrorCode, TrustAnchorsError } from '@admit/trust';
import { WorkloadErrorCode } from '@admit/workload';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const CODE_MAPS = {
  RegistrationError,
  HttpError,
  RevocationError,
  DecisionReason,
  DeadLetterReason,
  AuditErrorCode,
  BreakReason,
  CheckpointProblem,
  FederationErrorCode,
  TrustMarkErrorCode,
  AdmissionTokenErrorCode,
  AssertionError,
  KeysErrorCode,
  CimdErrorCode,
  FetchErrorCode,
  StatementErrorCode,
  WorkloadErrorCode,
};

/** The classes with one code of their own. */
const SINGLE_CODES: CodedError[] = [
  new TransientError('x'),
  new ConfigError([]),
  new PolicyLoadError('x'),
  new PolicyNotReadyError('x'),
  new DecisionTimeout('x'),
  new TrustAnchorsError('x'),
  new AnchorKeysError('a', 'x'),
];

const ROOT = join(__dirname, '../../..');

/** Non-test sources under libs/ and apps/. */
function sources(dir = ROOT, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!['node_modules', 'testing', 'generated', 'dist'].includes(entry.name) && (dir !== ROOT || ['libs', 'apps'].includes(entry.name))) sources(path, out);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) out.push(path);
  }
  return out;
}

/** Literal codes written in place: `code: '…'`, and the code of a RequestError thrown. */
const LITERAL = /\bcode: '([^']+)'|new RequestError\('([^']+)'/g;

describe('error codes', () => {
  it.each([
    ...Object.entries(CODE_MAPS).flatMap(([map, codes]) => Object.values(codes).map((code) => [map, code])),
    ...SINGLE_CODES.map((err) => [err.name, err.code]),
  ])('%s: %s follows the grammar', (_source, code) => {
    expect(code).toMatch(ERROR_CODE_GRAMMAR);
  });

  it.each(Object.entries(ERROR_STATUS).map(([code, answer]) => [code, answer.as ?? code]))('the HTTP table: %s (answered as %s) follows the grammar', (code, as) => {
    expect(code).toMatch(ERROR_CODE_GRAMMAR);
    expect(as).toMatch(ERROR_CODE_GRAMMAR);
  });

  it('finds every literal code in the sources conforming', () => {
    const found = sources().flatMap((file) => [...readFileSync(file, 'utf8').matchAll(LITERAL)].map((m) => ({ file: file.slice(ROOT.length + 1), code: m[1] ?? m[2] })));
    expect(found.length).toBeGreaterThan(5);
    expect(found.filter(({ code }) => !ERROR_CODE_GRAMMAR.test(code))).toEqual([]);
  });

  it('is a grammar that refuses what it must', () => {
    expect(RFC_ERROR_CODES.every((code) => ERROR_CODE_GRAMMAR.test(code))).toBe(true);
    expect(policyCode('register-cimd')).toBe('policy:register-cimd');
    expect('policy:register-cimd').toMatch(ERROR_CODE_GRAMMAR);
    expect('revoked:client_id').toMatch(ERROR_CODE_GRAMMAR);
    for (const bad of ['not_found', 'revocation_exists', 'register-cimd', 'ERR_lower', 'err_x', 'policy:', 'revoked:', 'revoked:Kind', 'invalid_request ', 'xinvalid_request']) {
      expect(bad).not.toMatch(ERROR_CODE_GRAMMAR);
    }
  });
});
