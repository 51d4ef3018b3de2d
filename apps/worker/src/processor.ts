import type { DiffStatusChangeEvent } from '@gitsync/contracts';
import { refreshChat, type RefreshDeps, type RefreshResult } from '@gitsync/gitsync';
import type { Logger } from '@gitsync/logger';
import type { WorkerMetrics } from '@gitsync/metrics';
import { PRIORITY, type JobHandler } from '@gitsync/queue';
import { givingWay, RightOfWay } from './right-of-way.js';

/** What a job returns: how the refresh went, or why there was nothing to refresh. */
export type RefreshJobResult = RefreshResult | { skipped: 'no refreshable row' };

/**
 * The BullMQ handler: runs the refresh pipeline for the row a job points at, read from Postgres.
 * Row outcomes complete the job (they are recorded in Postgres); store failures throw so that
 * BullMQ's retries apply.
 */
export function createRefreshHandler(
  deps: RefreshDeps<DiffStatusChangeEvent>,
  logger: Logger,
  metrics: WorkerMetrics,
  way: RightOfWay = new RightOfWay(),
): JobHandler<'refresh-diff-status', RefreshJobResult> {
  const background = givingWay(deps, way);
  const refresh = (chatId: string, urgent: boolean) =>
    urgent ? way.urgentRun(() => refreshChat(chatId, deps, { urgent })) : refreshChat(chatId, background);
  return async (payload, job) => {
    const timed = metrics.startRefresh();
    let result: RefreshResult | null;
    try {
      result = await refresh(payload.chatId, job.priority === PRIORITY.onDemand);
    } catch (err) {
      metrics.outcome('failed');
      throw err;
    } finally {
      timed();
    }
    // Bindings are built only for a line that is written: a child logger per job shows in profiles.
    const where = () => ({ queue: job.queueName, jobId: job.id, chatId: payload.chatId });
    if (!result) {
      // The chat was deleted, or its report withdrawn, after the job was queued.
      metrics.outcome('skipped');
      logger.debug(where(), 'nothing to refresh');
      return { skipped: 'no refreshable row' };
    }
    metrics.outcome(result.outcome);
    metrics.scheduledBy(job.priority === PRIORITY.onDemand ? 'on_demand' : result.scheduledBy);
    if (result.outcome !== 'refreshed')
      logger.info(
        { ...where(), outcome: result.outcome, error: result.error, staleAt: result.staleAt },
        'not refreshed',
      );
    else if (logger.isLevelEnabled('debug')) logger.debug({ ...where(), published: result.published }, 'refreshed');
    return result;
  };
}
