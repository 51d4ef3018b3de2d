import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { FakePullRequest } from '@gitsync/github-fake';
import { waitFor } from '@gitsync/testing';
import { launchChromium, type Browser } from './browser';
import { ADMIN_KEY, PROVIDER_ID, WEB_DIST, startSystem, type System } from './system';

/**
 * Issue 5's end-to-end test: the built page in headless Chromium against the real system
 * (API, scheduler, worker) and the fake GitHub. A PR merged on the "provider" turns the chat's
 * icon from open to merged in the open page, through the event stream, without a reload.
 */
const webDir = path.resolve(__dirname, '..');
const out = path.resolve(webDir, '../../out');
const GH_TOKEN = 'web-e2e-github-token';
const BRANCH = 'feat/live-icons';

let system: System;
let browser: Browser;
let page: Page;
let memberKey: string;
let chatId: string;
let pr: FakePullRequest;
let navigations = 0;
/** What Chromium refused under the API's Content-Security-Policy (it says so on the console). */
const cspViolations: string[] = [];
/** The page's console, errors and failed requests: the evidence a failing test prints. */
const pageLog: string[] = [];

const row = () => page.locator(`[data-chat-id="${chatId}"]`);
const icon = () => row().locator('.chat-icon');

beforeAll(async () => {
  // The page under test is the production build, served by the API itself as in production:
  // built before the system starts, because the API looks for it at start-up.
  const vite = path.join(path.dirname(require.resolve('vite/package.json', { paths: [webDir] })), 'bin/vite.js');
  const build = spawnSync(process.execPath, [vite, 'build', '--outDir', WEB_DIST, '--logLevel', 'warn'], {
    cwd: webDir,
    // jest runs with NODE_ENV=test, which vite would keep: React's development build, not the page users get.
    env: { ...process.env, NODE_ENV: 'production' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (build.status !== 0)
    throw new Error(`vite build failed (${build.status ?? build.signal}):\n${build.stdout}\n${build.stderr}`);

  system = await startSystem();
  const { fake } = system;
  const member = await system.call('POST', '/api/v1/users', { body: { username: 'web-e2e', role: 'member' } });
  expect(member.status).toBe(201);
  memberKey = member.body.api_key;
  fake.addToken(GH_TOKEN, { login: 'web-e2e' });
  expect(
    (
      await system.call('PUT', `/api/v1/users/me/external-auth/${PROVIDER_ID}`, {
        key: memberKey,
        body: { access_token: GH_TOKEN },
      })
    ).status,
  ).toBe(204);

  fake.addRepo('acme', 'webapp');
  pr = fake.createPullRequest({
    owner: 'acme',
    repo: 'webapp',
    head: BRANCH,
    title: 'Icons that update live',
    author: 'web-e2e',
    additions: 42,
    deletions: 7,
    changedFiles: 3,
  });
  fake.addReview('acme', 'webapp', pr.number, { user: 'octo-reviewer', state: 'APPROVED' });
  fake.createPullRequest({
    owner: 'acme',
    repo: 'webapp',
    head: 'feat/onboarding',
    title: 'Onboarding v2',
    author: 'web-e2e',
    draft: true,
    additions: 530,
    deletions: 120,
  });
  // Neighbours, so the screenshot shows the other icons too; the test follows only the first chat.
  await chatOnBranch('Onboarding flow', 'waiting', 'feat/onboarding');
  await chatOnBranch('Refactor the API client', 'running', 'refactor/client');
  await chatOnBranch('Write the README', 'waiting', null);
  chatId = await chatOnBranch('Live sidebar icons', 'waiting', BRANCH);

  await waitFor(
    async () =>
      (await system.call('GET', `/api/v1/chats/${chatId}`, { key: memberKey })).body?.diff_status
        ?.pull_request_state === 'open',
    { timeoutMs: 30_000, intervalMs: 100, message: 'the worker fetched the open PR' },
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n--- process output ---\n${system.output()}`);
  });

  browser = await launchChromium();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.setDefaultTimeout(20_000);
  page.on('framenavigated', (frame) => frame === page.mainFrame() && navigations++);
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    pageLog.push(`console.${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (err) => pageLog.push(`page error: ${err.message}`));
  page.on('requestfailed', (r) => pageLog.push(`failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => r.status() >= 400 && pageLog.push(`${r.status()}: ${r.request().method()} ${r.url()}`));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
}, 60_000);

/**
 * A browser test that keeps its evidence when it fails: a screenshot in out/, and the page's text,
 * log and the processes' last output in the error (a failure on a loaded CI machine is seen once).
 */
function e2e(name: string, fn: () => Promise<void>, timeoutMs: number): void {
  it(
    name,
    async () => {
      try {
        await fn();
      } catch (err) {
        const shot = path.join(out, `web-e2e-failure-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`);
        mkdirSync(out, { recursive: true });
        await page?.screenshot({ path: shot }).catch(() => undefined);
        const text = await page
          ?.locator('body')
          .innerText({ timeout: 2_000 })
          .catch(() => '(unreadable)');
        const lastLines = system.output().split('\n').slice(-80).join('\n');
        throw new Error(
          `${(err as Error).message}\n--- screenshot: ${shot}\n--- page text ---\n${text?.slice(0, 2_000)}` +
            `\n--- page log ---\n${pageLog.slice(-60).join('\n')}\n--- process output ---\n${lastLines}`,
          { cause: err },
        );
      }
    },
    timeoutMs,
  );
}

async function chatOnBranch(title: string, status: 'waiting' | 'running', branch: string | null): Promise<string> {
  const created = await system.call('POST', '/api/v1/chats', { key: memberKey, body: { title } });
  expect(created.status).toBe(201);
  const id: string = created.body.id;
  expect((await system.call('PATCH', `/api/v1/chats/${id}`, { key: memberKey, body: { status } })).status).toBe(200);
  if (branch) await report(id, branch);
  return id;
}

/** The agent's report: marks the row stale, so the scheduler queues a refresh. */
async function report(id: string, branch: string, pullRequestUrl?: string): Promise<void> {
  const body = {
    branch,
    remote_origin: `${system.fake.url}/acme/webapp.git`,
    ...(pullRequestUrl && { pull_request_url: pullRequestUrl }),
  };
  const res = await system.call('POST', `/api/v1/chats/${id}/git`, { key: memberKey, body });
  expect(res.status).toBe(202);
}

e2e(
  'asks for the API key (again when it is wrong), then shows the open PR with its green icon',
  async () => {
    await page.goto(system.apiUrl);
    await page.getByLabel('API key', { exact: true }).fill('not-a-real-key');
    await page.getByRole('button', { name: 'Show my chats' }).click();
    await page.getByRole('alert').filter({ hasText: 'did not accept' }).waitFor();

    await page.getByLabel('API key', { exact: true }).fill(memberKey);
    await page.getByRole('button', { name: 'Show my chats' }).click();
    const open = row().getByRole('img', { name: 'Pull request open' });
    await open.waitFor();
    expect(await open.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(26, 127, 55)');
    expect(await open.getAttribute('data-icon')).toBe('git-pull-request-arrow');
    await expect(row().locator('.diff-stats').textContent()).resolves.toBe('+42 −7');
    const link = row().getByRole('link');
    await expect(link.textContent()).resolves.toBe(`#${pr.number} Icons that update live`);
    await expect(link.getAttribute('href')).resolves.toBe(pr.htmlUrl);
    await expect(row().locator('.verdict').textContent()).resolves.toMatch(/^\s*Approved$/);
    await expect(row().locator('time').textContent()).resolves.toMatch(
      /^refreshed (just now|\d+ (second|minute)s? ago)$/,
    );

    // Asked once: the key is kept, a new visit goes straight to the list.
    await page.reload();
    await row().getByRole('img', { name: 'Pull request open' }).waitFor();
    await expect(page.getByLabel('API key', { exact: true }).count()).resolves.toBe(0);
    mkdirSync(out, { recursive: true });
    await page.screenshot({ path: path.join(out, 'web-e2e-open.png') });
    // The production build: React's development build announces its DevTools on the console.
    expect(pageLog.filter((line) => /React DevTools/.test(line))).toEqual([]);
  },
  60_000,
);

e2e(
  'turns the same element into the merged icon when the PR is merged, without reloading the page',
  async () => {
    await page
      .locator('[data-stream="live"]')
      .waitFor({ timeout: 20_000 })
      .catch((err: Error) => {
        throw new Error(`the event stream never went live (is GET /api/v1/events served?): ${err.message}`);
      });
    const before = await icon().elementHandle();
    const navigationsBefore = navigations;
    await page.evaluate(() => ((window as unknown as { e2eMarker: string }).e2eMarker = 'same page'));

    system.fake.updatePullRequest('acme', 'webapp', pr.number, { merged: true });
    // A merged PR is no longer found by branch: the agent reports the url it knows.
    await report(chatId, BRANCH, pr.htmlUrl);

    await row().getByRole('img', { name: 'Pull request merged' }).waitFor({ timeout: 30_000 });
    expect(await icon().getAttribute('data-icon')).toBe('git-merge');
    expect(await icon().evaluate((el) => getComputedStyle(el).color)).toBe('rgb(130, 80, 223)');
    // The very element shown before changed in place: no reload, no navigation, no re-created row.
    expect(await before!.evaluate((el) => el.isConnected && el.getAttribute('aria-label'))).toBe('Pull request merged');
    expect(await page.evaluate(() => (window as unknown as { e2eMarker?: string }).e2eMarker)).toBe('same page');
    expect(navigations).toBe(navigationsBefore);

    await page.screenshot({ path: path.join(out, 'web-e2e.png') });
  },
  60_000,
);

e2e(
  '"refresh now" asks the API for the chat at once and shows the answer',
  async () => {
    system.fake.updatePullRequest('acme', 'webapp', pr.number, { title: 'Icons that update live (v2)' });
    await row().hover();
    await row().getByRole('button', { name: 'Refresh now' }).click();
    // Either the answer or the row's error shows; the error says why, rather than a bare timeout.
    const renamed = row().getByRole('link', { name: /Icons that update live \(v2\)/ });
    await renamed.or(row().getByRole('alert')).first().waitFor({ timeout: 30_000 });
    expect(await row().getByRole('alert').allTextContents()).toEqual([]);
    await renamed.waitFor();
    await row().getByRole('button', { name: 'Refresh now' }).waitFor();
  },
  60_000,
);

e2e(
  "flips a chat's checks from pending to failure live, and its detail pane shows the diff",
  async () => {
    const ciPr = system.fake.createPullRequest({
      owner: 'acme',
      repo: 'webapp',
      head: 'feat/checks',
      title: 'Checks beside the icon',
      author: 'web-e2e',
      additions: 2,
      deletions: 1,
      changedFiles: 1,
    });
    system.fake.addCheckRun('acme', 'webapp', ciPr.headSha, { name: 'lint', conclusion: 'success' });
    const build = system.fake.addCheckRun('acme', 'webapp', ciPr.headSha, { name: 'build', status: 'in_progress' });
    system.fake.setPullRequestDiff(
      'acme',
      'webapp',
      ciPr.number,
      [
        'diff --git a/src/checks.ts b/src/checks.ts',
        'index 1111111..2222222 100644',
        '--- a/src/checks.ts',
        '+++ b/src/checks.ts',
        '@@ -1,2 +1,3 @@',
        ' export const one = 1;',
        "-export const mark = 'dot';",
        "+export const mark = 'cross';",
        '+export const live = true;',
        '',
      ].join('\n'),
    );
    const ciChat = await chatOnBranch('Show CI checks', 'waiting', 'feat/checks');
    const ciRow = page.locator(`[data-chat-id="${ciChat}"]`);
    const checks = ciRow.locator('.checks-icon');
    await ciRow.getByRole('img', { name: 'Checks running: 1 passed, 1 pending' }).waitFor({ timeout: 30_000 });
    expect(await checks.getAttribute('data-checks')).toBe('pending');
    const before = await checks.elementHandle();

    system.fake.updateCheckRun('acme', 'webapp', build.id, { conclusion: 'failure' });
    // What a check_run webhook does: an on-demand refresh of the chat; the page hears it on its event stream.
    const refreshed = await system.call('POST', `/api/v1/chats/${ciChat}/diff-status/refresh`, { key: memberKey });
    expect(refreshed.status).toBe(200);
    await ciRow.getByRole('img', { name: 'Checks failed: 1 passed, 1 failed' }).waitFor({ timeout: 30_000 });
    expect(await checks.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(207, 34, 46)');
    expect(await before!.evaluate((el) => el.isConnected && el.getAttribute('data-checks'))).toBe('failure');

    await ciRow.getByRole('button', { name: 'Show CI checks' }).click();
    const pane = page.locator(`[data-detail-chat-id="${ciChat}"]`);
    await pane.locator('.diff-file-header').filter({ hasText: 'src/checks.ts' }).waitFor({ timeout: 20_000 });
    await expect(pane.getByRole('link', { name: /Checks beside the icon/ }).getAttribute('href')).resolves.toBe(
      ciPr.htmlUrl,
    );
    await expect(pane.locator('.detail-checks').textContent()).resolves.toContain('Checks failed: 1 passed, 1 failed');
    await expect(pane.locator('.diff-code-insert').allTextContents()).resolves.toEqual([
      "export const mark = 'cross';",
      'export const live = true;',
    ]);
    await expect(pane.locator('.diff-code-delete').allTextContents()).resolves.toEqual(["export const mark = 'dot';"]);
    await page.screenshot({ path: path.join(out, 'web-e2e-detail.png') });
    await pane.getByRole('button', { name: 'Close details' }).click();
  },
  90_000,
);

e2e(
  'loads older chats as the list scrolls to its end (cursor paging, 25 a page)',
  async () => {
    // 30 newer chats push the five above onto the second page.
    for (let i = 1; i <= 30; i++) {
      expect(
        (await system.call('POST', '/api/v1/chats', { key: memberKey, body: { title: `Filler chat ${i}` } })).status,
      ).toBe(201);
    }
    await page.reload();
    const rows = page.locator('.chat-row');
    await page.getByText('Filler chat 30', { exact: true }).waitFor();
    await waitFor(async () => (await rows.count()) === 25, { timeoutMs: 10_000, message: 'first page of 25' });
    expect(await row().count()).toBe(0);

    await page.locator('.sidebar-scroll').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await row().getByRole('img', { name: 'Pull request merged' }).waitFor();
    await waitFor(async () => (await rows.count()) === 35, { timeoutMs: 10_000, message: 'all 35 chats' });
    const titles = await page.locator('.chat-title').allTextContents();
    expect(new Set(titles).size).toBe(35);
    expect(titles.at(-1)).toBe('Onboarding flow');
  },
  60_000,
);

e2e(
  "ran every step above under the API's Content-Security-Policy, refused nothing, and cannot be framed",
  async () => {
    const res = await page.goto(system.apiUrl);
    const headers = res!.headers();
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['x-frame-options']).toBe('DENY');
    // The page ran its script, styles and API calls (the list is the proof), and refused nothing.
    await page.getByText('Filler chat 30', { exact: true }).waitFor();
    expect(cspViolations).toEqual([]);
  },
  60_000,
);

e2e(
  'Bull Board works under its own CSP, refusing nothing, and cannot be framed either',
  async () => {
    const board = await browser.context.newPage();
    const refused: string[] = [];
    board.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
    });
    try {
      await board.setExtraHTTPHeaders({ authorization: `Bearer ${ADMIN_KEY}` });
      const res = await board.goto(`${system.apiUrl}/admin/queues`);
      expect(res!.headers()['x-frame-options']).toBe('DENY');
      expect(res!.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
      // Its script ran and asked its API for the queues.
      await board.getByText('diff-status-refresh').first().waitFor({ timeout: 20_000 });
      expect(refused).toEqual([]);
    } finally {
      await board.close();
    }
  },
  60_000,
);
