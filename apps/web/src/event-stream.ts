import type { DiffStatusChangeEvent } from '@gitsync/contracts';
import { UnauthorizedError, type ApiClient } from './api';
import { readSse } from './sse';

export type StreamState =
  | { kind: 'connecting' }
  | { kind: 'live' }
  | { kind: 'reconnecting'; attempt: number; retryAt: number; reason: string }
  | { kind: 'unauthorized' };

export interface EventStreamOptions {
  api: Pick<ApiClient, 'open'>;
  onEvent(event: DiffStatusChangeEvent): void;
  onState(state: StreamState): void;
  /**
   * Called when the stream is live again after it failed or ended: events sent meanwhile are
   * lost, so reload what is shown (or what could not load while the API was down).
   */
  onResumed(): void;
  /** @defaultValue {@link backoffMs} */
  backoff?: (attempt: number) => number;
}

/** 1 s, 2 s, 4 s … capped at 30 s, with jitter so that many pages do not reconnect in step. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 10));
  return Math.round(base * (0.5 + random() / 2));
}

/**
 * Follows `GET /api/v1/events` (SPEC §7) with fetch, so the key travels in the Authorization
 * header, and reconnects with backoff whenever the stream fails or ends. Returns a stop function.
 */
export function followEvents(options: EventStreamOptions): () => void {
  const backoff = options.backoff ?? ((attempt: number) => backoffMs(attempt));
  let controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let attempt = 0;
  let interrupted = false;

  const retry = (reason: string) => {
    if (stopped) return;
    const delay = backoff(attempt);
    attempt++;
    interrupted = true;
    options.onState({ kind: 'reconnecting', attempt, retryAt: Date.now() + delay, reason });
    timer = setTimeout(connect, delay);
  };

  const connect = async () => {
    controller = new AbortController();
    let live = false;
    // Live once the API says its subscription is (`event: ready`), or at the first event: a
    // change published before that would be missed, so only then is a resync worth doing.
    const goLive = () => {
      if (live) return;
      live = true;
      attempt = 0;
      options.onState({ kind: 'live' });
      if (interrupted) options.onResumed();
      interrupted = false;
    };
    try {
      const res = await options.api.open('/api/v1/events', {
        headers: { accept: 'text/event-stream' },
        signal: controller.signal,
      });
      if (!res.body) throw new Error('the event stream has no body');
      // Judged by the payload's `kind`, not the SSE event name, which SPEC §7 leaves open.
      await readSse(res.body, (message) => {
        goLive();
        const event = parse(message.data);
        if (event) options.onEvent(event);
      });
      retry('the event stream ended');
    } catch (err) {
      if (stopped) return;
      if (err instanceof UnauthorizedError) return options.onState({ kind: 'unauthorized' });
      retry(err instanceof Error ? err.message : String(err));
    }
  };

  options.onState({ kind: 'connecting' });
  void connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    controller.abort();
  };
}

function parse(data: string): DiffStatusChangeEvent | null {
  try {
    const event = JSON.parse(data) as Partial<DiffStatusChangeEvent>;
    return event.kind === 'diff_status_change' && event.chat?.id ? (event as DiffStatusChangeEvent) : null;
  } catch {
    return null; // not ours (a hello or keep-alive in another shape): ignore rather than drop the stream
  }
}
