import { z } from 'zod';
import type { WebhookDecision } from '../events.js';
import { lookupText, lookupUrl } from '../lookup.js';

/** `Merge Request Hook` actions; each may change what a chat shows (state, title, draft, approvals, head). */
export const MERGE_REQUEST_ACTIONS = [
  'open',
  'reopen',
  'update',
  'close',
  'merge',
  'approved',
  'unapproved',
  'approval',
  'unapproval',
] as const;

const project = z.object({ id: z.number().int(), web_url: lookupUrl });

/** Only what we need of GitLab's payloads; everything else is ignored, not rejected. */
const mergeRequestPayload = z.object({
  object_attributes: z.object({
    iid: z.number().int(),
    url: lookupUrl,
    source_branch: lookupText,
    action: z.string().optional(),
    // The source project is null once a fork is deleted.
    source: z.object({ web_url: lookupUrl }).nullable().optional(),
  }),
});

const pipelinePayload = z.object({
  object_attributes: z.object({ ref: lookupText, tag: z.boolean().optional(), status: z.string() }),
  merge_request: z
    .object({ iid: z.number().int(), url: lookupUrl, source_branch: lookupText, source_project_id: z.number().int() })
    .nullable()
    .optional(),
  project,
});

function invalid(event: string, error: z.ZodError): WebhookDecision {
  const where = error.issues.map((i) => i.path.join('.') || '(body)').join(', ');
  return { kind: 'invalid', reason: `${event} payload without the expected fields: ${where}` };
}

/**
 * Decides what a GitLab delivery asks of us, from its `X-Gitlab-Event` and parsed JSON body.
 * Rows are matched by the merge request's url or by its *source* project and branch (a fork's
 * merge request reaches the target project's hook); a pipeline by its merge request, else by the
 * project it ran in and its branch — a head's pipeline is the checks state of its chats.
 */
export function decideGitLab(event: string | undefined, body: unknown): WebhookDecision {
  if (event === 'Merge Request Hook') {
    const parsed = mergeRequestPayload.safeParse(body);
    if (!parsed.success) return invalid(event, parsed.error);
    const mr = parsed.data.object_attributes;
    const action = mr.action ?? 'update';
    if (!(MERGE_REQUEST_ACTIONS as readonly string[]).includes(action))
      return { kind: 'ignored', reason: `${event} ${action} does not change the status` };
    return {
      kind: 'refresh',
      event,
      action,
      target: {
        url: mr.url,
        number: mr.iid,
        headBranch: mr.source_branch,
        headRepositoryUrl: mr.source?.web_url ?? null,
      },
    };
  }
  if (event === 'Pipeline Hook') {
    const parsed = pipelinePayload.safeParse(body);
    if (!parsed.success) return invalid(event, parsed.error);
    const { object_attributes: pipeline, merge_request: mr, project: ran } = parsed.data;
    const action = pipeline.status;
    if (mr) {
      // A merge request pipeline may run in the target project; then only the url names the head.
      const headRepositoryUrl = mr.source_project_id === ran.id ? ran.web_url : null;
      return {
        kind: 'refresh',
        event,
        action,
        target: { url: mr.url, number: mr.iid, headBranch: mr.source_branch, headRepositoryUrl },
      };
    }
    if (pipeline.tag) return { kind: 'ignored', reason: `${event} for a tag` };
    return {
      kind: 'refresh',
      event,
      action,
      target: { url: null, number: null, headBranch: pipeline.ref, headRepositoryUrl: ran.web_url },
    };
  }
  return { kind: 'ignored', reason: `event ${event ?? '(none)'} is not handled` };
}
