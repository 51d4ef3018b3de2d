import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { ownerChannel, type DiffStatusChangeEvent } from '@gitsync/contracts';
import { waitFor } from '@gitsync/testing';
import type { Bench } from './setup.js';

export const WEBHOOK_SECRET = `bench-webhook-${randomUUID()}`;

/** API environment for the webhook phase: every provider accepts deliveries signed with our secret. */
export const webhookEnv = (bench: Bench): Record<string, string> =>
  Object.fromEntries(bench.providers.map((_, i) => [`GITSYNC_EXTERNAL_AUTH_${i + 1}_WEBHOOK_SECRET`, WEBHOOK_SECRET]));

interface TrackedPr {
  chatId: string;
  url: string;
  branch: string;
}

/**
 * Webhook → event: a PR's title changes in its fake, a signed `pull_request.edited` delivery is
 * posted to the API, and the clock stops when the worker's `diff_status_change` for that chat is
 * published (what every SSE stream relays). One delivery at a time; milliseconds per sample.
 */
export async function measureWebhooks(bench: Bench, apiUrl: string, samples: number): Promise<number[]> {
  const rows = await bench.pg.db.execute<{ chat_id: string; url: string; git_branch: string }>(sql`
    select chat_id, url, git_branch from chat_diff_statuses where url is not null order by random() limit ${samples}`);
  const prs: TrackedPr[] = rows.rows.map((r) => ({ chatId: r.chat_id, url: r.url, branch: r.git_branch }));
  const subscriber = bench.redis.duplicate();
  const seen = new Map<string, number>();
  subscriber.on('pmessage', (_pattern: string, _channel: string, message: string) => {
    const event = JSON.parse(message) as DiffStatusChangeEvent;
    if (event.chat.diff_status?.pull_request_title?.startsWith('webhook '))
      seen.set(`${event.chat.id} ${event.chat.diff_status.pull_request_title}`, performance.now());
  });
  await subscriber.psubscribe(ownerChannel('*'));
  // ESM-only, with no `require` export: loaded with import().
  const { sign } = await import('@octokit/webhooks-methods');
  const timings: number[] = [];
  try {
    for (const [i, pr] of prs.entries()) {
      const index = bench.providers.findIndex((p) => pr.url.startsWith(`${p.fake.url}/`));
      const provider = bench.providers[index];
      const [, owner, repo, number] = /\/([^/]+)\/([^/]+)\/pull\/(\d+)$/.exec(pr.url) ?? [];
      if (!provider || !owner || !repo || !number) continue;
      const title = `webhook ${i} ${randomUUID().slice(0, 8)}`;
      provider.fake.updatePullRequest(owner, repo, Number(number), { title });
      const repository = { html_url: `${provider.fake.url}/${owner}/${repo}`, full_name: `${owner}/${repo}` };
      const body = JSON.stringify({
        action: 'edited',
        pull_request: { html_url: pr.url, number: Number(number), head: { ref: pr.branch, repo: repository } },
        repository,
      });
      const started = performance.now();
      const res = await fetch(`${apiUrl}/api/v1/webhooks/${provider.id}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'pull_request',
          'x-github-delivery': randomUUID(),
          'x-hub-signature-256': await sign(WEBHOOK_SECRET, body),
        },
        body,
      });
      if (res.status !== 202) throw new Error(`webhook delivery answered ${res.status}: ${await res.text()}`);
      const at = await waitFor(() => seen.get(`${pr.chatId} ${title}`), {
        timeoutMs: 10_000,
        message: `event for ${pr.chatId}`,
      });
      timings.push(at - started);
    }
  } finally {
    subscriber.disconnect();
  }
  return timings;
}
