// Opens an actorsim dashboard of a sweep (sweep --dashboard, dashboard --sweep DIR) in headless chromium and waits
// until the sweep table lists <members> members, all with status <status>:
//   node sweep-check.mjs <url> <screenshot.png> <members> [status] [timeout-seconds]
// then saves a full-page screenshot and prints one JSON line with the heading and every row (name, swept values,
// status, progress, wall time); exit code 0 when the table appeared as expected. Browser as in dashboard-check.mjs.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, screenshot, membersArg, status = 'completed', timeoutArg = '60'] = process.argv.slice(2);
if (!url || !screenshot || !membersArg) {
  console.error('usage: node sweep-check.mjs <url> <screenshot.png> <members> [status] [timeout-seconds]');
  process.exit(2);
}
const profile = mkdtempSync(join(tmpdir(), 'actorsim-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(Number(timeoutArg) * 1000);
  page.on('console', (m) => { if (m.type() === 'error') console.error(`page: ${m.text()}`); });
  await page.goto(url);
  await page.waitForFunction(([n, s]) => {
    const rows = [...document.querySelectorAll('#sweep-members tr.member')];
    return !document.querySelector('#sweep-view').hidden && rows.length === n && rows.every((r) => r.dataset.status === s);
  }, [Number(membersArg), status]);
  const seen = {
    summary: await page.$eval('#sweep-summary', (e) => e.textContent),
    members: await page.$$eval('#sweep-members tr.member', (rows) => rows.map((r) => ({
      name: r.dataset.member,
      values: r.querySelector('.values').textContent,
      status: r.dataset.status,
      progress: r.children[3].textContent.trim(),
      wall: r.children[4].textContent.trim(),
    }))),
  };
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify(seen));
} catch (e) {
  console.error(`sweep check failed: ${e.message}`);
  process.exitCode = 1;
} finally {
  await context?.close();
  rmSync(profile, { recursive: true, force: true });
}
