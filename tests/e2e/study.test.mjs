// The default flow on a 20,000-row export shaped unlike the fixtures (seed
// 2613, `,`-separated UTF-8 with a BOM, with the quirks of real exports: NIRs
// with spaces, ISO dates mixed in, empty cells, quoted fields, identifiers in
// free text), as a clinician would run it: open, generate a key, clean,
// download the file and the JSON report. In the downloaded file:
// - k >= 11 on the report's quasi-identifiers (masque analyse recomputes it);
// - an age (the date of birth as the age at admission, in bands where k
//   needs) for at least 95 % of rows, and no date of birth;
// - the lengths of stay are the input's for at least 95 % of rows;
// - no NIR, surname, first name, e-mail or phone of the input is left;
// - the report's SHA-256 are those of the input and of the downloaded file.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { day, generateCohort, launch, masque, readCsv, screenshot, serveApp, step, waitForEngine } from './harness.mjs';
import { identifiersOf, leaks } from './scan.mjs';

const ROWS = 20_000;

let server;
let dir;
let input;
before(async () => {
  server = await serveApp();
  dir = mkdtempSync(path.join(tmpdir(), 'masque-study-'));
  input = path.join(dir, 'extraction-sejours.csv');
  generateCohort(input, { rows: ROWS, seed: 2613, quirks: true, sep: ',', encoding: 'utf-8', bom: true });
});
after(() => {
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

test('the default flow on a 20,000-row export gives a file a study can use: k >= 11, lengths of stay kept, no identifier, the report\'s SHA-256', async () => {
  const ids = identifiersOf(input);
  const b = await launch({ locale: 'fr-FR' });
  try {
    const { page } = b;
    await page.goto(server.url);
    await waitForEngine(page);
    await page.locator('#file').setInputFiles(input);
    await page.waitForSelector('#steps button[data-step="key"]:not([disabled])', { state: 'attached', timeout: 60_000 });
    await step(page, 'key');
    await page.click('#key-generate');
    await page.waitForFunction(() => /Empreinte/.test(document.getElementById('key-status').textContent));
    await page.click('#run');
    await page.waitForSelector('#download-output[data-ready="true"]', { timeout: 300_000 });
    assert.equal((await page.textContent('#run-error')).trim(), '');
    await screenshot(page, 'study-1-results-fr');

    const save = async (selector, name) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
      const file = path.join(dir, name);
      await download.saveAs(file);
      return file;
    };
    const cleaned = await save('#download-output', 'out.csv');
    const report = JSON.parse(readFileSync(await save('#download-report-json', 'report.json'), 'utf8'));

    // The report's digests are the files'.
    assert.equal(report.input.sha256, sha256(input), 'the input\'s SHA-256');
    assert.equal(report.output.sha256, sha256(cleaned), 'the downloaded file\'s SHA-256');

    // k >= 11 on the report's quasi-identifiers, recomputed by masque on the downloaded file.
    const qis = Object.keys(report.privacy_model.quasi_identifiers);
    assert.ok(qis.length >= 3, `quasi-identifiers: ${qis}`);
    const analysed = JSON.parse(masque('analyse', cleaned, '--qi', qis.join(','), '--json'));
    assert.ok(analysed.k >= 11, `masque analyse finds k = ${analysed.k} on ${qis.join(', ')}`);
    assert.equal(report.privacy_model.k_achieved >= 11, true, `the report says k = ${report.privacy_model.k_achieved}`);

    // Lengths of stay: the output's row i is the input's row i (local recoding keeps every row, in order).
    const original = readCsv(input, { sep: ',', encoding: 'utf8' });
    const out = readCsv(cleaned, { sep: ',', encoding: 'utf8' });
    assert.equal(original.rows.length, ROWS);
    assert.equal(out.rows.length, ROWS, 'every row kept');
    assert.equal(report.rows.written, ROWS);
    let same = 0;
    for (let i = 0; i < ROWS; i++) {
      const [ai, as, oi, os] = [original.rows[i].date_entree, original.rows[i].date_sortie, out.rows[i].date_entree, out.rows[i].date_sortie].map(day);
      if (ai !== null && as !== null && oi !== null && os !== null && as - ai === os - oi) same++;
    }
    assert.ok(same >= ROWS * 0.95, `lengths of stay equal to the input's for ${same} of ${ROWS} rows`);

    // An age for (nearly) every row; the dates of birth are gone.
    assert.ok(qis.includes('age'), `the age is a quasi-identifier: ${qis}`);
    assert.ok(!out.header.includes('date_naissance'), 'no date of birth written');
    const ages = out.rows.filter((r) => /^\d+(-\d+|\+)?$/.test(r.age ?? '')).length;
    assert.ok(ages >= ROWS * 0.95, `an age (a number or a band, not * or empty) for ${ages} of ${ROWS} rows`);

    // No identifier of the input is left.
    assert.deepEqual(leaks(readFileSync(cleaned), ids), [], 'no NIR, surname, first name, e-mail or phone of the input');
    for (const r of b.requests) assert.equal(new URL(r.url).origin, server.origin, `${r.url} is on the page's origin`);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});
