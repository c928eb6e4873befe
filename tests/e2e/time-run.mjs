// Times one run in the page, from the click on "Clean" to the download being
// ready, on a generated cohort (not a test: figures depend on the machine).
//
//   node tests/e2e/time-run.mjs [ROWS]     (default 100000)

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { ROOT, launch, screenshot, serveApp, waitForEngine } from './harness.mjs';

const rows = Number(process.argv[2] ?? 100000);
const dir = mkdtempSync(path.join(tmpdir(), 'masque-time-'));
const input = path.join(dir, `cohort_${rows}.csv`);
execFileSync('python3', [path.join(ROOT, 'tools/gen_cohort.py'), '--rows', String(rows), '--seed', '42', '--quirks', '-o', input]);
const server = await serveApp();
const b = await launch({ locale: 'en-US' });
try {
  await b.page.goto(server.url);
  await waitForEngine(b.page);
  const t0 = Date.now();
  await b.page.locator('#file').setInputFiles(input);
  await b.page.waitForSelector('#setup:not([hidden]) #policy tbody tr', { timeout: 300_000 });
  const opened = Date.now() - t0;
  await b.page.click('#key-generate');
  await b.page.waitForFunction(() => /Fingerprint/.test(document.getElementById('key-status').textContent));
  const clicked = await b.page.evaluate(() => {
    window.__t0 = performance.now();
    document.getElementById('run').click();
    return true;
  });
  await b.page.waitForSelector('#download-output[data-ready="true"]', { timeout: 600_000 });
  const ms = await b.page.evaluate(() => performance.now() - window.__t0);
  const timings = await b.page.evaluate(() => document.getElementById('run-status').textContent);
  await screenshot(b.page, `time-${rows}-en`);
  console.log(JSON.stringify({ rows, open_ms: opened, click_to_download_ready_ms: Math.round(ms), status: timings, clicked }));
} finally {
  await b.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
