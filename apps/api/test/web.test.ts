import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startApi, type ApiHarness } from './harness.js';

/** The API serves the built web sidebar at `/`, next to the JSON API. */
let h: ApiHarness;
const dir = mkdtempSync(path.join(tmpdir(), 'gitsync-web-'));

beforeAll(async () => {
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>gitsync</title><div id="root"></div>');
  writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log("sidebar")');
  h = await startApi({ webDir: dir });
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('serves the page and its assets without a key, and the API beside them', async () => {
  const page = await fetch(`${h.baseUrl}/`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/text\/html/);
  expect(await page.text()).toContain('<div id="root">');
  expect(await (await fetch(`${h.baseUrl}/assets/app.js`)).text()).toContain('sidebar');
  expect((await h.call('GET', '/api/v1/chats')).status).toBe(200);
  expect((await fetch(`${h.baseUrl}/api/v1/nope`)).status).toBe(404);
});
