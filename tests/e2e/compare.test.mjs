// Global and local recoding side by side, and the k-map and sample
// uniqueness targets, in the page.
//
// The page runs both recodings on the same settings (the worker cleans the
// table it holds twice) and shows, per quasi-identifier, the detail each kept
// (1 − the column's NCP, the engine's `utility.columns[name].granularity`),
// rows retained, cells suppressed and the k reached; the figures are checked
// against `masque clean` run on the same file with the policy the page saves
// for each method and the key it exports (same output bytes, same utility).
// Choosing a method gives that method's file, report and policy; both reports
// record both methods and the choice. A risk target makes local recoding
// unavailable, with the engine's reason in words; k-map (with its estimator)
// and sample uniqueness reach the engine's config, are honoured (checked in
// the downloaded report and against the command line), and are saved and
// restored with the policy.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { download, generateCohort, launch, masque, openFile, plain, runClean, screenshot, serveApp, step } from './harness.mjs';

const ROWS = 3_000;

let server;
let dir;
let input;
before(async () => {
  server = await serveApp();
  dir = mkdtempSync(path.join(tmpdir(), 'masque-compare-'));
  input = path.join(dir, 'extraction.csv');
  generateCohort(input, { rows: ROWS, seed: 1212 });
});
after(() => {
  server?.close();
  if (dir && !process.env.KEEP) rmSync(dir, { recursive: true, force: true });
});

/** Opens the input and waits until the protection step can be shown. */
const open = (page) => openFile(page, server.url, input);

/** Generates a key (once per page) and runs; waits for the downloads. */
const run = (page) => runClean(page);

/** Downloads through `selector` into the test's directory. */
const save = (page, selector, name) => download(page, selector, path.join(dir, name));

/** The comparison shown: per column and measure, by method, the value (data-value) and the text. */
async function comparisonShown(page) {
  const rows = await page.$$eval('#compare-table tbody tr', (trs) => trs.map((tr) => ({
    key: tr.dataset.column ? `column:${tr.dataset.column}` : tr.dataset.measure,
    cells: Object.fromEntries([...tr.querySelectorAll('td')].map((td) => [td.dataset.method,
      { value: td.dataset.value === 'null' ? null : Number(td.dataset.value), text: td.textContent }])),
  })));
  return Object.fromEntries(rows.map((r) => [r.key, r.cells]));
}

/**
 * The policy as the page ran it: the saved policy, with every sensitive column
 * the report measured listed as `{}` (the page measures them all; the saved
 * policy leaves them out). Written next to `file`.
 */
function asRun(file, report) {
  const policy = JSON.parse(readFileSync(file, 'utf8'));
  const listed = policy.anonymise.sensitive ?? {};
  policy.anonymise.sensitive = { ...Object.fromEntries(report.l_diversity.map((d) => [d.column, {}])), ...listed };
  const out = file.replace(/\.json$/, '-as-run.json');
  writeFileSync(out, JSON.stringify(policy));
  return out;
}

/** The engine's `result` in a `masque clean` report. */
const resultOf = (report) => report.anonymise ?? report.result;

