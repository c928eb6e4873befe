// Times one run in the page, from the click on "Clean" to the download being
// ready, on a generated cohort (not a test: figures depend on the machine).
// Also reports how long the page's main thread was ever blocked (the longest
// gap of a 50 ms timer, beyond its 50 ms) and the browser's peak memory (the
// proportional set size of every Chromium process, summed, sampled every
// 250 ms: run it with no other Chromium open).
//
//   node tests/e2e/time-run.mjs [ROWS [FILE]]   (default 100000 rows, generated)
//
// FILE: an existing cohort of ROWS rows (gen_cohort.py), to skip generating it.

import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { generateCohort, launch, screenshot, serveApp, waitForEngine } from './harness.mjs';

const rows = Number(process.argv[2] ?? 100000);
const dir = mkdtempSync(path.join(tmpdir(), 'masque-time-'));
const input = process.argv[3] ?? path.join(dir, `cohort_${rows}.csv`);
if (!process.argv[3]) {
  generateCohort(input, { rows, seed: 42, quirks: true });
}

/** The proportional set size (shared pages counted once) of every Chromium process, in MiB. */
function chromiumRssMiB() {
  let kib = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('chromium')) continue;
      kib += Number(/Pss:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1'))?.[1] ?? 0);
    } catch {
      // the process ended meanwhile
    }
  }
  return Math.round(kib / 1024);
}

let peakMiB = 0;
const sampler = setInterval(() => {
  peakMiB = Math.max(peakMiB, chromiumRssMiB());
}, 250);

const server = await serveApp();
const b = await launch({ locale: 'en-US' });
try {
  await b.page.goto(server.url);
  await waitForEngine(b.page);
  await b.page.evaluate(() => {
    window.__gap = 0;
    let last = performance.now();
    setInterval(() => {
      const now = performance.now();
      window.__gap = Math.max(window.__gap, now - last - 50);
      last = now;
    }, 50);
  });
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
  const gap = await b.page.evaluate(() => Math.round(window.__gap));
  await screenshot(b.page, `time-${rows}-en`);
  console.log(JSON.stringify({
    rows,
    open_ms: opened,
    click_to_download_ready_ms: Math.round(ms),
    longest_main_thread_block_ms: gap,
    peak_chromium_pss_mib: peakMiB,
    status: timings,
    clicked,
  }));
} finally {
  clearInterval(sampler);
  await b.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
