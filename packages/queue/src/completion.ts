import { Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
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
  /** Makes the connection the announcements are heard on (subscriber mode: it can serve nothing else). */
  connect: () => Redis;
}

type Listener = (message: DoneMessage) => void;

/**
 * Waits for jobs of one queue to finish, hearing what their workers announce (done.ts). One
 * subscriber connection serves every waiter of the process; it is made on first use, not at
 * start, so a process that never waits holds no extra connection.
 */
export class JobCompletions {
  private subscriber: Redis | null = null;
  private readonly channels = new Map<string, { listeners: Set<Listener>; subscribed: Promise<unknown> }>();

  constructor(private readonly options: JobCompletionsOptions) {}

  /**
   * Adds a job with `enqueue` and waits up to `timeoutMs` for the end of a job with the same wait
   * key. Listening starts before the job is added, so a worker that finishes it before `enqueue`
   * even returns is heard. The first end heard after that answers: with one job per key at a
   * time, it is the job added, the one it was deduplicated into, or one that ended just before —
   * each a refresh that ran after the caller asked.
   */
  async run(key: string, enqueue: () => Promise<{ id: string }>, timeoutMs: number): Promise<JobCompletion> {
    const channel = doneChannel(this.options.queue.opts.prefix ?? 'bull', this.options.queue.name, key);
    let settle: (completion: JobCompletion) => void = () => undefined;
    const finished = new Promise<JobCompletion>((resolve) => (settle = resolve));
    const listener: Listener = (m) =>
      settle(m.state === 'completed' ? { state: 'completed', returnValue: m.returnValue } : { state: 'failed', reason: m.reason });
    let timer: NodeJS.Timeout | undefined;
    await this.listen(channel, listener);
    try {
      const { id } = await enqueue();
      const timedOut = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
      return (await Promise.race([finished, timedOut])) ?? (await this.stateOf(id));
    } finally {
      clearTimeout(timer);
      this.unlisten(channel, listener);
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

  private connection(): Redis {
    if (!this.subscriber) {
      const subscriber = this.options.connect();
      subscriber.on('message', (channel: string, raw: string) => {
        const entry = this.channels.get(channel);
        if (!entry) return;
        let message: DoneMessage;
        try {
          message = JSON.parse(raw) as DoneMessage;
        } catch {
          return;
        }
        for (const listener of entry.listeners) listener(message);
      });
      this.subscriber = subscriber;
    }
    return this.subscriber;
  }

  /** Resolves once the channel is subscribed, for this waiter and any other on the same key. */
  private async listen(channel: string, listener: Listener): Promise<void> {
    let entry = this.channels.get(channel);
    if (!entry) {
      const subscribed = this.connection().subscribe(channel);
      entry = { listeners: new Set(), subscribed };
      this.channels.set(channel, entry);
      // A failed subscribe is not kept: the next waiter on the key tries again.
      subscribed.catch(() => this.channels.get(channel) === entry && this.channels.delete(channel));
    }
    entry.listeners.add(listener);
    await entry.subscribed;
  }

  private unlisten(channel: string, listener: Listener): void {
    const entry = this.channels.get(channel);
    if (!entry) return;
    entry.listeners.delete(listener);
    if (entry.listeners.size > 0) return;
    this.channels.delete(channel);
    // Commands on one connection run in order: a later subscribe to the same key follows this.
    this.subscriber?.unsubscribe(channel).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.channels.clear();
    this.subscriber?.disconnect();
    this.subscriber = null;
  }
}
