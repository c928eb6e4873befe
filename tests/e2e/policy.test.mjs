// A saved policy holds every setting of the page: the column actions, and as
// its `anonymise` section the quasi-identifiers with their hierarchies, the
// sensitive columns, k, suppression, l and t. Loading it back restores them,
// in the module (policy.js) and through the page's buttons.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { columnsFromSuggestions, loadPolicy, savedPolicyOf } from '../../www/policy.js';
import { chooseFile, fixture, launch, masque, plain, serveApp, step, toColumns } from './harness.mjs';


let server;
let dir;
before(async () => {
  server = await serveApp();
  dir = mkdtempSync(path.join(tmpdir(), 'masque-policy-'));
});
after(() => {
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const inspection = {
  columns: [
    { name: 'nir', suggestion: { role: 'direct_identifier', action: { action: 'pseudonymise', kind: 'nir' } } },
    { name: 'sexe', suggestion: { role: 'quasi_identifier', action: 'keep' } },
    { name: 'date_naissance', suggestion: { role: 'quasi_identifier', action: { action: 'generalise', to: 'year' } } },
    { name: 'code_postal', suggestion: { role: 'quasi_identifier', action: { action: 'generalise', to: 'departement' } } },
    { name: 'diag', suggestion: { role: 'sensitive', action: 'keep' } },
    { name: 'note', suggestion: { role: 'other', action: 'redact' } },
  ],
};

test('savedPolicyOf and loadPolicy restore roles, hierarchies and privacy settings', () => {
  const columns = columnsFromSuggestions(inspection);
  // The user changes things: code_postal is no longer a quasi-identifier, dates get intervals.
  columns[3] = { ...columns[3], role: 'other', entry: { action: 'drop' } };
  columns[2] = { ...columns[2], hierarchy: 'mask' };
  const privacy = { k: 7, suppression: 2.5, suppressedRows: 'remove', l: 2, t: 0.3 };
  const saved = savedPolicyOf(columns, privacy);
  assert.deepEqual(saved.columns.nir, { action: 'pseudonymise', kind: 'nir' });
  assert.deepEqual(Object.keys(saved.anonymise.quasi_identifiers), ['sexe', 'date_naissance']);
  assert.equal(saved.anonymise.k, 7);
  assert.equal(saved.anonymise.suppression_limit, 0.025);
  assert.deepEqual(saved.anonymise.sensitive, { diag: { l_distinct: 2, t_closeness: 0.3 } });

  // Loaded into the columns of a fresh inspection (the suggestions again).
  const fresh = columnsFromSuggestions(inspection);
  const back = loadPolicy(fresh, JSON.parse(JSON.stringify(saved)));
  assert.deepEqual(back.missing, []);
  assert.deepEqual(back.unknown, []);
  assert.deepEqual(back.privacy, { ...privacy, recoding: 'local', population: null, uniqueness: null, average: null, sampleUniqueness: null, kmap: null, kmapEstimator: 'poisson', populationTable: null, deltaMin: null, deltaMax: null },
    'local recoding by default, saved and restored; no population, no risk target, no k-map, no population table');
  assert.equal(saved.anonymise.recoding, 'local');
  const byName = Object.fromEntries(back.columns.map((c) => [c.name, c]));
  assert.equal(byName.code_postal.role, 'other');
  assert.deepEqual(byName.code_postal.entry, { action: 'drop' });
  assert.equal(byName.date_naissance.hierarchy, 'mask');
  assert.equal(byName.sexe.hierarchy, 'flat');
  assert.equal(byName.diag.role, 'sensitive');
  // Saving again gives the same file.
  assert.deepEqual(savedPolicyOf(back.columns, back.privacy), saved);

  // A policy without the section leaves roles and settings alone; a hierarchy
  // the page does not offer falls back to the flat one, and is reported.
  const plainPolicy = loadPolicy(fresh, { version: 1, columns: { nir: 'drop' } });
  assert.equal(plainPolicy.privacy, null);
  assert.equal(plainPolicy.columns.find((c) => c.name === 'code_postal').role, 'quasi_identifier');
  const custom = loadPolicy(fresh, { version: 1, columns: {}, anonymise: { quasi_identifiers: { sexe: { hierarchy: 'F;*\nM;*\n' }, absent: {} } } });
  assert.deepEqual(custom.unknown, ['sexe']);
  assert.deepEqual(custom.missing, ['absent']);
});

test('the page saves every setting and loads them back into a fresh page', async () => {
  const b = await launch({ locale: 'en-US' });
  try {
    await b.page.goto(server.url);
    await chooseFile(b.page, fixture('cohort_cp1252_40.csv'));
    await toColumns(b.page);
    const set = async (id, value) => {
      await b.page.fill(id, value);
      await b.page.locator(id).dispatchEvent('change');
    };
    await step(b.page, 'protection');
    await set('#k', '5');
    await set('#suppression', '1.5');
    await b.page.selectOption('#suppressed-rows', 'remove');
    await step(b.page, 'columns');
    await b.page.selectOption('#policy select[data-control="role"][data-column="commune"]', 'other');
    const [download] = await Promise.all([b.page.waitForEvent('download'), b.page.click('#policy-save')]);
    const file = path.join(dir, 'saved.json');
    await download.saveAs(file);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(saved.version, 1);
    assert.equal(saved.anonymise.k, 5);
    assert.equal(saved.anonymise.suppression_limit, 0.015);
    assert.equal(saved.anonymise.suppressed_rows, 'remove');
    assert.ok(!('commune' in saved.anonymise.quasi_identifiers));
    assert.ok('sexe' in saved.anonymise.quasi_identifiers);
    // The same file drives the command line: `masque clean --policy` applies the policy (the date of
    // birth written as the age), then its `anonymise` section on what the policy wrote.
    const out = path.join(dir, 'out.csv');
    const key = path.join(dir, 'key.json');
    masque('keygen', '-o', key);
    masque('clean', fixture('cohort_cp1252_40.csv'), '--policy', file, '--key', key, '-o', out);
    const analysed = JSON.parse(masque('analyse', out, '--qi', Object.keys(saved.anonymise.quasi_identifiers).join(','), '--json'));
    assert.ok(analysed.k >= 5, `k = ${analysed.k}`);

    // A fresh page: the defaults, then the saved settings once loaded.
    await b.page.goto(server.url);
    await chooseFile(b.page, fixture('cohort_cp1252_40.csv'));
    await toColumns(b.page);
    assert.equal(await b.page.inputValue('#k'), '11');
    await b.page.locator('#policy-file').setInputFiles(file);
    await b.page.waitForFunction(() => /loaded/.test(document.getElementById('setup').textContent));
    assert.equal(await b.page.inputValue('#k'), '5');
    assert.equal(await b.page.inputValue('#suppression'), '1.5');
    assert.equal(await b.page.inputValue('#suppressed-rows'), 'remove');
    assert.equal(await b.page.inputValue('#policy select[data-control="role"][data-column="commune"]'), 'other');
    assert.equal(await b.page.inputValue('#policy select[data-control="role"][data-column="sexe"]'), 'quasi_identifier');
    assert.match(plain(await b.page.textContent('#setup')), /Policy “saved\.json” loaded\./);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});
