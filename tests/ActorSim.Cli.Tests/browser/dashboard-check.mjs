// Opens a running actorsim dashboard in headless chromium and checks what a user would look for:
//   node dashboard-check.mjs <url> <screenshot.png> [event-kind] [timeout-seconds] [live|done]
// a node is listed, the progress value advances (mode live, the default; mode done: the run has ended and the badges
// say "done"), an event of <event-kind> (default: checkpoint) appears on the timeline; then saves a full-page
// screenshot. Prints one JSON line with what it saw, including the physics charts (family, title, axis labels,
// scale), the field panel (heatmap labels and colour bar, or its note) and the badges; exit code 0 when all held.
// The browser is Debian's chromium (CHROMIUM_PATH, default /usr/bin/chromium), started with a fresh profile and no
// background networking (the machine may have no route out).
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, screenshot, eventKind = 'checkpoint', timeoutArg = '60', mode = 'live'] = process.argv.slice(2);
if (!url || !screenshot) {
  console.error('usage: node dashboard-check.mjs <url> <screenshot.png> [event-kind] [timeout-seconds]');
  process.exit(2);
}
const timeout = Number(timeoutArg) * 1000;
const profile = mkdtempSync(join(tmpdir(), 'actorsim-chromium-'));
const seen = { url, nodes: [], progress: [], event: null, screenshot };
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 1100 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(timeout);
  page.on('console', (m) => { if (m.type() === 'error') console.error(`page: ${m.text()}`); });
  await page.goto(url);

  await page.waitForSelector('#nodes tr.node');
  seen.nodes = await page.$$eval('#nodes tr.node', (rows) => rows.map((r) => r.dataset.node));

  const progress = () => page.$eval('#progress-value', (e) => Number(e.dataset.progress));
  await page.waitForFunction(() => Number(document.querySelector('#progress-value').dataset.progress) > 0);
  const first = await progress();
  seen.progress.push(first);
  if (mode === 'done') {
    await page.waitForSelector('#connection[data-state="done"]');
  } else {
    await page.waitForFunction((p) => Number(document.querySelector('#progress-value').dataset.progress) > p, first);
    seen.progress.push(await progress());
  }

  const selector = `#events .event[data-kind="${eventKind}"]`;
  await page.waitForSelector(selector);
  seen.event = await page.$eval(selector, (e) => e.textContent.trim());
  await page.waitForTimeout(1200); // let the charts draw the latest points
  seen.families = await page.$$eval('#families .family', (fs) => fs.map((f) => {
    const plot = f.querySelector('.plot');
    return { family: f.dataset.family, kind: f.dataset.kind, title: f.querySelector('h3').textContent,
      y_label: plot.dataset.yLabel, x_label: plot.dataset.xLabel, scale: plot.dataset.scale, drawn: !!plot.querySelector('canvas') };
  }));
  seen.field = await page.$eval('#field-view', (el) => {
    const h = el.querySelector('canvas.heatmap');
    return { state: el.dataset.state ?? null, note: el.querySelector('.note')?.textContent ?? null,
      heatmap: h ? { x_label: h.dataset.xLabel, y_label: h.dataset.yLabel, value_label: h.dataset.valueLabel, colorbar: h.dataset.colorbar } : null,
      x_label: el.dataset.xLabel ?? null, y_label: el.dataset.yLabel ?? null };
  });
  seen.connection = await page.$eval('#connection', (e) => e.textContent.trim());
  seen.run_status = await page.$eval('#run-status', (e) => e.textContent.trim());
  seen.eta = await page.$eval('#eta', (e) => e.textContent.trim());
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify(seen));
} catch (e) {
  console.log(JSON.stringify({ ...seen, error: String(e && e.message || e) }));
  process.exitCode = 1;
} finally {
  if (context) await context.close();
  rmSync(profile, { recursive: true, force: true });
}
