/**
 * Runs the fake by hand:
 *   npx tsx packages/github-fake/src/cli.ts --port 9000 --latency 50 \
 *     --token dev-token:octocat --pr octocat/hello:feature/x
 * Without --token every API call is a 401, so a demo token is registered unless one is given.
 */
import { parseArgs } from 'node:util';
import { startFakeGitHub } from './server.js';

const SUMMARY_MS = 10_000;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '9000' },
      host: { type: 'string', default: '127.0.0.1' },
      latency: { type: 'string', default: '0' },
      token: { type: 'string', multiple: true, default: ['dev-token:octocat'] },
      pr: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(
      'usage: cli.ts [--port 9000] [--host 127.0.0.1] [--latency ms] ' +
        '[--token TOKEN[:login]]... [--pr owner/repo:branch]...',
    );
    return;
  }
  const fake = await startFakeGitHub({
    port: Number(values.port),
    host: values.host,
    latencyMs: Number(values.latency),
  });
  for (const spec of values.token) {
    const [token = '', login = 'octocat'] = spec.split(':');
    fake.addToken(token, { login });
    console.log(`token   ${token} (login ${login})`);
  }
  for (const spec of values.pr) {
    const match = /^([^/]+)\/([^:]+):(.+)$/.exec(spec);
    if (!match) throw new Error(`--pr wants owner/repo:branch, got ${spec}`);
    const pr = fake.createPullRequest({ owner: match[1] ?? '', repo: match[2] ?? '', head: match[3] ?? '' });
    console.log(`pr      ${pr.htmlUrl} (head ${pr.head})`);
  }
  console.log(`web     ${fake.url}\napi     ${fake.apiBaseUrl}\noauth   ${fake.tokenUrl}`);

  // Nothing reads the request log here, so summarise and drop it rather than let it grow for hours.
  const summary = setInterval(() => {
    if (fake.requests.length === 0) return;
    const byStatus = new Map<number, number>();
    for (const r of fake.requests) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    console.log(`${fake.requests.length} requests: ${[...byStatus].map(([s, n]) => `${s}×${n}`).join(' ')}`);
    fake.clearRequests();
  }, SUMMARY_MS);

  const stop = (): void => {
    clearInterval(summary);
    void fake.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
