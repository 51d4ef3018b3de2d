/**
 * The limiters @octokit/plugin-throttling schedules every request through, set to do the least work
 * consistent with our pacer (packages/rate-limits): they run a request at once and bound nothing.
 *
 * Why not Bottleneck with `maxConcurrent: null`, as before: Bottleneck's local store yields to a
 * `setTimeout(0)` at each step of a job (submit, register, run, free), and the plugin nests two of
 * its limiters per request (the retry limiter around the token's lane), so a request waited eight
 * timer turns, about 10 ms on an idle worker and many event-loop turns on a busy one, before and
 * after its round trip — for no bound at all: the pacer already holds each group to its slots in
 * this process and across replicas, and GitHub's limits come back to the caller as errors.
 *
 * What the plugin still does through them: it classifies a 403/429 as a primary or secondary limit
 * and asks our handlers (which refuse every retry: the pacer shares the block with every replica).
 * A handler that asked for one would get it here too, after the delay it returned, as Bottleneck
 * would; this is the slice of Bottleneck's API the plugin calls (`key`, `schedule`, `on('failed')`).
 */
type Task = (...args: unknown[]) => Promise<unknown>;

/** The plugin's retry handler: a delay in ms to retry after, or nothing to give up. */
type FailedHandler = (error: unknown, info: { args: unknown[]; retryCount: number }) => unknown;

export class PassThroughLimiter {
  private readonly failedHandlers: FailedHandler[] = [];

  /** A group's limiter for one key: the same pass-through (our pacer bounds each group). */
  key(): PassThroughLimiter {
    return this;
  }

  on(event: string, handler: FailedHandler): this {
    if (event === 'failed') this.failedHandlers.push(handler);
    return this;
  }

  /** `schedule([jobOptions], task, ...args)`, as Bottleneck takes it. */
  async schedule(...call: unknown[]): Promise<unknown> {
    const [task, ...args] = (typeof call[0] === 'function' ? call : call.slice(1)) as [Task, ...unknown[]];
    for (let retryCount = 0; ; retryCount++) {
      try {
        return await task(...args);
      } catch (error) {
        const delayMs = await this.retryDelay(error, args, retryCount);
        if (delayMs === null) throw error;
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  private async retryDelay(error: unknown, args: unknown[], retryCount: number): Promise<number | null> {
    for (const handler of this.failedHandlers) {
      const delay = await handler(error, { args, retryCount });
      if (typeof delay === 'number' && Number.isFinite(delay)) return Math.max(0, delay);
    }
    return null;
  }
}
