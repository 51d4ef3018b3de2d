import { parseEventStream, type SseMessage } from './sse.js';

/** A body delivered in exactly these chunks, as a network might split it. */
function body(...chunks: Array<string | Uint8Array>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
      controller.close();
    },
  });
}

async function all(stream: ReadableStream<Uint8Array>, comments?: string[]): Promise<SseMessage[]> {
  const out: SseMessage[] = [];
  for await (const m of parseEventStream(stream, { ...(comments && { onComment: (c) => comments.push(c) }) }))
    out.push(m);
  return out;
}

describe('parseEventStream', () => {
  it('parses named events, joins data lines and reports comments', async () => {
    const comments: string[] = [];
    const messages = await all(
      body(': heartbeat\n\nevent: ready\ndata: {"scope":"own"}\n\ndata: a\ndata: b\n\n'),
      comments,
    );
    expect(messages).toEqual([
      { event: 'ready', data: '{"scope":"own"}', lastEventId: '' },
      { event: 'message', data: 'a\nb', lastEventId: '' },
    ]);
    expect(comments).toEqual(['heartbeat']);
  });

  it('accepts CRLF, CR and LF line ends, even split across chunks, and a leading BOM', async () => {
    const messages = await all(body('\uFEFFevent: x\r', '\ndata: 1\r\r', 'id: 7\ndata:2\n', '\n'));
    expect(messages).toEqual([
      { event: 'x', data: '1', lastEventId: '' },
      { event: 'message', data: '2', lastEventId: '7' },
    ]);
  });

  it('decodes multi-byte characters split between chunks and drops an event left unfinished', async () => {
    const bytes = new TextEncoder().encode('data: ブランチ\n\ndata: cut');
    const messages = await all(body(bytes.slice(0, 8), bytes.slice(8)));
    expect(messages).toEqual([{ event: 'message', data: 'ブランチ', lastEventId: '' }]);
  });

  it('ignores events without data and unknown fields, keeps a field without a colon', async () => {
    expect(await all(body('event: nothing\n\nretry: 10\nfoo: bar\ndata\n\n'))).toEqual([
      { event: 'message', data: '', lastEventId: '' },
    ]);
  });
});
