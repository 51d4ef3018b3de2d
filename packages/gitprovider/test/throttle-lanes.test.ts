import { Octokit } from '@octokit/core';
import { throttling, type ThrottlingOptions } from '@octokit/plugin-throttling';
import { PassThroughLimiter } from '../src/throttle-lanes.js';
import { startLocalServer, type LocalServer } from './local-server.js';

const ThrottledOctokit = Octokit.plugin(throttling);
let server: LocalServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** An octokit wired as GitHubClient wires it, with limit handlers of the test's choosing. */
function octokitWith(baseUrl: string, wantRetry: boolean): InstanceType<typeof ThrottledOctokit> {
  return new ThrottledOctokit({
    baseUrl,
    throttle: {
      global: new PassThroughLimiter(),
      retryLimiter: new PassThroughLimiter(),
      // The plugin waits retry-after × this (ms): 1 instead of 1000 keeps the retry quick.
      retryAfterBaseValue: 1,
      onRateLimit: () => wantRetry,
      onSecondaryRateLimit: () => wantRetry,
    } as ThrottlingOptions,
  });
}

/** A primary rate limit (remaining 0, reset now) for the first request, then 200s. */
const limitedOnce = () => {
  let calls = 0;
  return () =>
    ++calls === 1
      ? {
          status: 403,
          headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)) },
          body: { message: 'API rate limit exceeded' },
        }
      : { body: { login: 'octocat' } };
};

describe('PassThroughLimiter (plugin-throttling lanes)', () => {
  it('starts a task in the same turn it is scheduled: no timer, no queue', async () => {
    const lanes = new PassThroughLimiter();
    let started = false;
    const done = lanes.key().schedule(
      { priority: 0 },
      async (n: number) => {
        started = true;
        return n * 2;
      },
      21,
    );
    expect(started).toBe(true);
    await expect(done).resolves.toBe(42);
  });

  it("leaves the plugin's limit handlers the decision: a refused retry returns the 403 after one request", async () => {
    server = await startLocalServer(limitedOnce());
    const octokit = octokitWith(server.apiBaseUrl, false);
    await expect(octokit.request('GET /user')).rejects.toMatchObject({ status: 403 });
    expect(server.requests).toHaveLength(1);
  });

  it('retries when a limit handler asks for it, after the delay the plugin computed', async () => {
    server = await startLocalServer(limitedOnce());
    const octokit = octokitWith(server.apiBaseUrl, true);
    const answer = await octokit.request('GET /user');
    expect(answer.data).toEqual({ login: 'octocat' });
    expect(server.requests).toHaveLength(2);
  });
});
