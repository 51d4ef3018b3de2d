import { Job, type Queue } from 'bullmq';
import { doneChannel, type DoneMessage } from './done.js';

/** How waiting for one job ended. */
export type JobCompletion =
  | { state: 'completed'; returnValue: unknown }
  | { state: 'failed'; reason: string }
  /** Finished, but its result was not seen (the job was removed on completion). */
  | { state: 'finished' }
  /** Still queued or running when the wait ran out. */
  | { state: 'pending' };

export interface JobCompletionsOptions {
  queue: Queue;
  /**
   * Subscribes to a pub/sub channel until the returned function is called; resolves once Redis
   * confirmed the subscription (the API's shared EventHub does exactly this).
   */
  listen(channel: string, listener: (message: string) => void): Promise<() => Promise<void>>;
}

/** Waits for jobs of one queue to finish, hearing what their workers announce (done.ts). */
export class JobCompletions {
  constructor(private readonly options: JobCompletionsOptions) {}

  /**
   * Adds a job with `enqueue` and waits up to `timeoutMs` for the end of a job with the same wait
   * key. Listening starts before the job is added, so a worker that finishes it before `enqueue`
   * even returns is heard. The first end heard after that answers: with one job per key at a
   * time, it is the job added, the one it was deduplicated into, or one that ended just before —
   * each a refresh that ran after the caller asked.
   */
  async run(key: string, enqueue: () => Promise<{ id: string }>, timeoutMs: number): Promise<JobCompletion> {
    const { queue } = this.options;
    let settle: (completion: JobCompletion) => void = () => undefined;
    const finished = new Promise<JobCompletion>((resolve) => (settle = resolve));
    const stop = await this.options.listen(doneChannel(queue.opts.prefix ?? 'bull', queue.name, key), (raw) => {
      const m = parseDone(raw);
      if (m)
        settle(
          m.state === 'completed'
            ? { state: 'completed', returnValue: m.returnValue }
            : { state: 'failed', reason: m.reason },
        );
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      const { id } = await enqueue();
      const timedOut = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
      return (await Promise.race([finished, timedOut])) ?? (await this.stateOf(id));
    } finally {
      clearTimeout(timer);
      // Not awaited: the answer need not wait for the UNSUBSCRIBE (the hub orders it per channel).
      void stop().catch(() => undefined);
    }
  }

  /** After the wait ran out: pending, unless the job finished without our hearing it. */
  private async stateOf(id: string): Promise<JobCompletion> {
    const { queue } = this.options;
    const state = await queue.getJobState(id);
    if (state === 'unknown' || state === 'completed') return { state: 'finished' };
    if (state === 'failed') return { state: 'failed', reason: (await Job.fromId(queue, id))?.failedReason ?? 'failed' };
    return { state: 'pending' };
  }
}

function parseDone(raw: string): DoneMessage | null {
  try {
    return JSON.parse(raw) as DoneMessage;
  } catch {
    return null;
  }
}
