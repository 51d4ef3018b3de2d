/** One dispatched server-sent event (WHATWG HTML §9.2 "event stream interpretation"). */
export interface SseMessage {
  event: string;
  data: string;
  id?: string;
  /** The server's reconnection hint, in milliseconds. */
  retry?: number;
}

/**
 * An incremental text/event-stream parser. EventSource would do this for us, but it cannot send
 * an Authorization header, so the stream is read with fetch and fed here chunk by chunk; lines
 * and events may be split anywhere between chunks.
 */
export function createSseParser(onMessage: (message: SseMessage) => void): (chunk: string) => void {
  let buffer = '';
  let data: string[] = [];
  let event = '';
  let id: string | undefined;
  let retry: number | undefined;

  const dispatch = () => {
    if (data.length > 0)
      onMessage({
        event: event || 'message',
        data: data.join('\n'),
        ...(id !== undefined && { id }),
        ...(retry !== undefined && { retry }),
      });
    data = [];
    event = '';
    retry = undefined;
  };

  const line = (text: string) => {
    if (text === '') return dispatch();
    if (text.startsWith(':')) return; // a comment: keep-alive
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id' && !value.includes('\0')) id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) retry = Number(value);
  };

  return (chunk) => {
    buffer += chunk;
    // A lone '\r' at the end may be the first half of '\r\n': wait for the next chunk.
    const pattern = /\r\n|\r(?!$)|\n/g;
    let start = 0;
    for (let match = pattern.exec(buffer); match; match = pattern.exec(buffer)) {
      line(buffer.slice(start, match.index));
      start = match.index + match[0].length;
    }
    buffer = buffer.slice(start);
  };
}

/** Reads a fetch body as an event stream until it ends (aborting the fetch ends it with an error). */
export async function readSse(
  body: ReadableStream<Uint8Array>,
  onMessage: (message: SseMessage) => void,
): Promise<void> {
  const parse = createSseParser(onMessage);
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parse(decoder.decode(value, { stream: true }));
    }
    parse(decoder.decode());
  } finally {
    reader.releaseLock();
  }
}
