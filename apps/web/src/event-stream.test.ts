import { waitFor } from '@gitsync/testing';
import { ApiUnreachableError, UnauthorizedError } from './api';
import { backoffMs, followEvents, type StreamState } from './event-stream';
import { chatWithPr } from './test-support/fixtures';

/** A response whose body the test writes to and ends. */
function stream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  const send = (text: string) => controller.enqueue(new TextEncoder().encode(text));
  return {
    response: new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
    send,
    /** What the API sends once its subscription is live. */
    ready: () => send('event: ready\ndata: {"scope":"own"}\n\n'),
    end: () => controller.close(),
  };
}

/** Each connection attempt takes the next answer: a stream, or an error to throw. */
function harness(answers: Array<ReturnType<typeof stream> | Error>) {
  const states: StreamState[] = [];
  const events: string[] = [];
  const attempts: number[] = [];
  const opened: Array<{ path: string; accept: string | undefined }> = [];
  let resumed = 0;
  const stop = followEvents({
    api: {
      open: async (path, init) => {
        opened.push({ path, accept: init?.headers?.accept });
        const next = answers.shift();
        if (!next) return new Promise<Response>(() => {}); // no more answers: hang like a slow server
        if (next instanceof Error) throw next;
        return next.response;
      },
    },
    onEvent: (e) => events.push(`${e.chat.id}:${e.chat.diff_status?.pull_request_state}`),
    onState: (s) => states.push(s),
    onResumed: () => resumed++,
    backoff: (attempt) => (attempts.push(attempt), 1),
  });
  return { states, events, attempts, opened, stop, resumed: () => resumed, kinds: () => states.map((s) => s.kind) };
}

const change = (state: string) => {
  const chat = chatWithPr({ pull_request_state: state as 'open' });
  return `event: diff_status_change\ndata: ${JSON.stringify({ kind: 'diff_status_change', chat })}\n\n`;
};

describe('followEvents', () => {
  it('opens /api/v1/events, is live once the API says ready, and delivers diff_status_change events only', async () => {
    const s = stream();
    const h = harness([s]);
    await waitFor(() => h.opened.length === 1, { message: 'opened' });
    s.send(': heartbeat\n\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.kinds()).toEqual(['connecting']);
    s.ready();
    await waitFor(() => h.kinds().includes('live'), { message: 'live' });
    // A first connection that worked at once is no resumption: nothing was missed.
    expect(h.resumed()).toBe(0);
    s.send('data: not json\n\n');
    s.send(`data: ${JSON.stringify({ kind: 'hello' })}\n\n`);
    s.send(change('open'));
    s.send(change('merged').slice(0, 30));
    s.send(change('merged').slice(30));
    await waitFor(() => h.events.length === 2, { message: 'two events' });
    expect(h.events).toEqual([
      '6f1c2d3e-4a5b-4c6d-8e7f-901234567890:open',
      '6f1c2d3e-4a5b-4c6d-8e7f-901234567890:merged',
    ]);
    expect(h.opened).toEqual([{ path: '/api/v1/events', accept: 'text/event-stream' }]);
    expect(h.kinds()).toEqual(['connecting', 'live']);
    h.stop();
  });

  it(
    'reconnects with growing backoff when the API is down, ' + 'and resumes (reloading what it missed) once back',
    async () => {
      const s = stream();
      const h = harness([new ApiUnreachableError('cannot reach the API'), new ApiUnreachableError('still down'), s]);
      await waitFor(() => h.opened.length === 3, { message: 'third attempt' });
      s.ready();
      await waitFor(() => h.kinds().at(-1) === 'live', { message: 'live again' });
      expect(h.kinds()).toEqual(['connecting', 'reconnecting', 'reconnecting', 'live']);
      expect(h.attempts).toEqual([0, 1]);
      expect(h.states[2]).toMatchObject({ kind: 'reconnecting', attempt: 2, reason: 'still down' });
      // Back after failures: the page reloads what it shows (or could not load while the API was down).
      expect(h.resumed()).toBe(1);
      h.stop();
    },
  );

  it('reconnects when a live stream ends, resets the backoff, and asks to resync', async () => {
    const first = stream();
    const second = stream();
    const h = harness([first, second]);
    first.ready();
    await waitFor(() => h.kinds().includes('live'), { message: 'live' });
    first.end();
    await waitFor(() => h.opened.length === 2, { message: 'reconnected' });
    expect(h.resumed()).toBe(0);
    second.ready();
    await waitFor(() => h.resumed() === 1, { message: 'resumed' });
    expect(h.kinds()).toEqual(['connecting', 'live', 'reconnecting', 'live']);
    expect(h.states[2]).toMatchObject({ reason: 'the event stream ended' });
    expect(h.attempts).toEqual([0]);
    second.send(change('closed'));
    await waitFor(() => h.events.length === 1, { message: 'event after resume' });
    h.stop();
  });

  it('stops for good on a 401: the key is wrong, retrying cannot help', async () => {
    const h = harness([new UnauthorizedError()]);
    await waitFor(() => h.kinds().includes('unauthorized'), { message: 'unauthorized' });
    expect(h.attempts).toEqual([]);
    expect(h.opened).toHaveLength(1);
    h.stop();
  });

  it('backs off more and more when the stream keeps closing before it is ready', async () => {
    const streams = [stream(), stream(), stream()];
    const h = harness([...streams]);
    for (const s of streams) {
      await waitFor(() => h.opened.length === streams.indexOf(s) + 1, { message: 'next attempt' });
      s.end();
    }
    await waitFor(() => h.attempts.length === 3, { message: 'three retries' });
    expect(h.attempts).toEqual([0, 1, 2]);
    expect(h.kinds()).not.toContain('live');
    h.stop();
  });

  it('stop() ends the stream and schedules nothing more', async () => {
    const s = stream();
    const h = harness([s, stream()]);
    s.ready();
    await waitFor(() => h.kinds().includes('live'), { message: 'live' });
    h.stop();
    s.end();
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.kinds()).toEqual(['connecting', 'live']);
    expect(h.opened).toHaveLength(1);
  });
});

describe('backoffMs', () => {
  it('doubles from 1 s up to 30 s, with jitter between half and all of it', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 20].map((a) => backoffMs(a, () => 1))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
    expect(backoffMs(3, () => 0)).toBe(4000);
  });
});
