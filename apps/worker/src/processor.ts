import type { DiffStatusChangeEvent } from '@gitsync/contracts';
import { refreshRow, type RefreshDeps, type RefreshResult } from '@gitsync/gitsync';
import type { Logger } from '@gitsync/logger';
import type { WorkerMetrics } from '@gitsync/metrics';
import type { JobHandler, RefreshPayload } from '@gitsync/queue';

export const toRefreshJob = (p: RefreshPayload) => ({ ...p, markedStaleAt: p.markedStaleAt ? new Date(p.markedStaleAt) : null });

/**
 * The BullMQ handler: runs the refresh pipeline for one row with a logger bound to the job.
 * Row outcomes complete the job (they are recorded in Postgres); store failures throw so that
 * BullMQ's retries apply.
 */
export function createRefreshHandler(
  deps: RefreshDeps<DiffStatusChangeEvent>,
  logger: Logger,
  metrics: WorkerMetrics,
): JobHandler<'refresh-diff-status', RefreshResult> {
  return async (payload, job) => {
    const timed = metrics.startRefresh();
    let result: RefreshResult;
    try {
      result = await refreshRow(toRefreshJob(payload), deps);
    } catch (err) {
      metrics.outcome('failed');
      throw err;
    } finally {
      timed();
    }
    metrics.outcome(result.outcome);
    // Bindings are built only for a line that is written: a child logger per job shows in profiles.
    const where = () => ({ queue: job.queueName, jobId: job.id, chatId: payload.chatId });
    if (result.outcome !== 'refreshed') logger.info({ ...where(), outcome: result.outcome, error: result.error, staleAt: result.staleAt }, 'not refreshed');
    else if (logger.isLevelEnabled('debug')) logger.debug({ ...where(), published: result.published }, 'refreshed');
    return result;
  };
}
