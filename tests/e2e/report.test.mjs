// The report a DPO signs, and the embed that is as safe as the page.
//
// 1. The page's default flow on a generated export (French): the HTML and
//    JSON reports and the cleaned file are downloaded; the reports' SHA-256
//    are the files' (node:crypto), the per-column distinct counts are the
//    downloaded file's (masque inspect, MASQUE_BIN), the French report holds
//    no raw action key, has a print stylesheet, the signing fields typed in
//    the page, the method, the privacy and attacker models and the
//    l-diversity of every sensitive column; no identifier of the input.
// 2. The embed: suggestPolicy is the page's default policy with its
//    `anonymise` section (every suggested quasi-identifier, k = 11), clean
//    applies it (the report says k >= 11, and carries the blob's SHA-256), and
//    the example page, in French, shows the report's k.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { generateCohort, launch, masque, plain, screenshot, serveApp, step, toColumns, waitForEngine } from './harness.mjs';
import { identifiersOf, leaks } from './scan.mjs';

const ROWS = 3000;

let server;
let dir;
let input;
before(async () => {
  server = await serveApp();
  dir = mkdtempSync(path.join(tmpdir(), 'masque-report-'));
  input = path.join(dir, 'export.csv');
  generateCohort(input, { rows: ROWS, seed: 7, quirks: true });
});
after(() => {
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');
const inspect = (file) => JSON.parse(masque('inspect', file, '--json'));
/** The raw keys the engine and the policy use: none may show in a French report. */
const RAW_KEYS = /\b(keep|drop|redact|scrub|pseudonymise|generalise|date_shift|quasi_identifier|direct_identifier|first_name)\b/;

test('the default flow\'s reports: SHA-256 and distinct counts of the downloaded file, in words, printable, signable', async () => {
  const ids = identifiersOf(input);
  const b = await launch({ locale: 'fr-FR' });
  try {
    await b.page.goto(server.url);
    await waitForEngine(b.page);
    await b.page.locator('#file').setInputFiles(input);
    await toColumns(b.page);
    await step(b.page, 'key');
    await b.page.click('#key-generate');
    await b.page.waitForFunction(() => /Empreinte/.test(document.getElementById('key-status').textContent));
    await b.page.click('#run');
    await b.page.waitForSelector('#download-output[data-ready="true"]', { timeout: 120_000 });
    await b.page.waitForSelector('#outcome:not([hidden]) #report-fields');
    assert.equal((await b.page.textContent('#run-error')).trim(), '');

    // The levels are named by their meaning in the page too.
    const levels = await b.page.$$eval('#levels-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    assert.ok(levels.length >= 4 && levels.every((r) => r.length === 3 && r[2].length > 3), JSON.stringify(levels));

    // What the person signing types goes into both reports.
    await b.page.fill('#report-purpose', 'Étude de cohorte REPORT-13');
    await b.page.fill('#report-recipient', 'Équipe de recherche B');
    await b.page.fill('#report-key-holder', 'Délégué à la protection des données');

    const save = async (selector, name) => {
      const [download] = await Promise.all([b.page.waitForEvent('download'), b.page.click(selector)]);
      const file = path.join(dir, name);
      await download.saveAs(file);
      return file;
    };
    const cleaned = await save('#download-output', 'out.csv');
    const json = JSON.parse(readFileSync(await save('#download-report-json', 'report.json'), 'utf8'));
    const html = readFileSync(await save('#download-report-html', 'report.html'), 'utf8');
    await screenshot(b.page, 'report-results-fr');

    // The files' SHA-256, computed in the worker by chunks, are node's.
    assert.equal(json.input.sha256, sha256(input), 'the input\'s SHA-256');
    assert.equal(json.output.sha256, sha256(cleaned), 'the output\'s SHA-256');
    assert.equal(json.output.bytes, readFileSync(cleaned).length);
    assert.ok(html.includes(json.input.sha256) && html.includes(json.output.sha256), 'the HTML report shows both');

    // Counts after everything: every output column's distinct values are the downloaded file's.
    const out = inspect(cleaned);
    const distinct = Object.fromEntries(out.columns.map((c) => [c.name, c.distinct]));
    const kept = json.columns.filter((c) => c.in_output);
    // The date of birth is written as the age (`written_as`).
    const written = (c) => c.written_as ?? c.name;
    assert.equal(written(json.columns.find((c) => c.name === 'date_naissance')), 'age');
    assert.deepEqual(kept.map(written), out.columns.map((c) => c.name), 'the output columns, in order');
    for (const c of kept) assert.equal(c.distinct_out, distinct[written(c)], `${c.name}: distinct values in the file written`);
    assert.ok(json.columns.some((c) => c.role === 'quasi_identifier' && c.level > 0 && c.distinct_out < c.distinct_in),
      'a generalised quasi-identifier has fewer values after than before');
    assert.equal(json.columns.find((c) => c.name === 'adresse').in_output, false, 'adresse is dropped');

    // Rows read, written, suppressed.
    assert.equal(json.rows.read, ROWS);
    assert.equal(json.rows.written, out.rows);
    assert.equal(json.rows.written + json.rows.suppressed, ROWS, 'suppressed rows are removed');

    // Method, privacy model, attacker model, l-diversity of every sensitive column.
    assert.equal(json.method.pseudonyms, 'HMAC-SHA-256');
    assert.match(json.method.key_fingerprint, /^[0-9a-f]{4}(-[0-9a-f]{4}){3}$/);
    assert.ok(html.includes(json.method.key_fingerprint));
    assert.equal(json.privacy_model.k, 11);
    assert.ok(json.privacy_model.k_achieved >= 11, `k reached: ${json.privacy_model.k_achieved}`);
    assert.equal(json.privacy_model.suppression_limit, 0.04);
    assert.equal(json.attacker_model.model, 'prosecutor');
    assert.ok(json.attacker_model.after.k >= 11);
    assert.deepEqual(json.l_diversity.map((d) => d.column).sort(), ['diag_principal', 'libelle_diag']);
    for (const d of json.l_diversity) assert.ok(d.l_distinct_after >= 1 && d.l_distinct_before >= 1, JSON.stringify(d));
    assert.ok(Object.values(json.free_text).reduce((a, n) => a + n, 0) > 0, 'free-text replacements are counted by kind');
    assert.equal(json.signing.purpose, 'Étude de cohorte REPORT-13');

    // The French HTML report: in words, no raw key, the policy not as JSON, printable, signable.
    const body = html.slice(html.indexOf('<body>'));
    assert.doesNotMatch(body, RAW_KEYS, 'no raw action or role key in the French report');
    assert.doesNotMatch(body, /"action"|\{"/, 'no JSON dump');
    assert.match(html, /@media print/);
    assert.match(body, /pseudonymisée \(NIR\) par HMAC-SHA-256/);
    assert.match(body, /Modèle du procureur/);
    assert.match(body, /l-diversité des colonnes sensibles/);
    assert.match(body, /Étude de cohorte REPORT-13/);
    assert.match(body, /Équipe de recherche B/);
    assert.match(body, /ne doit pas être le destinataire des données/);
    for (const f of ['purpose', 'controller', 'recipient', 'key_holder', 'date', 'signature']) {
      assert.match(body, new RegExp(`contenteditable="true" data-field="${f}"`), `the ${f} field is editable`);
    }
    assert.match(html, /default-src 'none'/, 'the report runs nothing and loads nothing');
    assert.doesNotMatch(html, /<script/);

    // No value of the input in either report.
    assert.deepEqual(leaks(Buffer.from(html), ids), [], 'no identifier in the HTML report');
    assert.deepEqual(leaks(Buffer.from(JSON.stringify(json)), ids), [], 'no identifier in the JSON report');
    assert.deepEqual(leaks(readFileSync(cleaned), ids), [], 'no identifier in the cleaned file');

    // The report printed: the print stylesheet applies (editing hints hidden).
    const report = await b.context.newPage();
    await report.setContent(html);
    await report.emulateMedia({ media: 'print' });
    assert.equal(await report.$eval('.hint', (n) => getComputedStyle(n).display), 'none');
    await screenshot(report, 'report-html-print-fr');
    await report.pdf?.({ path: path.join(dir, 'report.pdf') }).catch(() => {});
    await report.close();

    for (const r of b.requests) assert.equal(new URL(r.url).origin, server.origin, `${r.url} is on the page's origin`);
    assert.ok(server.requests.every((r) => r.method === 'GET' && r.body.length === 0), 'the server received no body');
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('the embed: suggestPolicy is the page\'s default policy, clean applies its anonymise section, the example says k in French', async () => {
  const b = await launch({ locale: 'fr-FR' });
  try {
    await b.page.goto(server.url + 'embed/example.html');
    assert.equal(plain(await b.page.textContent('h1')), 'Déposer un extrait clinique', 'the example page is in French');
    await b.page.locator('#file').setInputFiles(input);
    const got = await b.page.evaluate(async () => {
      const m = await import('./masque-clean.js');
      const { defaultPolicyOf } = await import('../policy.js');
      const file = /** @type {HTMLInputElement} */ (document.getElementById('file')).files[0];
      const inspection = await m.inspect(file);
      const policy = await m.suggestPolicy(file);
      const key = await m.keygen();
      const blob = await m.clean(file, structuredClone(policy), key);
      const digest = [...new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()))].map((x) => x.toString(16).padStart(2, '0')).join('');
      return {
        policy, page: defaultPolicyOf(inspection), digest, report: blob.masque.report, key: key.key,
        suggested: inspection.columns.filter((c) => c.suggestion?.role === 'quasi_identifier').map((c) => c.name),
      };
    });
    assert.deepEqual(got.policy, got.page, 'the page\'s own default policy');
    // Every suggested quasi-identifier, but the page's defaults (issue 13): the
    // stay dates are shifted per patient (not generalised), the commune beside
    // the code postal is dropped.
    const notGeneralised = ['commune', 'date_entree', 'date_sortie'];
    const asWritten = (n) => (n === 'date_naissance' ? 'age' : n);
    assert.deepEqual(Object.keys(got.policy.anonymise.quasi_identifiers).sort(), got.suggested.filter((n) => !notGeneralised.includes(n)).map(asWritten).sort(), 'every suggested quasi-identifier');
    for (const q of ['sexe', 'age', 'code_postal', 'finess']) {
      assert.ok(Object.hasOwn(got.policy.anonymise.quasi_identifiers, q), `${q} is a quasi-identifier`);
    }
    assert.deepEqual(got.policy.columns.date_entree, { action: 'date_shift', subject: 'nir', max_days: 180 });
    assert.deepEqual(got.policy.columns.commune, { action: 'drop' });
    assert.equal(got.policy.anonymise.recoding, 'local');
    // The date of birth is written as the age at admission, generalised in age bands.
    assert.deepEqual(got.policy.columns.date_naissance, { action: 'age_at', at: 'date_entree' });
    assert.deepEqual(got.policy.anonymise.quasi_identifiers.age, { builder: { age_bands: {} }, weight: 4 }, 'a high priority');
    assert.equal(got.policy.anonymise.k, 11);
    const r = got.report;
    assert.ok(r.privacy_model.k_achieved >= 11, `the cleaned blob's report says k = ${r.privacy_model.k_achieved}`);
    assert.deepEqual(Object.keys(r.anonymise_result.levels).sort(), Object.keys(got.policy.anonymise.quasi_identifiers).sort(), 'every quasi-identifier was generalised by the search');
    assert.equal(r.output.sha256, got.digest, 'the report carries the blob\'s SHA-256');
    assert.equal(r.format, 'masque-report');
    assert.deepEqual(r.l_diversity.map((d) => d.column).sort(), ['diag_principal', 'libelle_diag']);
    assert.ok(!JSON.stringify(r).includes(got.key), 'the key is not in the report');

    // The example form, unchanged policy, in French: it shows the report's k.
    await b.page.click('button[type="submit"]');
    await b.page.waitForSelector('#status[data-done="true"]', { timeout: 60_000 });
    assert.equal((await b.page.textContent('#error')).trim(), '');
    const status = plain(await b.page.textContent('#status'));
    assert.match(status, /^Envoyé : \d+ octets, \d+ lignes supprimées, k = (\d+)\.$/);
    const k = Number(status.match(/k = (\d+)/)[1]);
    assert.ok(k >= 11, status);
    assert.equal(Number(await b.page.getAttribute('#status', 'data-k')), k);
    // Switching the language says it again in English.
    await b.page.selectOption('#lang', 'en');
    assert.match(plain(await b.page.textContent('#status')), new RegExp(`^Uploaded: \\d+ bytes, \\d+ rows suppressed, k = ${k}\\.$`));
    await screenshot(b.page, 'report-embed-en');

    for (const q of b.requests) assert.equal(new URL(q.url).origin, server.origin, `${q.url} is on the page's origin`);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});
