/** What an access check asks Admit (`POST /access-checks`). */
export interface AccessCheck {
  client_id: string;
  action: string;
  resource?: string;
  context?: { sensitivity?: 'normal' | 'sensitive' };
  client_assertion?: string;
}

/** Admit's answer: the decision and the public reason codes. */
export interface AccessAnswer {
  decision: 'allow' | 'deny';
  reasons: { code: string; description?: string }[];
  check_id?: string;
}

/**
 * Asks Admit whether a client may act now. Anything but a decision (Admit unreachable, a 4xx/5xx)
 * is a deny with a reason code of its own: an MCP server fails closed.
 */
export async function checkAccess(admitUrl: string, check: AccessCheck, timeoutMs = 5_000): Promise<AccessAnswer> {
  try {
    const res = await fetch(`${admitUrl}/access-checks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(check),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.status === 200) return (await res.json()) as AccessAnswer;
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    return { decision: 'deny', reasons: [{ code: body.error ?? `admit_http_${res.status}` }] };
  } catch {
    return { decision: 'deny', reasons: [{ code: 'admit_unavailable' }] };
  }
}