test('both recodings side by side: the figures are masque clean\'s for each method, the choice gives its file, the reports record both', async () => {
  const b = await launch({ locale: 'fr-FR' });
  try {
    const { page } = b;
    await open(page);
    await step(page, 'protection');
    assert.equal(await page.inputValue('#recoding'), 'compare', 'both by default');
    assert.match(plain(await page.textContent('#recoding-help')), /^Comparer \(par défaut\) : masque exécute le recodage global et le recodage local/);
    // The status names the recoding running, 1 of 2 then 2 of 2.
    const statuses = [];
    await page.exposeFunction('seenStatus', (text) => statuses.push(text));
    await page.evaluate(() => new MutationObserver(() => window.seenStatus(document.getElementById('run-status').textContent))
      .observe(document.getElementById('run-status'), { childList: true, characterData: true, subtree: true }));
    await run(page);
    await screenshot(page, 'compare-1-fr');
    assert.ok(statuses.some((s) => /^Recodage global \(1 sur 2\)/.test(s)), `statuses: ${statuses.join(' | ')}`);
    assert.ok(statuses.some((s) => /^Recodage local \(2 sur 2\)/.test(s)), `statuses: ${statuses.join(' | ')}`);

    const shown = await comparisonShown(page);
    await step(page, 'key');
    const key = await save(page, '#key-export', 'key.json');
    await step(page, 'result');
    // The method chosen by default keeps more detail overall (local on a tie).
    const overall = shown.granularity;
    const preferred = overall.global.value > overall.local.value ? 'global' : 'local';
    assert.equal(await page.isChecked(`#use-${preferred}`), true, 'the method keeping more detail is chosen');
    assert.equal(await page.getAttribute('#compare', 'data-chosen'), preferred);

    const byMethod = {};
    for (const method of [preferred, preferred === 'global' ? 'local' : 'global']) {
      if (!(await page.isChecked(`#use-${method}`))) {
        await page.check(`#use-${method}`);
        await page.waitForFunction((m) => document.getElementById('compare')?.dataset.chosen === m, method);
        assert.equal(await page.evaluate(() => document.activeElement?.id), `use-${method}`, 'the focus stays on the choice');
      }
      const output = await save(page, '#download-output', `${method}.csv`);
      const report = JSON.parse(readFileSync(await save(page, '#download-report-json', `${method}.json`), 'utf8'));
      const html = readFileSync(await save(page, '#download-report-html', `${method}.html`), 'utf8');
      const policy = await save(page, '#download-policy', `${method}-policy.json`);
      byMethod[method] = { output, report, html, policy };
    }

    for (const method of ['global', 'local']) {
      const { output, report, html, policy } = byMethod[method];
      // The file, report and policy are the chosen method's.
      assert.equal(report.privacy_model.recoding, method);
      assert.equal(report.anonymise_result.recoding, method);
      assert.equal(JSON.parse(readFileSync(policy, 'utf8')).anonymise.recoding ?? 'global', method);
      // masque clean with that policy as run and the page's key: the same file, byte for byte, and the same figures.
      const out = path.join(dir, `cli-${method}.csv`);
      const rep = path.join(dir, `cli-${method}.json`);
      masque('clean', input, '--policy', asRun(policy, report), '--key', key, '-o', out, '--report', rep);
      assert.ok(readFileSync(out).equals(readFileSync(output)), `${method}: the page's file is masque clean's`);
      const cli = resultOf(JSON.parse(readFileSync(rep, 'utf8')));
      assert.equal(cli.recoding, method);
      const utility = cli.utility;
      const qis = Object.keys(utility.columns);
      assert.ok(qis.length >= 3, `quasi-identifiers: ${qis}`);
      for (const name of qis) {
        assert.equal(shown[`column:${name}`][method].value, utility.columns[name].granularity, `${method}: detail kept of ${name}`);
        assert.equal(shown[`column:${name}`][method].value, 1 - cli.ncp.columns[name], `${method}: 1 − NCP of ${name}`);
      }
      assert.equal(shown.granularity[method].value, utility.granularity);
      assert.equal(shown.records_retained[method].value, utility.records_retained);
      assert.equal(shown.cells_suppressed[method].value, utility.cells_suppressed);
      assert.equal(shown.k[method].value, cli.risk_after.k);
      // Both reports record both methods' figures and which one this file is.
      for (const other of ['global', 'local']) {
        const { report: r } = byMethod[other];
        assert.equal(r.recoding_comparison.chosen, other);
        assert.equal(r.recoding_comparison.detail_kept, 'granularity');
        const figures = r.recoding_comparison.methods[method];
        assert.equal(figures.available, true);
        assert.equal(figures.granularity, utility.granularity);
        assert.equal(figures.records_retained, utility.records_retained);
        assert.equal(figures.cells_suppressed, utility.cells_suppressed);
        assert.equal(figures.k, cli.risk_after.k);
        assert.deepEqual(figures.columns, Object.fromEntries(qis.map((n) => [n, utility.columns[n].granularity])));
      }
      assert.match(html, /<h2>Recodage global ou local<\/h2>/);
      assert.match(html, new RegExp(`Méthode choisie \\(celle du fichier écrit\\)\u00a0: Recodage ${method}\\.`));
    }
    // The two methods differ: a comparison that shows the same thing twice shows nothing.
    assert.notDeepEqual(byMethod.global.report.recoding_comparison.methods.global.columns, byMethod.global.report.recoding_comparison.methods.local.columns);
    // Local recoding keeps every row.
    assert.equal(byMethod.local.report.anonymise_result.utility.records_retained, ROWS);

    // The shown text is the figure: one decimal of a percentage, and "n sur total".
    const pct = new Intl.NumberFormat('fr', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
    assert.equal(plain(shown.granularity.local.text), plain(pct.format(shown.granularity.local.value)));
    assert.equal(plain(shown.records_retained.local.text), `${plain(new Intl.NumberFormat('fr').format(ROWS))} sur ${plain(new Intl.NumberFormat('fr').format(ROWS))}`);
    // English, the same table.
    await page.selectOption('#lang', 'en');
    await page.waitForFunction(() => /side by side/.test(document.getElementById('compare-title')?.textContent ?? ''));
    assert.match(plain(await page.textContent('#compare-help')), /1 − its information loss \(NCP\)/);
    assert.match(plain(await page.textContent('label[for="use-local"]')), /^Local recoding: keeps \d+\.\d% of the detail$/);
  } finally {
    await b.close();
  }
});

test('k-map and sample uniqueness: in the engine\'s config, honoured, local recoding unavailable for the risk target with the reason, saved and restored', async () => {
  const b = await launch({ locale: 'en-GB' });
  try {
    const { page } = b;
    await open(page);
    await step(page, 'protection');
    assert.match(plain(await page.textContent('#target-kmap-help')), /^Each group of identical rows must match, by the estimate, at least k people of the population/);
    assert.match(plain(await page.textContent('#target-sample-help')), /^The share of the file’s rows alone in their group/);
    assert.match(plain(await page.textContent('#target-kmap-estimator-help')), /Significance level: 1%\.$/);

    // k-map without a population is refused before the run, in words.
    await page.fill('#k', '1');
    await page.fill('#target-kmap', '20');
    await page.locator('#target-kmap').dispatchEvent('change');
    await step(page, 'key');
    await page.click('#key-generate');
    await page.waitForFunction(() => !document.getElementById('key-export').disabled);
    await page.click('#run');
    await page.waitForFunction(() => document.getElementById('run-error').textContent.trim() !== '');
    assert.match(plain(await page.textContent('#run-error')), /k-map needs to know which population the file is a sample of/);

    // A population of 15,000 (sampling fraction 0.2), k = 1, k-map k = 20 with the zero-truncated estimator.
    await step(page, 'protection');
    await page.check('#population-number');
    await page.fill('#population-size', '15000');
    await page.locator('#population-size').dispatchEvent('change');
    await page.selectOption('#target-kmap-estimator', 'zero_truncated_poisson');
    await run(page);
    await screenshot(page, 'compare-2-kmap-en');
    // k-map is not a risk target: both recodings ran.
    const shown = await comparisonShown(page);
    assert.notEqual(shown.granularity.global.value, null);
    assert.notEqual(shown.granularity.local.value, null);
    const kmapReport = JSON.parse(readFileSync(await save(page, '#download-report-json', 'kmap.json'), 'utf8'));
    const kmap = { k: 20, estimator: 'zero_truncated_poisson', significance: 0.01 };
    assert.deepEqual(kmapReport.anonymise.k_map, kmap, 'the config the engine was given');
    assert.deepEqual(kmapReport.privacy_model.k_map, kmap);
    assert.equal(kmapReport.anonymise.population, 15000);
    assert.equal(kmapReport.anonymise.k, 1);
    // Honoured: with k = 1 asked, the groups are as large as k-map needs, the command line's k for the same config.
    const kmapPolicy = await save(page, '#download-policy', 'kmap-policy.json');
    await step(page, 'key');
    const key = await save(page, '#key-export', 'key2.json');
    await step(page, 'result');
    const cliRep = path.join(dir, 'cli-kmap.json');
    masque('clean', input, '--policy', asRun(kmapPolicy, kmapReport), '--key', key, '-o', path.join(dir, 'cli-kmap.csv'), '--report', cliRep);
    const cli = resultOf(JSON.parse(readFileSync(cliRep, 'utf8')));
    assert.ok(kmapReport.privacy_model.k_achieved > 1, `k-map made groups larger than 1: ${kmapReport.privacy_model.k_achieved}`);
    assert.equal(kmapReport.privacy_model.k_achieved, cli.risk_after.k);
    for (const method of ['global', 'local']) assert.ok(kmapReport.recoding_comparison.methods[method].k > 1, `${method} k`);
    const kmapHtml = readFileSync(await save(page, '#download-report-html', 'kmap.html'), 'utf8');
    assert.match(kmapHtml, /k-map: every group matches at least 20 people of the population \(estimate: Zero-truncated Poisson; significance level: 1%\)\./);

    // Sample uniqueness at most 0.5 %: a risk target, so local recoding is unavailable, with the engine's reason.
    await step(page, 'protection');
    await page.fill('#target-kmap', '');
    await page.locator('#target-kmap').dispatchEvent('change');
    await page.fill('#target-sample', '0.5');
    await page.locator('#target-sample').dispatchEvent('change');
    assert.equal(plain(await page.textContent('#target-recoding')), 'A risk target needs global recoding: local recoding will be shown unavailable in the comparison.');
    await run(page);
    await screenshot(page, 'compare-3-sample-en');
    assert.equal(await page.isDisabled('#use-local'), true);
    assert.equal(await page.isChecked('#use-global'), true);
    assert.equal(plain(await page.textContent('[data-unavailable="local"]')),
      'Local recoding unavailable: local recoding supports k, k-map, l-diversity and t-closeness, not risk targets (average risk, sample or population uniqueness).');
    const report = JSON.parse(readFileSync(await save(page, '#download-report-json', 'sample.json'), 'utf8'));
    assert.equal(report.anonymise.sample_uniqueness, 0.005, 'the config the engine was given');
    assert.equal(report.privacy_model.sample_uniqueness, 0.005);
    assert.equal(report.recoding_comparison.chosen, 'global');
    assert.equal(report.recoding_comparison.methods.local.available, false);
    assert.equal(report.recoding_comparison.methods.local.reason.code, 'bad_config');
    assert.equal(report.recoding_comparison.methods.local.reason.path, 'recoding');
    // Honoured: at most 0.5 % of the rows written are unique, where more were before.
    const before = report.attacker_model.before.sample_uniques / report.rows.read;
    const after = report.attacker_model.after.sample_uniques / report.rows.written;
    assert.ok(before > 0.005, `the target asks for something: ${before} before`);
    assert.ok(after <= 0.005, `after: ${after}`);
    const html = readFileSync(await save(page, '#download-report-html', 'sample.html'), 'utf8');
    assert.match(html, /Target: sample uniqueness at most 0\.5%\./);
    assert.match(html, /data-field="unavailable-local">Local recoding unavailable: local recoding supports k, k-map/);

    // Saved with the policy, restored on a reset page: the population, both targets and the estimator.
    await step(page, 'protection');
    await page.fill('#target-kmap', '7');
    await page.locator('#target-kmap').dispatchEvent('change');
    await step(page, 'columns');
    const policyFile = await save(page, '#policy-save', 'saved-policy.json');
    const saved = JSON.parse(readFileSync(policyFile, 'utf8'));
    assert.deepEqual([saved.anonymise.population, saved.anonymise.sample_uniqueness, saved.anonymise.k_map],
      [15000, 0.005, { k: 7, estimator: 'zero_truncated_poisson', significance: 0.01 }]);
    await page.click('#accept');
    await step(page, 'protection');
    assert.deepEqual([await page.isChecked('#population-whole'), await page.inputValue('#target-sample'), await page.inputValue('#target-kmap'),
      await page.inputValue('#target-kmap-estimator')], [true, '', '', 'poisson'], 'reset');
    await step(page, 'columns');
    await page.locator('#policy-file').setInputFiles(policyFile);
    await page.waitForFunction(() => /saved-policy\.json/.test(document.getElementById('setup-status').textContent));
    await step(page, 'protection');
    assert.deepEqual([await page.isChecked('#population-number'), await page.inputValue('#population-size'), await page.inputValue('#target-sample'),
      await page.inputValue('#target-kmap'), await page.inputValue('#target-kmap-estimator')], [true, '15000', '0.5', '7', 'zero_truncated_poisson']);
  } finally {
    await b.close();
  }
});
