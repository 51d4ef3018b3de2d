import { createSseParser, readSse, type SseMessage } from './sse';

function parseAll(chunks: string[]): SseMessage[] {
  const out: SseMessage[] = [];
  const feed = createSseParser((m) => out.push(m));
  for (const chunk of chunks) feed(chunk);
  return out;
}

const event = { kind: 'diff_status_change', chat: { id: 'c1' } };
const frame = `event: diff_status_change\ndata: ${JSON.stringify(event)}\n\n`;

describe('createSseParser', () => {
  it('dispatches an event at the blank line, with its name', () => {
    expect(parseAll([frame])).toEqual([{ event: 'diff_status_change', data: JSON.stringify(event) }]);
  });

  it('reassembles events split anywhere between chunks, one character at a time too', () => {
    const twice = frame + frame;
    expect(parseAll(twice.split(''))).toHaveLength(2);
    expect(parseAll([twice.slice(0, 17), twice.slice(17, 80), twice.slice(80)])).toHaveLength(2);
  });

  it('accepts CRLF and lone CR line ends, even with CR and LF in different chunks', () => {
    // A CR that ends a chunk may be half of a CRLF: it is held until the next chunk tells.
    expect(parseAll(['data: a\r', '\n\r', '\ndata: b\r\r', 'data: c\n\n'])).toEqual([
      { event: 'message', data: 'a' },
      { event: 'message', data: 'b' },
      { event: 'message', data: 'c' },
    ]);
  });

  it('joins multi-line data, ignores comments (keep-alives) and unknown fields', () => {
    expect(parseAll([': ping\n\n', 'data: one\ndata:two\nfoo: bar\nid: 7\nretry: 3000\n\n'])).toEqual([
      { event: 'message', data: 'one\ntwo', id: '7', retry: 3000 },
    ]);
  });

  it('dispatches nothing for an event without data, nor for an unfinished one', () => {
    expect(parseAll(['event: hello\n\n', 'data: half'])).toEqual([]);
  });
});

describe('readSse', () => {
  it('reads a byte stream, including a multi-byte character split between chunks', async () => {
    const bytes = new TextEncoder().encode('data: −42\n\n');
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 7));
        controller.enqueue(bytes.slice(7));
        controller.close();
      },
    });
    const seen: string[] = [];
    await readSse(body, (m) => seen.push(m.data));
    expect(seen).toEqual(['−42']);
  });
});
