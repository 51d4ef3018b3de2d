import { z } from 'zod';
import type { WebhookDecision } from './events.js';
import { lookupText } from './lookup.js';

/** The actions after which a commit's checks may read differently. */
export const CHECK_RUN_ACTIONS = ['created', 'completed', 'rerequested'] as const;
export const CHECK_SUITE_ACTIONS = ['completed', 'requested', 'rerequested'] as const;

/** GitHub's SHA-1 (or SHA-256) commit id, lower-case hex: anything else names no stored head. */
const commitSha = lookupText.pipe(z.string().regex(/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/, 'a commit SHA'));

const checkRunPayload = z.object({ action: z.string(), check_run: z.object({ head_sha: commitSha }) });
const checkSuitePayload = z.object({ action: z.string(), check_suite: z.object({ head_sha: commitSha }) });
const statusPayload = z.object({ sha: commitSha, state: z.string() });

function invalid(event: string, error: z.ZodError): WebhookDecision {
  const where = error.issues.map((i) => i.path.join('.') || '(body)').join(', ');
  return { kind: 'invalid', reason: `${event} payload without the expected fields: ${where}` };
}

/**
 * `check_run`, `check_suite` and `status`: a commit's checks moved. They name a commit, not a pull
 * request (a fork's PR has no `pull_requests` in them): the rows whose PR head is that commit are
 * refreshed. Undefined for other events.
 */
export function decideCommitEvent(event: string, body: unknown): WebhookDecision | undefined {
  if (event === 'check_run' || event === 'check_suite') {
    const parsed = (event === 'check_run' ? checkRunPayload : checkSuitePayload).safeParse(body);
    if (!parsed.success) return invalid(event, parsed.error);
    const { action } = parsed.data;
    const actions: readonly string[] = event === 'check_run' ? CHECK_RUN_ACTIONS : CHECK_SUITE_ACTIONS;
    if (!actions.includes(action)) return { kind: 'ignored', reason: `${event}.${action} does not change the checks` };
    const headSha = 'check_run' in parsed.data ? parsed.data.check_run.head_sha : parsed.data.check_suite.head_sha;
    return { kind: 'recheck', event, action, commit: { headSha } };
  }
  if (event === 'status') {
    const parsed = statusPayload.safeParse(body);
    if (!parsed.success) return invalid(event, parsed.error);
    return { kind: 'recheck', event, action: parsed.data.state, commit: { headSha: parsed.data.sha } };
  }
  return undefined;
}
