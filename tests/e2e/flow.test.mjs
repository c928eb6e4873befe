// The whole job, as a clinician does it: open a 20,000-row French export
// (Windows-1252, ";", quirks), accept the suggestions, k = 11, make a key,
// run, download. The downloaded bytes are scanned for every NIR, surname,
// first name, e-mail and phone number of the input, and re-analysed with
// masque's own command line (MASQUE_BIN): k >= 11 on the quasi-identifiers,
// and rows written + rows suppressed = rows read.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { generateCohort, launch, masque, plain, ROOT, screenshot, serveApp, step, toColumns, waitForEngine } from './harness.mjs';
import { identifiersOf, leaks } from './scan.mjs';

const ROWS = 20000;

let server;
let dir;
let input;
before(async () => {
  server = await serveApp();
  dir = mkdtempSync(path.join(tmpdir(), 'masque-flow-'));
  input = path.join(dir, 'sejours_2024.csv');
  generateCohort(input, { rows: ROWS, seed: 11, quirks: true });
});
after(() => {
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});


test('load, accept the suggestions, k = 11, key, run, download: no identifier left, k >= 11, rows add up', async () => {
  const ids = identifiersOf(input);
  assert.ok(ids.nir.length > 19000 && ids.nom.length > 100 && ids.prenom.length > 50 && ids.email.length > 19000 && ids.telephone.length > 19000,
    'the scan has the input\'s identifiers to look for');

  const b = await launch({ locale: 'fr-FR' });
  try {
    await b.page.goto(server.url);
    await waitForEngine(b.page);

    // 1. Open: dialect, rows, the virtualised preview; the status tells how far the reading is.
    await b.page.evaluate(() => {
      window.__statuses = [];
      new MutationObserver(() => window.__statuses.push(document.getElementById('status').textContent))
        .observe(document.getElementById('status'), { childList: true, characterData: true, subtree: true });
    });
    await b.page.locator('#file').setInputFiles(input);
    await b.page.waitForSelector('#steps button[data-step="columns"]:not([disabled])', { state: 'attached', timeout: 60_000 });
    const statuses = (await b.page.evaluate(() => window.__statuses)).map(plain);
    const percents = statuses.map((x) => x.match(/^Lecture de « sejours_2024\.csv »… (\d+) %$/)?.[1]).filter(Boolean).map(Number);
    assert.ok(percents.length >= 2 && percents.some((p) => p > 0), `the reading shows its progress: ${statuses.join(' | ')}`);
    assert.deepEqual(percents, [...percents].sort((x, y) => x - y), 'the progress only goes up');
    assert.equal(plain(await b.page.textContent('#status')), `« sejours_2024.csv » lu : 20 000 lignes, 19 colonnes.`);
    await b.page.waitForFunction(() => document.querySelector('#rows tbody tr:not(.loading) td'));
    const drawn = await b.page.$$eval('#rows tbody tr', (trs) => trs.length);
    assert.ok(drawn > 5 && drawn < 60, `only the visible rows are drawn (${drawn})`);
    await b.page.$eval('#rows .grid-viewport', (v) => { v.scrollTop = 28 * 15000; });
    await b.page.waitForFunction(() => [...document.querySelectorAll('#rows tbody tr:not(.loading) th')].some((th) => th.textContent.replace(/\D/g, '') === '15001'));
    await screenshot(b.page, 'flow-1-opened-fr');

    // 2. The suggestions (accepted again explicitly), as the column table shows them.
    await toColumns(b.page);
    await b.page.click('#accept');
    const roles = Object.fromEntries(await b.page.$$eval('#policy select[data-control="role"]', (s) => s.map((x) => [x.dataset.column, x.value])));
    const qis = Object.entries(roles).filter(([, r]) => r === 'quasi_identifier').map(([n]) => n);
    for (const n of ['sexe', 'date_naissance', 'code_postal']) assert.ok(qis.includes(n), `${n} is a quasi-identifier`);
    for (const n of ['nir', 'nom', 'prenom', 'telephone', 'email']) assert.equal(roles[n], 'direct_identifier', `${n} is a direct identifier`);
    const action = (n) => b.page.$eval(`#policy select[data-control="action"][data-column="${n}"]`, (s) => s.selectedOptions[0].textContent);
    assert.equal(await action('nir'), 'pseudonymiser (NIR)');
    // The page's defaults (issue 13): names dropped beside the NIR's pseudonym, the
    // commune dropped beside the code postal, stay dates shifted per patient.
    for (const n of ['nom', 'prenom', 'commune']) assert.equal(await action(n), 'supprimer', `${n} is dropped`);
    assert.match(await action('date_entree'), /^décaler les dates par patient/);
    assert.equal(await action('adresse'), 'supprimer');
    assert.equal(await action('commentaire'), 'nettoyer le texte libre');
    await screenshot(b.page, 'flow-2-policy-fr');

    // 3. Privacy: k = 11.
    await step(b.page, 'protection');
    await b.page.fill('#k', '11');
    await b.page.locator('#k').dispatchEvent('change');
    assert.equal(await b.page.inputValue('#suppression'), '4');

    // Running without a key is refused with a readable message.
    await step(b.page, 'key');
    await b.page.click('#run');
    assert.match(await b.page.textContent('#run-error'), /La clé de pseudonymisation manque.*générez, importez ou dérivez une clé/i);

    // 4. Key.
    await b.page.click('#key-generate');
    await b.page.waitForFunction(() => /Empreinte/.test(document.getElementById('key-status').textContent));
    assert.equal(await b.page.isEnabled('#key-export'), true);
    await screenshot(b.page, 'flow-3-key-fr');

    // 5. Run; 6. results.
    await b.page.click('#run');
    await b.page.waitForSelector('#download-output[data-ready="true"]', { timeout: 120_000 });
    await b.page.waitForSelector('#outcome:not([hidden]) #risk-table');
    assert.equal((await b.page.textContent('#run-error')).trim(), '');
    const risk = await b.page.$$eval('#risk-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    assert.equal(risk[0][0], 'k (taille minimale des groupes)');
    assert.ok(Number(plain(risk[0][2]).replace(/\s/g, '')) >= 11, `k after: ${risk[0][2]}`);
    assert.equal(await b.page.$$eval('#outcome svg.chart rect', (r) => r.length), 16, 'the chart has 8 size buckets, before and after');
    assert.ok((await b.page.$$eval('#levels-table tbody tr', (r) => r.length)) === qis.length, 'one level per quasi-identifier');
    assert.ok((await b.page.$$eval('#cleaned-table tbody tr', (r) => r.length)) > 0, 'cleaned rows are previewed');
    await screenshot(b.page, 'flow-4-results-fr');

    // 7. Downloads.
    const save = async (selector, name) => {
      const [download] = await Promise.all([b.page.waitForEvent('download'), b.page.click(selector)]);
      const file = path.join(dir, name);
      await download.saveAs(file);
      return { file, suggested: download.suggestedFilename() };
    };
    const cleaned = await save('#download-output', 'out.csv');
    assert.equal(cleaned.suggested, 'sejours_2024-masque.csv');
    const json = JSON.parse(readFileSync((await save('#download-report-json', 'report.json')).file, 'utf8'));
    const html = readFileSync((await save('#download-report-html', 'report.html')).file, 'utf8');
    const policy = JSON.parse(readFileSync((await save('#download-policy', 'policy.json')).file, 'utf8'));
    assert.equal(policy.version, 1);
    assert.deepEqual(policy.columns.nir, { action: 'pseudonymise', kind: 'nir' });

    const bytes = readFileSync(cleaned.file);
    const found = leaks(bytes, ids);
    assert.deepEqual(found, [], 'no identifier of the input in the cleaned file');
    assert.deepEqual(leaks(Buffer.from(html), ids), [], 'nor in the HTML report');
    assert.deepEqual(leaks(Buffer.from(JSON.stringify(json)), ids), [], 'nor in the JSON report');
    assert.match(html, /<h1>Rapport de pseudonymisation et d’anonymisation<\/h1>/);
    assert.ok(html.includes(json.apply_report.key_fingerprint), 'the HTML report shows the key fingerprint');

    // Same dialect as the input: Windows-1252 ";" CRLF.
    const inspected = JSON.parse(masque('inspect', cleaned.file, '--json'));
    assert.deepEqual([inspected.dialect.delimiter, inspected.dialect.encoding, inspected.dialect.line_ending], [';', 'windows-1252', 'crlf']);
    const result = json.anonymise_result;
    assert.equal(inspected.rows + result.suppressed, ROWS, 'rows written + rows suppressed = rows read');
    assert.equal(result.suppressed_rows, 'remove');
    // The date of birth is written as the age at admission (age_at): the quasi-identifier as written.
    const written = qis.map((n) => (n === 'date_naissance' ? 'age' : n));
    assert.deepEqual(Object.keys(policy.anonymise.quasi_identifiers).sort(), [...written].sort());
    assert.deepEqual(Object.keys(result.levels).sort(), [...written].sort());

    const analysed = JSON.parse(masque('analyse', cleaned.file, '--qi', written.join(','), '--json'));
    assert.ok(analysed.k >= 11, `masque analyse finds k = ${analysed.k} on ${written.join(', ')}`);
    assert.equal(analysed.rows, inspected.rows);

    // Nothing left the page: only the app's own files, all GETs.
    for (const r of b.requests) {
      assert.equal(new URL(r.url).origin, server.origin, `${r.url} is on the page's origin`);
      assert.equal(r.method, 'GET', `${r.url} is a GET`);
    }
    assert.ok(server.requests.every((r) => r.method === 'GET' && r.body.length === 0), 'the server received no body');
    assert.deepEqual(b.errors, []);
    writeFileSync(path.join(ROOT, 'test-results/e2e/flow-timings.json'), JSON.stringify(json.timings, null, 2));
  } finally {
    await b.close();
  }
});

test('cancelling a run stops it alone (a key asked for meanwhile still comes), offers nothing to download, and the next run completes', async () => {
  const b = await launch({ locale: 'en-US' });
  try {
    await b.page.goto(server.url);
    await waitForEngine(b.page);
    await b.page.locator('#file').setInputFiles(input);
    await toColumns(b.page);
    await step(b.page, 'key');
    await b.page.click('#key-generate');
    await b.page.waitForFunction(() => /Fingerprint/.test(document.getElementById('key-status').textContent));

    // Cancel as soon as the run starts: the worker is replaced mid-run. A new
    // key asked for meanwhile waits behind the run, and is not cancelled with it.
    const during = await b.page.evaluate(() => {
      const keyBefore = document.getElementById('key-status').textContent;
      document.getElementById('run').click();
      document.getElementById('key-generate').click();
      const cancel = document.getElementById('run-cancel');
      const shown = !cancel.hidden;
      cancel.click();
      return { shown, keyBefore };
    });
    assert.equal(during.shown, true, 'the cancel button is shown while running');
    await b.page.waitForFunction(() => /Cleaning cancelled/.test(document.getElementById('run-status').textContent));
    const after = await b.page.evaluate(() => ({
      cancelHidden: document.getElementById('run-cancel').hidden,
      runEnabled: !document.getElementById('run').disabled,
      focused: document.activeElement?.id,
      ready: document.getElementById('download-output').dataset.ready ?? null,
      outcome: !document.getElementById('outcome').hidden,
      error: document.getElementById('run-error').textContent.trim(),
    }));
    assert.deepEqual(after, { cancelHidden: true, runEnabled: true, focused: 'run', ready: null, outcome: false, error: '' });
    await b.page.waitForFunction((before) => {
      const status = document.getElementById('key-status').textContent;
      return /Fingerprint/.test(status) && status !== before;
    }, during.keyBefore);
    assert.equal((await b.page.textContent('#run-error')).trim(), '', 'the key request was not cancelled with the run');

    // The kept file went with the old worker: the fresh one reads it again, and the run completes.
    await b.page.click('#run');
    await b.page.waitForSelector('#download-output[data-ready="true"]', { timeout: 120_000 });
    assert.match(plain(await b.page.textContent('#run-status')), /^File cleaned in /);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});
