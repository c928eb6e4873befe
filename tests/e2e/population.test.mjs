// The population a file is a sample of (issue 14), in the page: "a sample of
// the population of France" gives the engine's population uniqueness
// estimates (Pitman, Zayatz, SNB, Dankar's with the model it chose), journalist
// and marketer risk, before and after; the figures shown are those `masque
// analyse --population 69100000` gives on the downloaded file; the JSON and
// HTML reports record the population, its source, the models' figures and the
// targets; a population uniqueness target is honoured (the search runs with
// global recoding, said on the page) and saved and restored with the policy;
// a typed population smaller than the file is refused before the run.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { anonymiseConfigOf, loadPolicy, problemsOf, savedPolicyOf } from '../../www/policy.js';
import { download, generateCohort, launch, masque, openFile, plain, runClean, screenshot, serveApp, step } from './harness.mjs';

const ROWS = 3_000;
const FRANCE = 69_100_000;

let server;
let dir;
let input;
before(async () => {
  server = await serveApp();
  dir = mkdtempSync(path.join(tmpdir(), 'masque-population-'));
  input = path.join(dir, 'extraction.csv');
  generateCohort(input, { rows: ROWS, seed: 1414 });
});
after(() => {
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Opens the input and waits until the protection step can be shown. */
const open = (page) => openFile(page, server.url, input);

/** Generates a key and runs; waits for the downloads. */
const run = (page) => runClean(page, { newKey: true });

/** Downloads through `selector` into the test's directory. */
const save = (page, selector, name) => download(page, selector, path.join(dir, name));

/** The population table shown: by measure, {before, after} as {text, value, model}. */
async function populationTable(page) {
  const rows = await page.$$eval('#population-table tbody tr', (trs) => trs.map((tr) => [tr.dataset.measure,
    [...tr.querySelectorAll('td')].map((td) => ({ text: td.textContent, value: td.dataset.value, model: td.dataset.model ?? null }))]));
  return Object.fromEntries(rows.map(([measure, [b, a]]) => [measure, {
    before: { ...b, text: plain(b.text), value: b.value === 'null' ? null : Number(b.value) },
    after: { ...a, text: plain(a.text), value: a.value === 'null' ? null : Number(a.value) },
  }]));
}

/** The first value under `key` in a JSON object, at any depth. */
function find(value, key) {
  if (!value || typeof value !== 'object') return undefined;
  if (Object.hasOwn(value, key)) return value[key];
  for (const v of Object.values(value)) {
    const found = find(v, key);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The engine's figures for one measure of a population risk object. */
const FIELDS = {
  size: (p) => p.size,
  sampling_fraction: (p) => p.sampling_fraction,
  pitman: (p) => p.uniqueness.pitman,
  zayatz: (p) => p.uniqueness.zayatz,
  snb: (p) => p.uniqueness.snb,
  dankar: (p) => p.uniqueness.dankar,
  journalist_highest: (p) => p.journalist.highest,
  journalist_average: (p) => p.journalist.average,
  journalist_at_risk: (p) => p.journalist.records_at_risk['0.2'],
  marketer: (p) => p.marketer,
};

test('the population and the risk targets in the anonymise config: written, checked, restored; a target makes the recoding global', () => {
  const columns = [
    { name: 'sexe', role: 'quasi_identifier', entry: { action: 'keep' }, hierarchy: 'flat' },
    { name: 'code_postal', role: 'quasi_identifier', entry: { action: 'keep' }, hierarchy: 'code_postal' },
  ];
  const base = { k: 11, suppression: 4, suppressedRows: 'remove', l: null, t: null, recoding: 'local' };
  // A sample of a population typed, no target: local recoding stays.
  let config = anonymiseConfigOf(columns, { ...base, population: 250_000 });
  assert.equal(config.population, 250_000);
  assert.equal(config.recoding, 'local');
  assert.equal(config.population_uniqueness, undefined);
  // Targets in percent become shares; local recoding refuses them: global.
  config = anonymiseConfigOf(columns, { ...base, population: 'france', uniqueness: 0.01, average: 5 });
  assert.deepEqual([config.population, config.population_uniqueness, config.average_risk, config.recoding], ['france', { threshold: 0.0001, model: 'dankar' }, 0.05, undefined]);
  const saved = savedPolicyOf(columns, { ...base, population: 'france', uniqueness: 0.01, average: 5 });
  const back = loadPolicy(columns, JSON.parse(JSON.stringify(saved))).privacy;
  assert.deepEqual([back.population, back.uniqueness, back.average, back.recoding], ['france', 0.01, 5, 'global']);
  // k-map and sample uniqueness: written as the engine reads them, restored; k-map keeps local recoding, sample uniqueness does not.
  config = anonymiseConfigOf(columns, { ...base, population: 20_000, kmap: 5, kmapEstimator: 'zero_truncated_poisson', sampleUniqueness: 0.5 });
  assert.deepEqual([config.k_map, config.sample_uniqueness, config.recoding], [{ k: 5, estimator: 'zero_truncated_poisson', significance: 0.01 }, 0.005, undefined]);
  assert.equal(anonymiseConfigOf(columns, { ...base, population: 20_000, kmap: 5 }).recoding, 'local', 'k-map is not a risk target');
  assert.deepEqual(anonymiseConfigOf(columns, { ...base, population: 20_000, kmap: 5, kmapEstimator: 'other' }).k_map.estimator, 'poisson');
  const again = loadPolicy(columns, JSON.parse(JSON.stringify(savedPolicyOf(columns, { ...base, population: 20_000, kmap: 5, kmapEstimator: 'zero_truncated_poisson', sampleUniqueness: 0.5 })))).privacy;
  assert.deepEqual([again.population, again.kmap, again.kmapEstimator, again.sampleUniqueness], [20_000, 5, 'zero_truncated_poisson', 0.5]);
  // The whole population: nothing written.
  config = anonymiseConfigOf(columns, { ...base, population: null });
  assert.equal(Object.hasOwn(config, 'population'), false);
  // Checked before a run: a population of at least the file's rows, targets in (0, 100], a uniqueness target needs a population.
  const codes = (p) => problemsOf(columns, { ...base, ...p }, null, 3_000).map((x) => x.code);
  assert.deepEqual(codes({ population: 2_999 }), ['population']);
  assert.deepEqual(codes({ population: 3_000 }), []);
  assert.deepEqual(codes({ population: NaN }), ['population']);
  assert.deepEqual(codes({ population: 3_000.5 }), ['population']);
  assert.deepEqual(codes({ population: 'france', uniqueness: 0 }), ['uniqueness'], 'more than 0');
  assert.deepEqual(codes({ population: 'france', uniqueness: 100 }), []);
  assert.deepEqual(codes({ population: 'france', uniqueness: 101, average: -1 }), ['uniqueness', 'average']);
  assert.deepEqual(codes({ uniqueness: 1 }), ['uniqueness_population']);
  assert.deepEqual(codes({ average: 5 }), [], 'the average risk needs no population');
  assert.deepEqual(codes({ sampleUniqueness: 0 }), ['sample_uniqueness']);
  assert.deepEqual(codes({ sampleUniqueness: 1 }), [], 'sample uniqueness needs no population');
  assert.deepEqual(codes({ kmap: 5 }), ['kmap_population']);
  assert.deepEqual(codes({ kmap: 2.5, population: 'france' }), ['kmap']);
  assert.deepEqual(codes({ kmap: 5, population: 'france' }), []);
});

test('a sample of France: the page shows masque analyse\'s population figures for the downloaded file, and the report records them', async () => {
  const b = await launch({ locale: 'fr-FR' });
  try {
    const { page } = b;
    await open(page);
    await step(page, 'protection');
    assert.equal(plain(await page.textContent('#population legend')), 'De quoi ce fichier fait-il partie ?');
    assert.equal(await page.isChecked('#population-whole'), true, 'the whole population by default');
    await page.check('#population-france');
    await run(page);
    await screenshot(page, 'population-1-results-fr');

    const shown = await populationTable(page);
    assert.deepEqual(Object.keys(shown), ['size', 'sampling_fraction', 'pitman', 'zayatz', 'snb', 'dankar', 'journalist_highest', 'journalist_average', 'journalist_at_risk', 'marketer']);
    const cleaned = await save(page, '#download-output', 'out.csv');
    const report = JSON.parse(readFileSync(await save(page, '#download-report-json', 'report.json'), 'utf8'));
    const qis = Object.keys(report.privacy_model.quasi_identifiers);
    assert.ok(qis.length >= 3, `quasi-identifiers: ${qis}`);
    const cli = JSON.parse(masque('analyse', cleaned, '--qi', qis.join(','), '--population', String(FRANCE), '--json')).population;
    assert.equal(cli.size, FRANCE);

    // Every figure after is the command line's on the downloaded file, shown as such (four significant digits).
    const pct = new Intl.NumberFormat('fr', { style: 'percent', maximumSignificantDigits: 4 });
    for (const [measure, of] of Object.entries(FIELDS)) {
      const expected = of(cli);
      assert.equal(shown[measure].after.value, expected, `${measure} after`);
      const text = expected === null ? '—' : measure === 'size' ? new Intl.NumberFormat('fr').format(expected) : pct.format(expected);
      assert.equal(shown[measure].after.text.startsWith(plain(text)), true, `${measure} after shown as ${shown[measure].after.text}, not ${text}`);
      // The report's figures are the engine's, the page's the same.
      assert.equal(of(report.population_model.after), expected, `${measure} in the report`);
      assert.equal(shown[measure].before.value, of(report.population_model.before), `${measure} before`);
    }
    assert.equal(shown.dankar.after.model, cli.uniqueness.dankar_model ?? 'none', 'the model Dankar\'s rule chose');
    assert.deepEqual(report.population_model.after.uniqueness, cli.uniqueness);
    // Before, the file was read as a whole: its estimates are there, and the file had uniques to estimate.
    assert.ok(report.population_model.before.uniqueness.dankar > 0, 'population uniques before');
    assert.ok(['pitman', 'zayatz', 'snb'].includes(report.population_model.before.uniqueness.dankar_model));
    assert.match(shown.dankar.before.text, /\(modèle (de Pitman|de Zayatz|SNB)\)$/);

    // The report: the population, its source, no target.
    assert.equal(report.population_model.size, FRANCE);
    assert.equal(report.population_model.preset, 'france');
    assert.equal(report.population_model.year, 2026);
    assert.match(report.population_model.source, /INSEE.*1 January 2026/);
    assert.equal(report.anonymise.population, 'france');
    assert.equal(report.privacy_model.population_uniqueness, null);
    // No target: both recodings ran, and the report's is the one chosen.
    assert.equal(report.recoding_comparison.methods.local.available, true, 'no target: local recoding runs');
    assert.equal(report.privacy_model.recoding, report.recoding_comparison.chosen);
    const html = readFileSync(await save(page, '#download-report-html', 'report.html'), 'utf8');
    assert.match(html, /Population et risque dans la population/);
    assert.match(html.replace(/[\u00a0\u202f]/g, ' '), /N = 69 100 000 \(INSEE/);
    assert.match(html, /Unicité dans la population \(Zayatz\)/);
  } finally {
    await b.close();
  }
});

test('a population uniqueness target is honoured with global recoding, said in English, saved and restored with the policy', async () => {
  const b = await launch({ locale: 'en-GB' });
  try {
    const { page } = b;
    await open(page);
    await step(page, 'protection');
    assert.equal(plain(await page.textContent('#population legend')), 'What is this file a part of?');
    assert.match(plain(await page.textContent('label[for="population-france"]')), /^A sample of the population of France \(69,100,000/);

    // A population smaller than the file is refused before the run, in words.
    await page.check('#population-number');
    await page.fill('#population-size', '100');
    await step(page, 'key');
    await page.click('#key-generate');
    await page.waitForFunction(() => !document.getElementById('key-export').disabled);
    await page.click('#run');
    await page.waitForFunction(() => document.getElementById('run-error').textContent.trim() !== '');
    assert.match(plain(await page.textContent('#run-error')), /at least the file’s 3,000 rows/);

    // Population uniqueness at most 0.00001 % (1e-7), k = 1: the target alone.
    await step(page, 'protection');
    await page.check('#population-france');
    await page.fill('#k', '1');
    await page.fill('#target-uniqueness', '0.00001');
    await page.locator('#target-uniqueness').dispatchEvent('change');
    assert.equal(plain(await page.textContent('#target-recoding')), 'A risk target needs global recoding: local recoding will be shown unavailable in the comparison.');
    await run(page);
    await screenshot(page, 'population-2-target-en');

    const report = JSON.parse(readFileSync(await save(page, '#download-report-json', 'target.json'), 'utf8'));
    assert.deepEqual(report.privacy_model.population_uniqueness, { threshold: 1e-7, model: 'dankar' });
    assert.equal(report.privacy_model.recoding, 'global');
    assert.equal(report.anonymise.recoding, undefined, 'global: no recoding written');
    const target = 1e-7;
    assert.ok(report.population_model.before.uniqueness.dankar > target, `the target asks for something: ${report.population_model.before.uniqueness.dankar} before`);
    assert.ok(report.population_model.after.uniqueness.dankar <= target, `after: ${report.population_model.after.uniqueness.dankar} <= ${target}`);
    const shown = await populationTable(page);
    assert.equal(shown.dankar.after.value, report.population_model.after.uniqueness.dankar);
    assert.match(plain(await page.textContent('#population-table caption')), /^Risk in the population, before and after$/);
    const html = readFileSync(await save(page, '#download-report-html', 'target.html'), 'utf8');
    assert.match(html, /Target: estimated population uniqueness at most 0\.00001% \(Dankar et al.’s rule\)\./);

    // The policy carries the population and the target; loaded on a reset page, it restores them.
    const policyFile = await save(page, '#download-policy', 'policy.json');
    const policy = JSON.parse(readFileSync(policyFile, 'utf8'));
    assert.equal(policy.anonymise.population, 'france');
    assert.deepEqual(policy.anonymise.population_uniqueness, { threshold: 1e-7, model: 'dankar' });
    assert.equal(policy.anonymise.k, 1);
    // masque clean reads the same policy (its anonymise section) and meets the target.
    const key = path.join(dir, 'k.json');
    masque('keygen', '-o', key);
    const out = path.join(dir, 'cli.csv');
    const cliReport = path.join(dir, 'cli-report.json');
    masque('clean', input, '--policy', policyFile, '--key', key, '-o', out, '--report', cliReport);
    const cliAfter = find(JSON.parse(readFileSync(cliReport, 'utf8')), 'risk_after');
    assert.ok(cliAfter?.population, 'masque clean\'s report has the population risk after');
    assert.ok(cliAfter.population.uniqueness.dankar <= target, `masque clean meets the target: ${cliAfter.population.uniqueness.dankar}`);

    await step(page, 'columns');
    await page.click('#accept');
    await step(page, 'protection');
    assert.equal(await page.isChecked('#population-whole'), true, 'reset');
    assert.equal(await page.inputValue('#target-uniqueness'), '');
    await step(page, 'columns');
    await page.locator('#policy-file').setInputFiles(policyFile);
    await page.waitForFunction(() => /policy\.json/.test(document.getElementById('setup-status').textContent));
    await step(page, 'protection');
    assert.equal(await page.isChecked('#population-france'), true, 'the population restored');
    assert.equal(await page.inputValue('#target-uniqueness'), '0.00001');
    assert.equal(await page.inputValue('#k'), '1');
  } finally {
    await b.close();
  }
});
