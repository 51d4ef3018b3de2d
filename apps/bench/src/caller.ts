/**
 * The on-demand phase's client, in a process of its own as a user's client would be on a machine
 * of its own: the bench process also serves the fake GitHubs, and under a backlog their thousands
 * of requests a second would delay the bench's own reading of each answer. The bench asks this
 * process for one timed call at a time (`POST /call/{chat}`); the time it answers is measured here.
 */
import { createServer } from 'node:http';
import { z } from 'zod';
import type { Sample } from './ondemand.js';

const env = z
  .object({ CALLER_PORT: z.coerce.number().int().positive(), API_URL: z.url(), API_KEY: z.string().min(1) })
  .parse(process.env);

async function call(chatId: string): Promise<Sample> {
  const started = performance.now();
  const res = await fetch(`${env.API_URL}/api/v1/chats/${chatId}/diff-status/refresh`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.API_KEY}` },
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json().catch(() => null)) as { refresh?: { completed?: boolean } } | null;
  const ms = performance.now() - started;
  return { ms, status: res.status, completed: body?.refresh?.completed === true };
}

// A chat id is a uuid: nothing else reaches the API's path (or decodeURIComponent, which throws).
const CALL_PATH = /^\/call\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

const server = createServer((req, res) => {
  const chatId = CALL_PATH.exec(req.url ?? '')?.[1];
  if (req.method !== 'POST' || !chatId) {
    res.writeHead(404).end();
    return;
  }
  call(chatId).then(
    (sample) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(sample)),
    (err: unknown) => res.writeHead(502).end(String(err)),
  );
});
// SIGTERM's default (exit) is the whole shutdown: nothing here outlives a call.
server.listen(env.CALLER_PORT, '127.0.0.1', () => console.log('caller listening'));
