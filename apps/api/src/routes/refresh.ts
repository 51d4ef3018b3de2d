import type { RateLimitOptions } from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorSchema, refreshedDiffStatusSchema, refreshOutcomeSchema, type RefreshInfoJson } from '@gitsync/contracts';
import { getDiffStatus, getVisibleChat, toDiffStatusJson, type ChatDiffStatus } from '@gitsync/db';
import type { JobCompletion, JobCompletions, OnDemandJob, RefreshProducer } from '@gitsync/queue';
import type { ApiContext } from '../context.js';
import { HttpError, notFound, authenticatedErrors } from '../errors.js';

export interface RefreshRoutesOptions {
  producer: RefreshProducer;
  completions: JobCompletions;
  /** How long to wait for the job before answering the stored status. */
  timeoutMs: number;
  /** Its quota per API key (quotas.ts): top-priority jobs must not starve the background work. */
  rateLimit: RateLimitOptions | false;
}

/** What the worker's job returns (packages/gitsync `RefreshResult`, as JSON). */
const jobResultSchema = z.object({
  outcome: refreshOutcomeSchema.exclude(['failed']),
  error: z.string().nullable(),
  staleAt: z.string(),
  written: z.boolean(),
});

const chatParams = z.object({ chat: z.uuid() });

/**
 * `POST /api/v1/chats/{chat}/diff-status/refresh`: runs the chat's refresh now, through the same
 * queue and worker pipeline as background refreshes but ahead of all of them, and answers the
 * status it wrote — or, once the wait runs out, the stored status with `refresh.completed: false`.
 */
export function refreshRoutes(app: FastifyInstance, ctx: ApiContext, options: RefreshRoutesOptions): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/v1/chats/:chat/diff-status/refresh',
    {
      config: { rateLimit: options.rateLimit },
      schema: {
        tags: ['chats'],
        operationId: 'refreshDiffStatus',
        summary: 'Refresh the diff status now, ahead of all background work',
        params: chatParams,
        response: { 200: refreshedDiffStatusSchema, 409: errorSchema, ...authenticatedErrors },
      },
    },
    async (request) => {
      const chatId = request.params.chat;
      const visible = await getVisibleChat(ctx.db, request.viewer, chatId);
      if (!visible) throw notFound('chat');
      const row = visible.status;
      if (!row)
        throw new HttpError(404, 'no diff status to refresh', 'report the branch first: POST /api/v1/chats/{chat}/git');
      if (!row.gitBranch || !row.gitRemoteOrigin) {
        throw new HttpError(
          409,
          'nothing to refresh: the chat has no branch or remote origin',
          'report them with POST /api/v1/chats/{chat}/git',
        );
      }
      const deadline = Date.now() + options.timeoutMs;
      const job = { chatId, generation: row.generation };
      const wait = (enqueue: () => Promise<{ id: string } | null>) =>
        options.completions.run(chatId, enqueue, deadline - Date.now());
      const asked: { job?: OnDemandJob } = {};
      let done = await wait(async () => (asked.job = await options.producer.enqueueOnDemand(job)));
      // Wait once more, if time is left, when the job's result is older than the request: the job
      // the request joined was already running (it may have read the PR before the change the user
      // is asking about; BullMQ runs the request as a follow-up job after it), or its result was
      // written for an older report (the agent reported again while the job ran: the worker drops it).
      if (done.state === 'completed' && Date.now() < deadline) {
        const joined = asked.job;
        if (joined?.running) done = await wait(() => options.producer.followUp(chatId, joined.id));
        else if (jobResultSchema.safeParse(done.returnValue).data?.written === false)
          done = await wait(() => options.producer.enqueueOnDemand(job));
      }
      const info = describe(done);
      const status = await getDiffStatus(ctx.db, chatId);
      if (!status) throw notFound('diff status');
      return { ...toDiffStatusJson(status), refresh: info.completed && !info.outcome ? fromRow(status) : info };
    },
  );
}

function describe(done: JobCompletion): RefreshInfoJson {
  switch (done.state) {
    case 'pending':
      return { completed: false };
    case 'failed':
      return { completed: true, outcome: 'failed', error: done.reason };
    case 'finished':
      return { completed: true };
    case 'completed': {
      const result = jobResultSchema.safeParse(done.returnValue);
      if (!result.success) return { completed: true };
      const { outcome, error, staleAt } = result.data;
      return { completed: true, outcome, ...(error && { error }), next_refresh_at: new Date(staleAt).toISOString() };
    }
  }
}

/** The job finished before its result could be read: the row says how it went. */
function fromRow(status: ChatDiffStatus): RefreshInfoJson {
  return {
    completed: true,
    ...(status.lastOutcome && { outcome: status.lastOutcome }),
    ...(status.lastError && { error: status.lastError }),
    next_refresh_at: status.staleAt.toISOString(),
  };
}
