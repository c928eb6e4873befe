// The population table in the page: a file of the population (one row per
// person, the quasi-identifiers' columns) chosen in the protection step is
// read locally and sent to the worker with the run; k-map is then counted in
// it (every group of the cleaned file matches at least K people of the table,
// counted here from the CSVs), δ-presence can be asked, local recoding is
// shown unavailable with the engine's reason, the results and both reports
// give the table's name, rows, the k-map counted and the δ range, errors
// (a missing column, a file row not in the population) are said in words
// naming columns and rows, and no request leaves the page's origin.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { translator } from '../../www/i18n.js';
import { anonymiseConfigOf, hasRiskTarget, loadPolicy, problemsOf, savedPolicyOf } from '../../www/policy.js';
import { populationWords } from '../../www/view.js';
import { download, launch, openFile, plain, runClean, screenshot, serveApp, step } from './harness.mjs';

const PEOPLE = 200;
const SAMPLE = 40;
const K = 10;

let server;
let dir;
/** The population: [{id, sexe, age}], and the sample's people (indices into it). */
let population;
let sample;
const files = {};

/** A small deterministic generator (the fixtures are the same on every run). */
function lcg(seed) {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

const csv = (header, rows) => `${[header, ...rows].map((r) => r.join(',')).join('\n')}\n`;

before(async () => {
  server = await serveApp();
  dir = mkdtempSync(path.join(tmpdir(), 'masque-ptable-'));
  const random = lcg(2024);
  population = Array.from({ length: PEOPLE }, (_, i) => ({ id: `p${i + 1}`, sexe: random() < 0.5 ? 'M' : 'F', age: 20 + Math.floor(random() * 50) }));
  // The file: SAMPLE distinct people of the population, with a diagnosis.
  const order = population.map((_, i) => i).sort((a, b) => random() - 0.5 || a - b);
  sample = order.slice(0, SAMPLE);
  files.sample = path.join(dir, 'sejours.csv');
  writeFileSync(files.sample, csv(['sexe', 'age', 'diagnostic'], sample.map((i, j) => [population[i].sexe, population[i].age, `D${j % 7}`])));
  files.population = path.join(dir, 'registre.csv');
  writeFileSync(files.population, csv(['id', 'sexe', 'age', 'commune'], population.map((p, i) => [p.id, p.sexe, p.age, `C${i % 13}`])));
  // Errors: a table without the age column; a table lacking the people of one combination of the file.
  files.noAge = path.join(dir, 'registre-sans-age.csv');
  writeFileSync(files.noAge, csv(['id', 'sexe', 'commune'], population.map((p) => [p.id, p.sexe, 'C0'])));
  const gone = population[sample[5]];
  files.partial = path.join(dir, 'registre-partiel.csv');
  writeFileSync(files.partial, csv(['id', 'sexe', 'age'], population.filter((p) => p.sexe !== gone.sexe || p.age !== gone.age).map((p) => [p.id, p.sexe, p.age])));
  // The first row of the file with that combination (1-based): the one the engine names.
  files.partialRow = sample.findIndex((i) => population[i].sexe === gone.sexe && population[i].age === gone.age) + 1;
});
after(() => {
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Whether an output label (age band `30-34`, `90+`, `*` or the value itself) covers `value`. */
function covers(label, value) {
  if (label === '*') return true;
  const band = /^(\d+)-(\d+)$/.exec(label);
  if (band) return Number(band[1]) <= Number(value) && Number(value) <= Number(band[2]);
  const open = /^(\d+)\+$/.exec(label);
  if (open) return Number(value) >= Number(open[1]);
  return label === String(value);
}

/** Per group of the cleaned file (its sexe and age labels), the people of the population table it matches, counted here. */
function matches(output) {
  const [header, ...lines] = output.trim().split(/\r?\n/).map((l) => l.split(','));
  const s = header.indexOf('sexe');
  const a = header.indexOf('age');
  assert.ok(s >= 0 && a >= 0, `the output's header: ${header}`);
  const groups = new Map();
  for (const line of lines) {
    const key = `${line[s]}|${line[a]}`;
    if (!groups.has(key)) groups.set(key, { sexe: line[s], age: line[a], rows: 0 });
    groups.get(key).rows += 1;
  }
  return [...groups.values()].map((g) => ({ ...g, people: population.filter((p) => covers(g.sexe, p.sexe) && covers(g.age, p.age)).length }));
}

/** Opens the file, goes to the protection step and asks k = 2. */
async function open(page) {
  await openFile(page, server.url, files.sample);
  await step(page, 'protection');
  await page.fill('#k', '2');
  await page.dispatchEvent('#k', 'change');
}

/** Chooses a population table and waits until the page says it is chosen. */
async function chooseTable(page, file) {
  await page.locator('#ptable-file').setInputFiles(file);
  await page.waitForFunction((name) => document.getElementById('ptable-status').textContent.includes(name), path.basename(file));
}

/** Types `value` in `selector` and tells the page (a change event). */
async function type(page, selector, value) {
  await page.fill(selector, value);
  await page.dispatchEvent(selector, 'change');
}

/** Runs and waits until the run fails; returns the error shown, as plain text. */
async function runFailing(page) {
  await step(page, 'key');
  if (await page.isDisabled('#key-export')) {
    await page.click('#key-generate');
    await page.waitForFunction(() => !document.getElementById('key-export').disabled);
  }
  await page.click('#run');
  await page.waitForFunction(() => document.getElementById('run-error').textContent.trim() !== '', null, { timeout: 120_000 });
  return plain(await page.textContent('#run-error'));
}

test('the population table in the anonymise config: k-map counted in it and δ-presence written, checked, restored; they make the recoding global', () => {
  const columns = [
    { name: 'sexe', role: 'quasi_identifier', entry: { action: 'keep' }, hierarchy: 'flat' },
    { name: 'age', role: 'quasi_identifier', entry: { action: 'keep' }, hierarchy: 'age_bands' },
  ];
  const base = { k: 2, suppression: 4, suppressedRows: 'remove', l: null, t: null, recoding: 'local' };
  // k-map counted in the table: no estimator, no population size needed; the table named; global recoding.
  let config = anonymiseConfigOf(columns, { ...base, kmap: K, kmapEstimator: 'table', populationTable: 'registre.csv' });
  assert.deepEqual([config.k_map, config.population_table, config.recoding, config.delta_presence], [{ k: K, table: true }, 'registre.csv', undefined, undefined]);
  assert.equal(hasRiskTarget({ ...base, kmap: K, kmapEstimator: 'table' }), true);
  assert.equal(hasRiskTarget({ ...base, kmap: K, kmapEstimator: 'poisson' }), false, 'k-map estimated is not one');
  // δ-presence in percent becomes shares; one bound given, the other is its end of [0, 1].
  config = anonymiseConfigOf(columns, { ...base, deltaMax: 50, populationTable: 'registre.csv' });
  assert.deepEqual([config.delta_presence, config.population_table, config.k_map], [{ min: 0, max: 0.5 }, 'registre.csv', undefined]);
  // A table chosen but no criterion using it: not named (the engine refuses a table unused).
  config = anonymiseConfigOf(columns, { ...base, populationTable: 'registre.csv' });
  assert.equal(Object.hasOwn(config, 'population_table'), false);
  assert.equal(config.recoding, 'local');
  // Saved and restored (the table's name; its bytes are chosen again).
  const saved = savedPolicyOf(columns, { ...base, kmap: K, kmapEstimator: 'table', deltaMin: 1, deltaMax: 60, populationTable: 'registre.csv' });
  const back = loadPolicy(columns, JSON.parse(JSON.stringify(saved))).privacy;
  assert.deepEqual([back.kmap, back.kmapEstimator, back.populationTable, back.deltaMin, back.deltaMax, back.recoding], [K, 'table', 'registre.csv', 1, 60, 'global']);
  // Checked before a run.
  const codes = (p) => problemsOf(columns, { ...base, ...p }, null, SAMPLE).map((x) => x.code);
  assert.deepEqual(codes({ kmap: K, kmapEstimator: 'table', populationTable: 'registre.csv' }), [], 'no population size needed');
  assert.deepEqual(codes({ kmap: K, kmapEstimator: 'table', populationTable: null }), ['population_table']);
  assert.deepEqual(codes({ deltaMin: 60, deltaMax: 50, populationTable: 'r.csv' }), ['delta_order']);
  assert.deepEqual(codes({ deltaMax: 150, populationTable: 'r.csv' }), ['delta']);
});

test('the engine\'s population-table errors in words, from its data (names and row numbers, never a value)', () => {
  const en = translator('en');
  const fr = translator('fr');
  // The fields src/wasm/mod.rs `search_error` sets.
  const notInHierarchy = { code: 'population_not_in_hierarchy', column: 'age', row: 1234 };
  assert.equal(populationWords(en, 'en', notInHierarchy), 'Row 1,234 of the population table: its value of “age” is not in that column’s hierarchy.');
  assert.equal(populationWords(fr, 'fr', notInHierarchy).replace(/[\u00a0\u202f]/g, ' '),
    'Ligne 1 234 de la table de population : sa valeur de « age » n’est pas dans la hiérarchie de cette colonne.');
  assert.equal(populationWords(en, 'en', { code: 'population_unknown_column', column: 'sexe' }),
    'The population table has no column “sexe”: it needs one column per quasi-identifier, named as in the cleaned file.');
  assert.match(populationWords(en, 'en', { code: 'not_in_population', row: 7 }), /^Row 7 of the file:/);
  assert.equal(populationWords(en, 'en', { code: 'no_solution' }), null, 'other errors are said as before');
});

test('k-map counted in a population table: every group of the downloaded file matches at least K people of the table; results, reports, no request leaves the origin', async () => {
  const b = await launch({ locale: 'en-GB' });
  try {
    const { page } = b;
    await open(page);
    assert.equal(plain(await page.textContent('label[for="ptable-file"]')), 'Do you have a file of the population, e.g. a register, with the same quasi-identifier columns?');
    assert.equal(await page.isDisabled('#target-kmap-table'), true, 'no table: k-map is estimated');
    await chooseTable(page, files.population);
    assert.equal(await page.inputValue('#target-kmap-estimator'), 'table', 'a table chosen: k-map counted in it');
    assert.equal(await page.isHidden('#ptable-criteria'), false, 'δ-presence offered');
    await type(page, '#target-kmap', String(K));
    // The default compares both recodings: local is said to be unavailable.
    assert.match(plain(await page.textContent('#target-recoding')), /population table needs global recoding: local recoding will be shown unavailable/);
    await screenshot(page, 'ptable-1-protection-en');
    await runClean(page, { newKey: true });
    await screenshot(page, 'ptable-2-results-en');

    // Local recoding refused by the engine: said in words, in the comparison.
    assert.match(plain(await page.textContent('#compare [data-unavailable="local"]')), /the population table \(k-map counted in the table, δ-presence\) applies to global recoding only/);
    assert.equal(await page.getAttribute('#compare', 'data-chosen'), 'global');

    // The figures shown.
    const shown = Object.fromEntries(await page.$$eval('#ptable-figures tbody tr', (trs) => trs.map((tr) => [tr.dataset.measure,
      { asked: tr.querySelectorAll('td')[0].textContent, text: tr.querySelectorAll('td')[1].textContent, value: tr.querySelectorAll('td')[1].dataset.value }])));
    assert.deepEqual(Object.keys(shown), ['name', 'rows', 'k_map', 'delta_min', 'delta_max']);
    assert.equal(shown.name.text, 'registre.csv');
    assert.equal(shown.rows.value, String(PEOPLE));
    assert.equal(plain(shown.k_map.asked), `≥ ${K}`);

    // Counted here: every group of the downloaded file matches at least K people of the table, the fewest as shown.
    const output = readFileSync(await download(page, '#download-output', path.join(dir, 'out.csv')), 'utf8');
    const groups = matches(output);
    assert.ok(groups.length >= 2, `groups: ${JSON.stringify(groups)}`);
    const fewest = Math.min(...groups.map((g) => g.people));
    assert.ok(fewest >= K, `every group matches at least ${K} people: ${JSON.stringify(groups)}`);
    assert.equal(Number(shown.k_map.value), fewest, 'the k-map shown is the one counted');
    // δ: a group's rows over the people it matches.
    const deltas = groups.map((g) => g.rows / g.people);
    assert.ok(Math.abs(Number(shown.delta_min.value) - Math.min(...deltas)) < 1e-12);
    assert.ok(Math.abs(Number(shown.delta_max.value) - Math.max(...deltas)) < 1e-12);

    // The reports: the table's name, rows, the k-map counted, the δ range.
    const report = JSON.parse(readFileSync(await download(page, '#download-report-json', path.join(dir, 'report.json')), 'utf8'));
    assert.deepEqual(report.population_table, {
      name: 'registre.csv', rows: PEOPLE, k_map_asked: K, delta_asked: null, k_map: fewest,
      delta_min: report.anonymise_result.population_table.delta_min, delta_max: report.anonymise_result.population_table.delta_max, monotone: true,
    });
    assert.deepEqual(report.anonymise.k_map, { k: K, table: true });
    assert.equal(report.anonymise.population_table, 'registre.csv');
    const html = plain(readFileSync(await download(page, '#download-report-html', path.join(dir, 'report.html')), 'utf8').replace(/[\u00a0\u202f]/g, ' '));
    assert.match(html, /<h2>Population table<\/h2>/);
    assert.match(html, new RegExp(`k-map: every group matches at least ${K} people of the population table “registre.csv” \\(counted in the table\\)`));
    assert.match(html, new RegExp(`<th scope="row">k-map counted in the table \\(the fewest people of the table for a group\\)</th><td>≥ ${K}</td><td class="num">${fewest}</td>`));
    assert.match(html, /<th scope="row">People \(rows\) in the table<\/th><td><\/td><td class="num">200<\/td>/);

    // Nothing left the page's origin: every request a GET of the app's own files, none with a body, none of the table.
    for (const r of b.requests) {
      assert.equal(new URL(r.url).origin, server.origin, `${r.url} is on the page's origin`);
      assert.equal(r.method, 'GET', `${r.url} is a GET`);
    }
    assert.ok(server.requests.every((r) => r.method === 'GET' && r.body.length === 0), 'no request carried a body');
    assert.ok(!b.requests.some((r) => /registre|sejours/.test(r.url)), 'neither file was requested');
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('errors are said in words naming the column or the row: a table without a quasi-identifier, a file row not in the table (δ-presence)', async () => {
  const b = await launch({ locale: 'fr-FR' });
  try {
    const { page } = b;
    await open(page);
    // A table without the age column.
    await type(page, '#target-kmap', String(K));
    await chooseTable(page, files.noAge);
    assert.match(plain(await page.textContent('#target-recoding')), /table de population demande le recodage global/);
    let error = await runFailing(page);
    assert.match(error, /La table de population n’a pas de colonne « age » : il lui faut une colonne par quasi-identifiant/);
    await screenshot(page, 'ptable-3-missing-column-fr');

    // δ-presence with a table lacking some people of the file: the file's row named, never its values.
    await step(page, 'protection');
    await chooseTable(page, files.partial);
    await type(page, '#target-kmap', '');
    await type(page, '#delta-max', '50');
    error = await runFailing(page);
    assert.match(error, new RegExp(`Ligne ${files.partialRow} du fichier : ses quasi-identifiants ont plus de lignes dans le fichier que de personnes dans la table de population`));

    // An empty table: the reading error, said as the table's.
    await step(page, 'protection');
    const empty = path.join(dir, 'vide.csv');
    writeFileSync(empty, '');
    await chooseTable(page, empty);
    error = await runFailing(page);
    assert.match(error, /Le fichier n’a pas pu être nettoyé\.Dans la table de population : Le fichier est vide\./);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});
