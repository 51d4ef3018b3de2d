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
   * Adds a job with `enqueue` and waits up to `timeoutMs` for the end of that job: the one added,
   * or the one it was deduplicated into. Listening starts before the job is added, so a worker
   * that finishes it before `enqueue` even returns is heard. The end of any other job of the key
   * is not an answer: a refresh that was running when the caller asked may have read too early.
   * `enqueue` answers `null` when there is nothing to wait for: `finished` at once.
   */
  async run(key: string, enqueue: () => Promise<{ id: string } | null>, timeoutMs: number): Promise<JobCompletion> {
    const { queue } = this.options;
    let settle: (completion: JobCompletion) => void = () => undefined;
    const finished = new Promise<JobCompletion>((resolve) => (settle = resolve));
    // Only the end of the job enqueued here counts: another job of the same key (a background
    // refresh of the chat that was running) may end after the subscription and before or after
    // the enqueue, with a result older than the request. Ends heard before the id is known wait here.
    let id: string | null = null;
    const heard = new Map<string, JobCompletion>();
    const stop = await this.options.listen(doneChannel(queue.opts.prefix ?? 'bull', queue.name, key), (raw) => {
      const m = parseDone(raw);
      if (!m) return;
      const completion: JobCompletion =
        m.state === 'completed'
          ? { state: 'completed', returnValue: m.returnValue }
          : { state: 'failed', reason: m.reason };
      if (id === null) heard.set(String(m.jobId), completion);
      else if (String(m.jobId) === id) settle(completion);
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      const enqueued = (await enqueue())?.id;
      if (enqueued === undefined) return { state: 'finished' };
      id = enqueued;
      const early = heard.get(enqueued);
      if (early) settle(early);
      const timedOut = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
      return (await Promise.race([finished, timedOut])) ?? (await this.stateOf(enqueued));
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
