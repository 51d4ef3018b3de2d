import { diffStatusChangeEventSchema, type DiffStatusChangeEvent } from '@gitsync/contracts';
import { parseEventStream, type SseMessage } from './sse.js';

/** A live `GET /api/v1/events` stream: iterate it for changes, close it when done. */
export interface EventStream extends AsyncIterable<DiffStatusChangeEvent> {
  /** What the server subscribed the caller to: its own chats, or (admins) all. */
  readonly scope: 'own' | 'all';
  /** Ends the stream (and its connection); a running `for await` finishes. */
  close(): void;
}

/**
 * Wraps an open event-stream response. Resolves once the server's `ready` event arrived, i.e.
 * once the subscription is live, so that a change made after this resolves is never missed.
 */
export async function openEventStream(
  body: ReadableStream<Uint8Array>,
  abort: AbortController,
  onComment?: (text: string) => void,
): Promise<EventStream> {
  const messages = parseEventStream(body, { ...(onComment && { onComment }) });
  const next = async (): Promise<SseMessage | null> => {
    try {
      const { value, done } = await messages.next();
      return done ? null : value;
    } catch (err) {
      // close() aborts the fetch, which fails the pending read: that is the end, not an error.
      if (abort.signal.aborted) return null;
      throw err;
    }
  };

  let ready: SseMessage | null;
  do ready = await next();
  while (ready && ready.event !== 'ready');
  if (!ready) throw new Error('event stream ended before it was ready');
  const scope = (JSON.parse(ready.data) as { scope?: string }).scope === 'all' ? 'all' : 'own';

  return {
    scope,
    close: () => abort.abort(),
    async *[Symbol.asyncIterator]() {
      try {
        for (let message = await next(); message; message = await next()) {
          if (message.event === 'diff_status_change') yield diffStatusChangeEventSchema.parse(JSON.parse(message.data));
        }
      } finally {
        abort.abort();
      }
    },
  };
}
