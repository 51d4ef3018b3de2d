/**
 * How a job's end reaches whoever waits for it (JobCompletions): the worker publishes on a channel
 * of the job's wait key (a refresh's chat), so a waiter hears only the jobs it waits for. An API
 * replica reading BullMQ's event stream instead would parse every event of the queue, a backlog's
 * thousands a second included, before seeing its own.
 */
export const doneChannel = (prefix: string, queue: string, key: string) => `${prefix}:${queue}:done:${key}`;

export type DoneMessage =
  { jobId: string; state: 'completed'; returnValue: unknown } | { jobId: string; state: 'failed'; reason: string };
