import type { Problem } from '@admit/contracts';
import { AnchorKeys } from '../anchor-keys';
import type { TrustAnchors } from '../trust-anchor';
import { verifySoftwareStatement, type StatementVerification } from '../verify-statement';
import { FakeFetcher } from './fake-fetcher';
import { NOW_S } from './statement-fixtures';

/** verifySoftwareStatement wired to a FakeFetcher and a movable clock. */
export function verifyHarness(anchors: TrustAnchors, fetcher = new FakeFetcher()) {
  const clock = { nowMs: NOW_S * 1000 };
  const keys = new AnchorKeys(anchors, { fetcher, clock: () => new Date(clock.nowMs) });
  const verify = (jwt: string) => verifySoftwareStatement(jwt, { anchors, keys, clock: () => new Date(clock.nowMs) });
  return { clock, keys, fetcher, verify };
}

/** The single problem of a failed verification; fails the test if verification succeeded. */
export function onlyProblem(result: StatementVerification): Problem {
  if (result.ok) throw new Error('expected the statement to be rejected, but it was accepted');
  expect(result.problems).toHaveLength(1);
  return result.problems[0];
}
