import { Job, QueueEvents, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';

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
   * Makes the connection QueueEvents blocks on (XREAD BLOCK). It must wait out an outage rather
   * than fail (`maxRetriesPerRequest: null`), so it cannot be the API's fail-fast connection.
   */
  connect: () => Redis;
}

interface CompletedArgs {
  jobId: string;
  returnvalue: unknown;
}
interface FailedArgs {
  jobId: string;
  failedReason: string;
}

/**
 * Waits for jobs of one queue to finish. One QueueEvents (one blocking Redis connection) serves
 * every waiter of the process; it is created on first use, not at start, so a process that never
 * waits holds no extra connection.
 */
export class JobCompletions {
  private events: Promise<{ events: QueueEvents; connection: Redis }> | null = null;

  constructor(private readonly options: JobCompletionsOptions) {}

  /**
   * Adds a job with `enqueue` and waits up to `timeoutMs` for it to finish. Listening starts
   * before the job is added: a fast worker may finish it (and remove it, with its result) before
   * `enqueue` even returns, so completions seen meanwhile are kept until the job's id is known.
   */
  async run(enqueue: () => Promise<{ id: string }>, timeoutMs: number): Promise<JobCompletion> {
    const { events } = await this.start();
    let id: string | null = null;
    const early = new Map<string, JobCompletion>();
    let settle: (completion: JobCompletion) => void = () => undefined;
    const finished = new Promise<JobCompletion>((resolve) => (settle = resolve));
    const seen = (jobId: string, completion: JobCompletion) => {
      if (id === null) early.set(jobId, completion);
      else if (jobId === id) settle(completion);
    };
    const onCompleted = ({ jobId, returnvalue }: CompletedArgs) => seen(jobId, { state: 'completed', returnValue: returnvalue });
    const onFailed = ({ jobId, failedReason }: FailedArgs) => seen(jobId, { state: 'failed', reason: failedReason });
    events.on('completed', onCompleted);
    events.on('failed', onFailed);
    let timer: NodeJS.Timeout | undefined;
    try {
      id = (await enqueue()).id;
      const already = early.get(id);
      early.clear();
      if (already) return already;
      const timedOut = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
      return (await Promise.race([finished, timedOut])) ?? (await this.stateOf(id));
    } finally {
      clearTimeout(timer);
      events.off('completed', onCompleted);
      events.off('failed', onFailed);
    }
  }

  /** After the wait ran out: pending, unless the job finished without our seeing it. */
  private async stateOf(id: string): Promise<JobCompletion> {
    const { queue } = this.options;
    const state = await queue.getJobState(id);
    if (state === 'unknown' || state === 'completed') return { state: 'finished' };
    if (state === 'failed') return { state: 'failed', reason: (await Job.fromId(queue, id))?.failedReason ?? 'failed' };
    return { state: 'pending' };
  }

  /**
   * QueueEvents reads the event stream from wherever it starts; it is started from the stream's
   * last id read before the first job is added, so no event after that can be missed.
   */
  private start(): Promise<{ events: QueueEvents; connection: Redis }> {
    this.events ??= (async () => {
      const { queue } = this.options;
      const connection = this.options.connect();
      try {
        const [last] = await connection.xrevrange(queue.toKey('events'), '+', '-', 'COUNT', 1);
        const events = new QueueEvents(queue.name, { connection, prefix: queue.opts.prefix, lastEventId: last?.[0] ?? '0-0' });
        await events.waitUntilReady();
        return { events, connection };
      } catch (err) {
        connection.disconnect();
        throw err;
      }
    })();
    // A failed start (Redis down) is not kept: the next caller tries again.
    this.events.catch(() => (this.events = null));
    return this.events;
  }

  async close(): Promise<void> {
    const started = this.events;
    this.events = null;
    const running = await started?.catch(() => null);
    if (!running) return;
    await running.events.close();
    running.connection.disconnect();
  }
}
