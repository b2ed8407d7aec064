import { AccessRequest, decideAccess, decideRegistration, PolicySet } from '@admit/cedar';
import { checkEventData, EventData, Problem, Topic } from '@admit/contracts';
import { readFileSync } from 'node:fs';
import { writeAll } from '../audit/export-writer';
import { CliContext, CliExit } from '../cli-exit';

type Validated = EventData<typeof Topic.RegistrationValidated>;

/** What explain prints: the decision with its version, determining policies and reasons, and what else the decision carries. */
interface Explained {
  question: 'register' | 'access';
  decision: 'allow' | 'deny';
  policy_version: string;
  determining_policies: string[];
  reasons: Problem[];
  [more: string]: unknown;
}

/**
 * `admit policy explain --request <file.json>`: decides one request exactly as the services do (the
 * same @admit/cedar functions) under a policy folder, and prints why. Request files hold either
 * `{"validated": <registration.validated data>}` or an access check
 * `{"client_id", "admission", "metadata"?, "action", "resource"?, "context"?}`; `"now"` (ISO time)
 * pins the clock in either.
 */
export async function explain(options: { request: string; policies?: string; json?: boolean }, ctx: CliContext): Promise<void> {
  const dir = options.policies ?? process.env.ADMIT_POLICY_DIR ?? 'policies';
  const request = readRequest(options.request);
  const set = PolicySet.load(dir);
  const result = decide(set, request);
  await writeAll(ctx.out, `${options.json ? JSON.stringify(result, null, 2) : render(result)}\n`);
}

function readRequest(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliExit(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new CliExit(`${file}: not JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new CliExit(`${file}: the request must be a JSON object`);
  return parsed as Record<string, unknown>;
}

function clock(request: Record<string, unknown>): Date | undefined {
  if (request.now === undefined) return undefined;
  if (typeof request.now !== 'string' || Number.isNaN(Date.parse(request.now))) throw new CliExit('"now" must be an ISO date-time');
  return new Date(request.now);
}

function decide(set: PolicySet, request: Record<string, unknown>): Explained {
  const now = clock(request);
  if ('validated' in request) {
    const invalid = checkEventData(Topic.RegistrationValidated, request.validated);
    if (invalid) throw new CliExit(`"validated" is not registration.validated data: ${invalid}`);
    const { client_id: _id, decided_at: _at, decision, policy_version, determining_policies, reasons, ...rest } = decideRegistration(set, request.validated as Validated, now);
    return { question: 'register', decision, policy_version, determining_policies, reasons, ...rest };
  }
  const missing = ['client_id', 'admission', 'action'].filter((k) => !(k in request));
  if (missing.length > 0) throw new CliExit(`the request needs "validated", or ${missing.map((m) => `"${m}"`).join(', ')} for an access check`);
  const admission = request.admission as Record<string, unknown>;
  if (typeof request.client_id !== 'string' || typeof request.action !== 'string' || typeof admission?.validated_at !== 'string') {
    throw new CliExit('an access check needs "client_id" and "action" strings and an "admission" with "validated_at"');
  }
  const decided = decideAccess(set, { ...(request as unknown as AccessRequest), now });
  return { question: 'access', ...decided };
}

function render(r: Explained): string {
  const lines = [
    `decision: ${r.decision} (${r.question})`,
    `policy version: ${r.policy_version}`,
    `determining policies: ${r.determining_policies.length > 0 ? r.determining_policies.join(', ') : "(none: Cedar's default deny)"}`,
    'reasons:',
    ...r.reasons.map((p) => `  - ${p.code}: ${p.description}`),
  ];
  if (typeof r.revalidate === 'boolean') lines.push(`revalidate: ${r.revalidate}`);
  const admission = r.admission as { expires_at: string; flags: string[] } | undefined;
  if (admission) lines.push(`admission expires: ${admission.expires_at}`, `flags: ${admission.flags.length > 0 ? admission.flags.join(', ') : '(none)'}`);
  return lines.join('\n');
}
