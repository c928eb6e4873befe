// Ragged rows: a generated export (800 rows) where three lines have one field
// too many. The page says where the first one is, in French, and offers to set
// the malformed lines aside; read again so, it lists them by line number, the
// run never writes them, and the report counts and lists them.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { generateCohort, launch, plain, readCsv, screenshot, serveApp, step, waitForEngine } from './harness.mjs';

const ROWS = 800;
/** The 1-based lines made ragged (line 1 is the header). */
const RAGGED = [12, 301, 702];

let server;
let dir;
let input;
let nirs;
before(async () => {
  server = await serveApp();
  dir = mkdtempSync(path.join(tmpdir(), 'masque-malformed-'));
  const clean = path.join(dir, 'clean.csv');
  generateCohort(clean, { rows: ROWS, seed: 5150 });
  const lines = readFileSync(clean).toString('latin1').split('\r\n');
  // The NIRs of the ragged lines: they must not reach the output, not even pseudonymised alongside others.
  nirs = RAGGED.map((n) => lines[n - 1].split(';')[0]);
  for (const n of RAGGED) lines[n - 1] += ';en trop';
  input = path.join(dir, 'ragged.csv');
  writeFileSync(input, Buffer.from(lines.join('\r\n'), 'latin1'));
});
after(() => {
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('malformed lines are set aside on request: listed by line number, never written, counted in the report', async () => {
  const b = await launch({ locale: 'fr-FR' });
  try {
    const { page } = b;
    await page.goto(server.url);
    await waitForEngine(page);
    await page.locator('#file').setInputFiles(input);
    await page.waitForFunction(() => document.getElementById('error').textContent.trim() !== '');
    assert.match(plain(await page.textContent('#error')), /La ligne 12 \(enregistrement 11\) a 20 champs au lieu de 19/);

    await page.click('#set-aside');
    await page.waitForSelector('#result [data-field="rows"]');
    assert.equal(plain(await page.textContent('#error')), '');
    assert.equal(await page.inputValue('#read-malformed'), 'set_aside');
    assert.equal(plain(await page.textContent('#result .warnings li[data-kind="set_aside"]')),
      '3 lignes mal formées mises de côté (lignes 12, 301, 702) : elles ne seront pas dans le fichier nettoyé.');
    assert.equal(plain(await page.textContent('#result [data-field="rows"]')), String(ROWS - RAGGED.length));

    await step(page, 'key');
    await page.click('#key-generate');
    await page.waitForFunction(() => /Empreinte/.test(document.getElementById('key-status').textContent));
    await page.click('#run');
    await page.waitForSelector('#download-output[data-ready="true"]', { timeout: 120_000 });
    assert.match(plain(await page.textContent('#outcome [data-field="set-aside"]')), /^3 lignes mal formées mises de côté à la lecture \(lignes 12, 301, 702\)/);
    await screenshot(page, 'malformed-1-results-fr');

    const save = async (selector, name) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
      const file = path.join(dir, name);
      await download.saveAs(file);
      return file;
    };
    const cleaned = await save('#download-output', 'out.csv');
    const report = JSON.parse(readFileSync(await save('#download-report-json', 'report.json'), 'utf8'));
    const html = readFileSync(await save('#download-report-html', 'report.html'), 'utf8');
    assert.equal(report.rows.set_aside, 3);
    assert.deepEqual(report.rows.set_aside_lines, RAGGED);
    assert.equal(report.rows.read, ROWS - RAGGED.length);
    assert.match(html, /3 lignes mal formées .* lignes 12, 301, 702\./);

    const out = readCsv(cleaned);
    assert.equal(out.rows.length, ROWS - RAGGED.length - report.rows.suppressed * (report.rows.suppressed_rows === 'remove' ? 1 : 0));
    const text = readFileSync(cleaned).toString('latin1');
    assert.doesNotMatch(text, /en trop/, 'no field of a malformed line');
    for (const nir of nirs) assert.ok(!text.includes(nir), 'no NIR of a malformed line');
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});
