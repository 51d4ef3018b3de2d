/** One server-sent event, as an EventSource would dispatch it. */
export interface SseMessage {
  /** `message` unless the server named it with `event:`. */
  event: string;
  data: string;
  /** The last event id seen (`id:`), '' if none. */
  lastEventId: string;
}

export interface ParseOptions {
  /** Called with the text of every comment line (`: heartbeat`); servers send them to keep a connection open. */
  onComment?: (text: string) => void;
}

/**
 * Parses a `text/event-stream` body the way the HTML standard's EventSource does (lines ending
 * in CRLF, LF or CR; `data` lines joined with LF; `event`, `id`, comments; a leading BOM). It
 * reads a fetch() body rather than using EventSource because EventSource cannot send an
 * Authorization header. Only web APIs are used, so it runs in browsers and in Node alike.
 */
export async function* parseEventStream(
  body: ReadableStream<Uint8Array>,
  options: ParseOptions = {},
): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder('utf-8');
  let buffer = '';
  let first = true;
  let event = '';
  let data: string[] = [];
  let lastEventId = '';
  let finished = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      if (first && buffer.length > 0) {
        if (buffer.charCodeAt(0) === 0xfeff) buffer = buffer.slice(1);
        first = false;
      }
      for (;;) {
        const end = lineEnd(buffer, done);
        if (end === null) break;
        const line = buffer.slice(0, end.at);
        buffer = buffer.slice(end.at + end.length);
        if (line === '') {
          // A blank line dispatches the event gathered so far; one without data is dropped.
          if (data.length > 0) yield { event: event || 'message', data: data.join('\n'), lastEventId };
          event = '';
          data = [];
          continue;
        }
        if (line.startsWith(':')) {
          options.onComment?.(line.slice(1).trimStart());
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
        else if (field === 'id' && !value.includes('\0')) lastEventId = value;
        // `retry` and unknown fields only matter to an auto-reconnecting EventSource.
      }
      if (done) {
        finished = true;
        return;
      }
    }
  } finally {
    // The consumer stopped early: cancel the body so the connection closes too.
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/**
 * Where the first line of `buffer` ends. A CR at the very end may be the first half of a CRLF
 * split across chunks, so it waits for the next chunk unless the stream is done.
 */
function lineEnd(buffer: string, done: boolean): { at: number; length: number } | null {
  for (let i = 0; i < buffer.length; i++) {
    const c = buffer.charCodeAt(i);
    if (c === 10) return { at: i, length: 1 };
    if (c === 13) {
      if (i + 1 < buffer.length) return { at: i, length: buffer.charCodeAt(i + 1) === 10 ? 2 : 1 };
      return done ? { at: i, length: 1 } : null;
    }
  }
  return null;
}
