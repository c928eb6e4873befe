// The page's defaults keep what a study needs (issue 13, "Useful by default"):
// on a generated export (3,000 rows, French, Windows-1252), the default flow
// (open, key, run, download) gives a file where
// - admission and discharge dates are shifted per patient (date_shift by the
//   NIR): every length of stay is the input's, and the dates are not
//   quasi-identifiers cut to the year;
// - surnames and first names are dropped (the NIR's pseudonym links the rows);
// - the date of birth becomes the age at admission (age_at), which local
//   recoding keeps for most rows (in bands where k needs, rather than `*`),
//   k >= 11 on the quasi-identifiers (masque analyse, MASQUE_BIN);
// - no NIR, surname, first name, e-mail or phone of the input is left.
// The plan of each column is said before the run, only the hierarchies that
// fit a column are offered, and the recoding is saved in and restored from the
// policy's `anonymise` section.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { columnsFromSuggestions, hierarchiesFor } from '../../www/policy.js';
import { day, generateCohort, launch, masque, plain, readCsv, screenshot, serveApp, step, toColumns, waitForEngine } from './harness.mjs';
import { identifiersOf, leaks } from './scan.mjs';

const ROWS = 3000;

let server;
let dir;
let input;
before(async () => {
  server = await serveApp();
  dir = mkdtempSync(path.join(tmpdir(), 'masque-defaults-'));
  input = path.join(dir, 'export.csv');
  generateCohort(input, { rows: ROWS, seed: 7 });
});
after(() => {
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const options = (page, column) => page.$$eval(`#policy select[data-control="hierarchy"][data-column="${column}"] option`, (o) => o.map((x) => x.value));

test('the default flow keeps lengths of stay and most ages, drops names, leaves no identifier, k >= 11', async () => {
  const ids = identifiersOf(input);
  const b = await launch({ locale: 'fr-FR' });
  try {
    await b.page.goto(server.url);
    await waitForEngine(b.page);
    await b.page.locator('#file').setInputFiles(input);
    await toColumns(b.page);

    // The defaults, as the column table and the privacy settings show them.
    const action = (n) => b.page.$eval(`#policy select[data-control="action"][data-column="${n}"]`, (s) => s.selectedOptions[0].textContent);
    assert.equal(await action('date_entree'), 'décaler les dates par patient (selon nir, jusqu’à ±180 jours)');
    assert.equal(await action('date_sortie'), 'décaler les dates par patient (selon nir, jusqu’à ±180 jours)');
    assert.equal(await action('nom'), 'supprimer');
    assert.equal(await action('prenom'), 'supprimer');
    assert.equal(await action('nir'), 'pseudonymiser (NIR)');
    assert.equal(await b.page.inputValue('#policy select[data-control="role"][data-column="date_entree"]'), 'other', 'a shifted date is not generalised');
    assert.equal(await b.page.inputValue('#recoding'), 'compare', 'global and local side by side by default');
    await step(b.page, 'protection');
    assert.match(plain(await b.page.textContent('#recoding-help')), /^Comparer \(par défaut\) : .* Locale : toutes les lignes gardées/);

    // Only the hierarchies that can apply to a column are offered.
    assert.deepEqual(await options(b.page, 'date_naissance'), ['flat', 'age_bands', 'intervals'], 'the age\'s hierarchies');
    assert.deepEqual(await options(b.page, 'code_postal'), ['flat', 'code_postal', 'mask']);
    assert.deepEqual(await options(b.page, 'sexe'), ['flat', 'mask']);

    // The plan of each column, in words, before the run, and why the default differs from the suggestion.
    const plan = Object.fromEntries(await b.page.$$eval('#plan li', (lis) => lis.map((li) => [li.dataset.column, { text: li.textContent, why: li.dataset.why ?? null }])));
    assert.match(plain(plan.date_entree.text), /^date_entree → dates décalées par patient \(durée de séjour conservée\)/);
    assert.equal(plan.date_entree.why, 'shift');
    assert.match(plain(plan.date_entree.text), /Décalées plutôt que généralisées/);
    assert.match(plain(plan.nom.text), /^nom → supprimée.*attaque par fréquence/);
    assert.equal(plan.prenom.why, 'names');
    assert.match(plain(plan.date_naissance.text), /^date_naissance → âge en années à la date de date_entree \(colonne « age »\), exact ou en tranches de 5, 10, 20 ans .* \(ligne par ligne ou au même niveau pour toutes les lignes : les deux comparés après l’exécution\) ; priorité haute \(généralisée après les autres\)L’âge à l’entrée remplace la date de naissance/);
    assert.equal(plan.date_naissance.why, 'age');
    assert.match(plain(plan.commune.text), /^commune → supprimée.*code postal/);
    await screenshot(b.page, 'defaults-1-plan-fr');

    await step(b.page, 'key');
    await b.page.click('#key-generate');
    await b.page.waitForFunction(() => /Empreinte/.test(document.getElementById('key-status').textContent));
    await b.page.click('#run');
    await b.page.waitForSelector('#download-output[data-ready="true"]', { timeout: 120_000 });
    await b.page.waitForSelector('#outcome:not([hidden]) #risk-table');
    assert.equal((await b.page.textContent('#run-error')).trim(), '');
    // Both recodings ran; local recoding's file is the one checked here (compare.test.mjs checks the choice).
    await b.page.waitForSelector('#compare');
    if (!(await b.page.isChecked('#use-local'))) {
      await b.page.check('#use-local');
      await b.page.waitForFunction(() => document.getElementById('compare')?.dataset.chosen === 'local');
    }
    assert.match(plain(await b.page.textContent('#outcome [data-recoding="local"]')), /^k = \d+ atteint ; recodage local/);
    await screenshot(b.page, 'defaults-2-results-fr');

    const save = async (selector, name) => {
      const [download] = await Promise.all([b.page.waitForEvent('download'), b.page.click(selector)]);
      const file = path.join(dir, name);
      await download.saveAs(file);
      return file;
    };
    const cleaned = await save('#download-output', 'out.csv');
    const report = JSON.parse(readFileSync(await save('#download-report-json', 'report.json'), 'utf8'));
    const policy = JSON.parse(readFileSync(await save('#download-policy', 'policy.json'), 'utf8'));

    assert.deepEqual(policy.columns.date_entree, { action: 'date_shift', subject: 'nir', max_days: 180 });
    assert.equal(policy.anonymise.recoding, 'local');
    const qis = Object.keys(policy.anonymise.quasi_identifiers);
    assert.ok(!qis.includes('date_entree') && !qis.includes('date_sortie'), `shifted dates are not quasi-identifiers: ${qis}`);
    assert.ok(qis.includes('age') && qis.includes('sexe') && qis.includes('code_postal'), qis.join(', '));
    assert.deepEqual(policy.columns.date_naissance, { action: 'age_at', at: 'date_entree' });
    assert.equal(report.privacy_model.recoding, 'local');
    assert.ok(report.privacy_model.k_achieved >= 11, `the report says k = ${report.privacy_model.k_achieved}`);

    // The cleaned file: k >= 11 recomputed by masque itself.
    const analysed = JSON.parse(masque('analyse', cleaned, '--qi', qis.join(','), '--json'));
    assert.ok(analysed.k >= 11, `masque analyse finds k = ${analysed.k} on ${qis.join(', ')}`);

    const out = readCsv(cleaned);
    const original = readCsv(input);
    assert.ok(!out.header.includes('nom') && !out.header.includes('prenom'), `names dropped: ${out.header}`);
    assert.equal(out.rows.length, ROWS, 'local recoding keeps every row');
    assert.ok(!out.header.includes('date_naissance'), 'no date of birth written');
    const ages = out.rows.filter((r) => r.age && r.age !== '*').length;
    assert.ok(ages >= ROWS * 0.5, `an age (not *) for ${ages} of ${ROWS} rows`);

    // Lengths of stay: the output's row i is the input's row i (every row kept, in order).
    let same = 0;
    let moved = 0;
    for (let i = 0; i < ROWS; i++) {
      const a = original.rows[i];
      const o = out.rows[i];
      const [ai, as, oi, os] = [a.date_entree, a.date_sortie, o.date_entree, o.date_sortie].map(day);
      if (ai !== null && as !== null && oi !== null && os !== null && as - ai === os - oi) same++;
      if (oi !== ai) moved++;
    }
    assert.ok(same >= ROWS * 0.95, `lengths of stay equal to the input's for ${same} of ${ROWS} rows`);
    assert.ok(moved >= ROWS * 0.9, `admission dates moved for ${moved} of ${ROWS} rows`);

    // No identifier of the input is left.
    assert.deepEqual(leaks(readFileSync(cleaned), ids), [], 'no NIR, surname, first name, e-mail or phone of the input');
    for (const r of b.requests) assert.equal(new URL(r.url).origin, server.origin, `${r.url} is on the page's origin`);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('the recoding is saved in the policy\'s anonymise section and restored from it; a changed column loses the default\'s reason', async () => {
  const b = await launch({ locale: 'en-US' });
  try {
    await b.page.goto(server.url);
    await waitForEngine(b.page);
    await b.page.locator('#file').setInputFiles(input);
    await toColumns(b.page);
    assert.match(plain(await b.page.textContent('#plan li[data-column="date_sortie"]')), /^date_sortie → dates shifted per patient \(length of stay kept\)/);

    await step(b.page, 'protection');
    await b.page.selectOption('#recoding', 'global');
    assert.match(plain(await b.page.textContent('#plan li[data-column="date_naissance"]')), /\(at one level for every row\); high priority/);
    await step(b.page, 'columns');
    const [download] = await Promise.all([b.page.waitForEvent('download'), b.page.click('#policy-save')]);
    const file = path.join(dir, 'global.json');
    await download.saveAs(file);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    assert.ok(!('recoding' in saved.anonymise), 'global recoding is the engine\'s default: not written');

    // Changing a column's action drops the default's reason from its plan.
    const nom = '#policy select[data-control="action"][data-column="nom"]';
    const pseudo = await b.page.$eval(nom, (s) => [...s.options].find((o) => o.textContent === 'pseudonymise (text)').value);
    await b.page.selectOption(nom, pseudo);
    assert.equal(await b.page.getAttribute('#plan li[data-column="nom"]', 'data-why'), null);

    await step(b.page, 'protection');
    await b.page.selectOption('#recoding', 'local');
    await step(b.page, 'columns');
    await b.page.locator('#policy-file').setInputFiles(file);
    await b.page.waitForFunction(() => /loaded/.test(document.getElementById('setup').textContent));
    assert.equal(await b.page.inputValue('#recoding'), 'global', 'restored from the saved section');
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('the defaults follow what inspect found: a patient id links when there is no NIR, no link keeps the suggestions; hierarchies fit the values', () => {
  // Suggestions as inspect gives them: the concept, and whether the values bear it out.
  const q = (concept, action = 'keep', values_agree = true) => ({ role: 'quasi_identifier', action, confidence: 0.99, reason: '', concept, values_agree });
  const column = (name, suggestion) => ({ name, distinct: 10, empty: 0, suggestion });
  const ipp = column('ipp', { role: 'direct_identifier', action: { action: 'pseudonymise', kind: 'raw' }, confidence: 0.9, reason: '', concept: 'patient_id', values_agree: true });
  const nom = column('nom', { role: 'direct_identifier', action: { action: 'pseudonymise', kind: 'text' }, confidence: 0.99, reason: '', concept: 'surname', values_agree: true });
  const entree = column('date_admission', q('admission_date', { action: 'generalise', to: 'month' }));
  const age = column('age', q('age'));
  const dep = column('dep', q('departement'));
  const badDate = column('date_naissance', q('birth_date', { action: 'generalise', to: 'year' }, false));
  const commune = column('commune', q('commune'));

  const linked = Object.fromEntries(columnsFromSuggestions({ columns: [ipp, nom, entree, age, dep, commune] }).map((c) => [c.name, c]));
  assert.deepEqual(linked.date_admission.entry, { action: 'date_shift', subject: 'ipp', max_days: 180 });
  assert.deepEqual(linked.nom.entry, { action: 'drop' });
  assert.deepEqual(linked.commune.entry, { action: 'keep' }, 'no code postal: the commune stays a quasi-identifier');
  assert.equal(linked.commune.role, 'quasi_identifier');
  assert.deepEqual(hierarchiesFor(linked.age), ['flat', 'age_bands', 'intervals']);
  assert.deepEqual(hierarchiesFor(linked.dep), ['flat', 'departement', 'mask']);
  const [bad] = columnsFromSuggestions({ columns: [badDate] });
  assert.equal(bad.hierarchy, 'flat', 'values that are mostly not dates get no date hierarchy (it would fail on them)');
  assert.deepEqual(hierarchiesFor(bad), ['flat', 'mask']);
  assert.deepEqual(hierarchiesFor({ hierarchy: 'mask', suggestion: age.suggestion }), ['flat', 'age_bands', 'intervals', 'mask'], 'a loaded hierarchy stays offered');

  const alone = Object.fromEntries(columnsFromSuggestions({ columns: [nom, entree] }).map((c) => [c.name, c]));
  assert.deepEqual(alone.nom.entry, { action: 'pseudonymise', kind: 'text' }, 'no linkage column: the suggestion');
  assert.equal(alone.date_admission.role, 'quasi_identifier');
  assert.equal(alone.date_admission.hierarchy, 'dates');
  assert.equal(alone.nom.why, undefined);
});
