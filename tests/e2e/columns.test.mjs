// The column table on a generated export (1,500 rows, French, Windows-1252):
// - a role changed refreshes its row at once (a quasi-identifier gets its
//   hierarchy and "keep at least" choices, a demoted column loses them), with
//   no language switch;
// - "keep at least" (the quasi-identifier's `max_level`) and the priority (its
//   `weight`) are said in the plan before the run, saved in the policy and
//   restored from it, honoured by the run (the levels after, in words, are
//   never coarser);
// - bounds that cannot reach k: the run fails and says so in French, naming
//   the blocking column from the error's data;
// - the page says its own messages in French (a missing key: that the key is
//   missing, no "Détail (en anglais)", no "choose another file"), actions in
//   words (no `kind:` or `to:`), the search's progress without `{checked}`;
// - after "Nettoyer", the focus is on the results' heading; a skip link passes
//   the column table's controls.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { generateCohort, launch, plain, screenshot, serveApp, step, toColumns, waitForEngine } from './harness.mjs';

let server;
let dir;
let input;
before(async () => {
  server = await serveApp();
  dir = mkdtempSync(path.join(tmpdir(), 'masque-columns-'));
  input = path.join(dir, 'export.csv');
  generateCohort(input, { rows: 1500, seed: 913 });
});
after(() => {
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const control = (column, name) => `#policy select[data-control="${name}"][data-column="${column}"]`;
const planText = async (page, column) => plain(await page.textContent(`#plan li[data-column="${column}"]`));

/** Opens the export in a fresh page; returns the browser. */
async function opened(locale = 'fr-FR') {
  const b = await launch({ locale });
  await b.page.goto(server.url);
  await waitForEngine(b.page);
  await b.page.locator('#file').setInputFiles(input);
  await toColumns(b.page);
  return b;
}

test('a changed role refreshes its row at once: a quasi-identifier gets its hierarchy and bound, a demoted column loses them', async () => {
  const b = await opened();
  try {
    const { page } = b;
    assert.equal(await page.$(control('poids_kg', 'hierarchy')), null, 'poids_kg is not a quasi-identifier yet');
    await page.selectOption(control('poids_kg', 'role'), 'quasi_identifier');
    // No language switch: the same render shows the new choices.
    assert.deepEqual(await page.$$eval(`${control('poids_kg', 'hierarchy')} option`, (o) => o.map((x) => x.value)), ['flat', 'intervals']);
    assert.equal(await page.inputValue(control('poids_kg', 'hierarchy')), 'intervals', 'a measurement promoted gets intervals');
    assert.deepEqual((await page.$$eval(`${control('poids_kg', 'bound')} option`, (o) => o.map((x) => x.textContent))).map(plain),
      ['sans limite (k décide)', 'la valeur exacte', 'des intervalles de 5', 'des intervalles de 10', 'des intervalles de 20']);
    assert.match(await planText(page, 'poids_kg'), /^poids_kg → valeur exacte, ou en intervalles de 5, 10, 20/);
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.column), 'poids_kg', 'the focus stays on the row');

    await page.selectOption(control('date_naissance', 'bound'), '2');
    await page.selectOption(control('date_naissance', 'role'), 'sensitive');
    assert.equal(await page.$(control('date_naissance', 'hierarchy')), null, 'a demoted column loses its hierarchy');
    assert.equal(await page.$(control('date_naissance', 'bound')), null, 'and its bound');
    assert.equal(await page.$$eval('#policy tr[data-column="date_naissance"] td > span.muted:not([data-field])', (n) => n.length), 3, 'no hierarchy, bound or priority');
    assert.match(await planText(page, 'date_naissance'), /^date_naissance → âge en années à la date de date_entree \(colonne « age »\)$/);
    // Back to a quasi-identifier: the age's hierarchy, no bound left over.
    await page.selectOption(control('date_naissance', 'role'), 'quasi_identifier');
    assert.equal(await page.inputValue(control('date_naissance', 'hierarchy')), 'age_bands');
    assert.equal(await page.inputValue(control('date_naissance', 'bound')), '');
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('"keep at least" is said before the run, saved and restored, and the run never goes coarser', async () => {
  const b = await opened();
  try {
    const { page } = b;
    await page.selectOption(control('date_naissance', 'bound'), '2');
    assert.equal(await page.inputValue(control('date_naissance', 'priority')), 'high', 'the age: a high priority by default');
    await page.selectOption(control('date_naissance', 'priority'), 'normal');
    assert.doesNotMatch(await planText(page, 'date_naissance'), /priorité/);
    await page.selectOption(control('date_naissance', 'priority'), 'high');
    await page.selectOption(control('finess', 'priority'), 'low');
    assert.match(await planText(page, 'date_naissance'), /^date_naissance → âge en années à la date de date_entree \(colonne « age »\), exact ou en tranches de 5, 10, 20 ans .*\(ligne par ligne ou au même niveau pour toutes les lignes : les deux comparés après l’exécution\) ; garder au moins : des tranches de 10 ans ; priorité haute \(généralisée après les autres\)$/);
    assert.match(await planText(page, 'finess'), /\(ligne par ligne ou au même niveau pour toutes les lignes : les deux comparés après l’exécution\) ; priorité basse/);

    // The output's encoding is saved with the policy too.
    await step(page, 'key');
    await page.selectOption('#output-encoding', 'utf8');
    await step(page, 'columns');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#policy-save')]);
    const file = path.join(dir, 'bounds.json');
    await download.saveAs(file);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    assert.deepEqual(saved.anonymise.quasi_identifiers.age, { builder: { age_bands: {} }, max_level: 2, weight: 4 });
    assert.deepEqual(saved.anonymise.quasi_identifiers.finess, { weight: 0.25 });
    assert.deepEqual(saved.output, { utf8: true });

    // Restored from the file after the suggestions are put back.
    await step(page, 'key');
    await page.selectOption('#output-encoding', 'same');
    await step(page, 'columns');
    await page.click('#accept');
    assert.equal(await page.inputValue(control('date_naissance', 'bound')), '');
    await page.locator('#policy-file').setInputFiles(file);
    await page.waitForFunction(() => /chargée/.test(document.getElementById('setup-status').textContent));
    assert.equal(await page.inputValue(control('date_naissance', 'bound')), '2');
    assert.equal(await page.inputValue(control('date_naissance', 'priority')), 'high');
    assert.equal(await page.inputValue(control('finess', 'priority')), 'low');
    assert.equal(await page.inputValue('#output-encoding'), 'utf8', 'the output encoding restored');

    // The run's progress never shows a raw placeholder.
    await page.evaluate(() => {
      const seen = [];
      window.__statuses = seen;
      new MutationObserver(() => seen.push(document.getElementById('run-status').textContent))
        .observe(document.getElementById('run-status'), { childList: true, characterData: true, subtree: true });
    });
    await step(page, 'key');
    await page.click('#key-generate');
    await page.waitForFunction(() => /Empreinte/.test(document.getElementById('key-status').textContent));
    await page.click('#run');
    await page.waitForSelector('#download-output[data-ready="true"]', { timeout: 120_000 });
    const statuses = await page.evaluate(() => window.__statuses);
    assert.ok(statuses.length > 0);
    for (const s of statuses) assert.doesNotMatch(s, /[{}]/, `a status with a placeholder: ${s}`);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'outcome-title', 'the focus moves to the results');

    const levels = Object.fromEntries(await page.$$eval('#levels-table tbody tr', (trs) => trs.map((tr) => [tr.cells[0].textContent, tr.cells[2].textContent])));
    assert.match(plain(levels.age), /^(valeurs exactes conservées|au plus : âges en tranches de (5|10) ans)$/, `age: ${levels.age}`);
    assert.match(plain(await page.textContent('#risk-table')), /Groupes de lignes identiques sur les quasi-identifiants/);
    await screenshot(page, 'columns-1-bounds-fr');
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('bounds that cannot reach k: the run fails and the page says which column blocks and what to relax, in French', async () => {
  const b = await opened();
  try {
    const { page } = b;
    for (const column of ['date_naissance', 'code_postal', 'sexe', 'finess']) await page.selectOption(control(column, 'bound'), '0');
    assert.match(await planText(page, 'date_naissance'), /garder au moins : la valeur exacte ; priorité haute/);
    await step(page, 'key');
    await page.click('#key-generate');
    await page.waitForFunction(() => /Empreinte/.test(document.getElementById('key-status').textContent));
    await page.click('#run');
    await page.waitForFunction(() => document.getElementById('run-error').textContent.trim() !== '', null, { timeout: 120_000 });
    const error = plain(await page.textContent('#run-error'));
    assert.match(error, /^Le fichier n’a pas pu être nettoyé\./);
    // The engine's error carries its data: the page words it, in French, naming a blocking column.
    assert.match(error, /garder au moins » (de la colonne|des colonnes) (date_naissance|age|code_postal|sexe|finess)/);
    assert.match(error, /il en faut \d+/);
    assert.doesNotMatch(error, /anglais|local recoding|max_level/);
    assert.equal(await page.isHidden('#outcome'), true);

    // The wording of the engine's `max_level_blocks` data (the columns named by the engine, never parsed from its English text).
    const words = await page.evaluate(async () => {
      const { renderError } = await import('./view.js');
      const { translator } = await import('./i18n.js');
      const div = document.createElement('div');
      renderError(div, { code: 'clean', message: 'local recoding: …', detail: { code: 'max_level_blocks', columns: [['date_naissance', 0], ['code_postal', 0]], rows: 3, needed: 11, sensitive: false } }, translator('fr'), 'fr');
      const one = document.createElement('div');
      renderError(one, { code: 'clean', message: '…', detail: { code: 'max_level_blocks', columns: ['sexe'], rows: 40, needed: 44, sensitive: true } }, translator('en'), 'en');
      return [div.textContent, one.textContent];
    });
    assert.equal(plain(words[0]), 'Le fichier n’a pas pu être nettoyé.'
      + 'Les limites « garder au moins » des colonnes date_naissance et code_postal empêchent d’atteindre la protection demandée : '
      + 'le plus petit groupe de lignes qu’elles laissent a 3 lignes, il en faut 11. '
      + 'Relâchez « garder au moins » pour date_naissance et code_postal (un niveau plus général, ou sans limite), ou baissez k.');
    assert.doesNotMatch(words[0], /anglais|local recoding/);
    assert.match(plain(words[1]), /The “keep at least” bound of column sexe stops .* a group of 40 rows they leave fails the l-diversity or t-closeness asked for\. Relax “keep at least” for sexe/);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('the page says its own messages in French: a missing key, actions in words; a skip link passes the column table', async () => {
  const b = await opened();
  try {
    const { page } = b;
    // Actions in words, in the suggestions and the choices; the reasons in French, from each suggestion's concept.
    const actions = [
      ...await page.$$eval('#policy [data-field="suggested"]', (spans) => spans.map((s) => s.textContent)),
      ...await page.$$eval('#policy select[data-control="action"] option', (os) => os.map((o) => o.textContent)),
    ];
    for (const a of actions) assert.doesNotMatch(a, /\b(kind|to|action|at):/, `an action with a raw key: ${a}`);
    // The suggestion is said where the page's default differs from it (the code postal is kept for the search to generalise).
    assert.match(plain(await page.textContent('#policy tr[data-column="code_postal"] [data-field="suggested"]')), /^suggéré : quasi-identifiant · généraliser \(au département\) \(\d+ %\)$/);
    assert.equal(await page.$('#policy tr[data-column="nir"] [data-field="suggested"]'), null, 'the same as the settings: not said twice');
    assert.ok(actions.includes('remplacer par l’âge (à la date de date_entree)'), actions.join(' | '));
    const reasons = Object.fromEntries(await page.$$eval('#policy tr[data-column]', (trs) => trs.map((tr) => [tr.dataset.column, tr.querySelector('[data-field="reason"]').textContent])));
    assert.equal(reasons.date_naissance, 'la colonne contient une date de naissance');
    assert.equal(reasons.code_postal, 'la colonne contient un code postal');
    assert.equal(reasons.mode_entree, 'aucun identifiant trouvé dans l’en-tête ni dans les valeurs');
    for (const r of Object.values(reasons)) assert.doesNotMatch(r, /header|values|reads as/, `a reason in English: ${r}`);
    // The file step shows the columns without the suggestions: they are shown once, here.
    assert.equal(await page.$$eval('#result table.columns [data-field="reason"]', (n) => n.length), 0);

    // No key: the page says the key is missing, in French, with nothing about another file.
    await step(page, 'key');
    await page.click('#run');
    await page.waitForFunction(() => document.getElementById('run-error').textContent.trim() !== '');
    const error = plain(await page.textContent('#run-error'));
    assert.match(error, /La clé de pseudonymisation manque/);
    assert.doesNotMatch(error, /anglais|autre fichier/);

    // The skip link is the first stop before the table's controls, and passes them.
    await step(page, 'columns');
    await page.focus('#accept');
    const stops = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      stops.push(await page.evaluate(() => document.activeElement?.id || document.activeElement?.getAttribute('for') || document.activeElement?.tagName));
    }
    assert.ok(stops.includes('skip-policy'), `tab stops: ${stops}`);
    await page.focus('#skip-policy');
    assert.match(plain(await page.textContent('#skip-policy')), /^Passer le tableau des colonnes/);
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'next-protection', 'past the table, on the next step\'s button');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'privacy-title', 'the protection step, its heading focused');
    assert.equal(await page.isVisible('#k'), true);
    assert.equal(await page.isHidden('#policy'), true, 'one step at a time');
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('the English page says postcode, never "code postal" or "codes postaux", in the column table and the plan', async () => {
  const b = await opened('en-US');
  try {
    const { page } = b;
    const text = plain(await page.textContent('#policy-table')) + plain(await page.textContent('#plan'));
    assert.doesNotMatch(text, /codes? postal|codes postaux/i);
    assert.match(text, /postcode → département → région/);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});
