import { eventually } from './poll';
import { AdmitUnderTest } from './admit-under-test';

export interface CheckAnswer {
  decision: string;
  reasons: { code: string }[];
}

/**
 * Revokes `kind: value` through the revocation service with the run's admin token, then polls `check`
 * (a client's access check) until it is denied, and returns the deny's reason codes.
 */
export async function revokeUntilDenied(admit: AdmitUnderTest, kind: string, value: string, check: () => Promise<CheckAnswer>): Promise<string[]> {
  const revocationUrl = (admit.stack.apps.find((a) => a.name === 'revocation') ?? admit.stack.apps[0]).url;
  const revoked = await fetch(`${revocationUrl}/revocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admit.adminToken}` },
    body: JSON.stringify({ kind, value, reason: `e2e: ${kind} compromised` }),
  });
  expect(revoked.status).toBe(201);
  const denied = await eventually(`the ${kind} revocation to reach intake`, async () => {
    const answer = await check();
    return answer.decision === 'deny' ? answer : undefined;
  });
  return denied.reasons.map((r) => r.code);
}
