// A file chosen, dropped or opened with the keyboard alone shows its dialect,
// row count, columns and header repairs.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  COHORT_COLUMNS, chooseFile, columnRows, dialectFields, fixture, launch, plain, readFixture, screenshot, serveApp,
  step, waitForEngine, waitForOutcome,
} from './harness.mjs';

let server;
before(async () => {
  server = await serveApp();
});
after(() => server?.close());

/** Checks what the page shows for tests/fixtures/cohort_cp1252_40.csv. */
async function assertCohortShown(page, { lang }) {
  const fields = await dialectFields(page);
  assert.match(fields.delimiter, lang === 'fr' ? /^point-virgule ;$/ : /^semicolon ;$/, 'delimiter as a word and a character');
  assert.equal(await page.textContent('#result dd[data-field="delimiter"] code'), ';');
  assert.match(fields.encoding, /^Windows-1252\b/);
  assert.equal(fields.bom, lang === 'fr' ? 'non' : 'no');
  assert.match(fields.line_ending, /^CRLF\b/);
  assert.equal(fields.rows, '40');
  assert.equal(fields.columns, '19');

  const columns = await columnRows(page);
  assert.deepEqual(columns.map((c) => c.name), COHORT_COLUMNS);
  const byName = Object.fromEntries(columns.map((c) => [c.name, c]));
  // Counted independently with Python's csv module on the fixture.
  assert.deepEqual([byName.sexe.distinct, byName.sexe.empty], ['2', '0']);
  assert.deepEqual([byName.nom.distinct, byName.nom.empty], ['38', '0']);
  assert.deepEqual([byName.commentaire.distinct, byName.commentaire.empty], ['1', '40']);

  assert.equal((await page.textContent('#error')).trim(), '', 'no error shown');
  assert.equal(await page.$$eval('#result .warnings', (n) => n.length), 0, 'no header repair for this file');
}

test('a Windows-1252 ";" CRLF file chosen with the file input shows its dialect, 40 rows and 19 columns', async () => {
  const b = await launch({ locale: 'fr-FR' });
  try {
    await b.page.goto(server.url);
    await chooseFile(b.page, fixture('cohort_cp1252_40.csv'));
    await assertCohortShown(b.page, { lang: 'fr' });
    assert.equal(plain(await b.page.textContent('#status')), '« cohort_cp1252_40.csv » lu : 40 lignes, 19 colonnes.');
    assert.match(await b.page.textContent('#result [data-field="file"]'), /cohort_cp1252_40\.csv/);
    await waitForEngine(b.page);
    assert.match(await b.page.textContent('#version'), /^masque \d+\.\d+\.\d+/);
    await screenshot(b.page, 'inspect-cp1252-fr');
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('a dropped file is read the same way', async () => {
  const b = await launch({ locale: 'en-US' });
  try {
    await b.page.goto(server.url);
    const bytes = [...readFixture('cohort_cp1252_40.csv')];
    await b.page.evaluate((data) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(data)], 'dropped.csv', { type: 'text/csv' }));
      const drop = document.getElementById('drop');
      drop.dispatchEvent(new DragEvent('dragenter', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      drop.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, bytes);
    await waitForOutcome(b.page);
    await assertCohortShown(b.page, { lang: 'en' });
    assert.match(await b.page.textContent('#result [data-field="file"]'), /dropped\.csv/);
    assert.equal(await b.page.$eval('#drop', (d) => d.classList.contains('dragging')), false, 'drop highlight removed');
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('the keyboard alone reaches the file input, shows focus and opens a file', async () => {
  const b = await launch({ locale: 'en-US' });
  try {
    await b.page.goto(server.url);
    // Listen for the file chooser from the start: Playwright intercepts choosers
    // only once a listener is registered, and enabling that is asynchronous, so
    // a listener added just before the key press can miss the chooser.
    const chooser = new Promise((resolve, reject) => {
      b.page.once('filechooser', resolve);
      setTimeout(() => reject(new Error('no file chooser opened within 60 s')), 60_000).unref();
    });
    chooser.catch(() => {}); // observed below; no unhandled rejection if an earlier step fails
    await b.page.bringToFront();
    const focused = [];
    for (let i = 0; i < 5 && focused.at(-1) !== 'file'; i++) {
      await b.page.keyboard.press('Tab');
      focused.push(await b.page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName));
    }
    assert.deepEqual(focused, ['lang', 'file'], 'Tab order: language, then the file input');
    const outline = await b.page.$eval('label[for="file"]', (l) => getComputedStyle(l).outlineStyle);
    assert.notEqual(outline, 'none', 'the focused file input shows a focus ring on its label');
    assert.equal(await b.page.$eval('#file', (i) => i.labels[0].textContent), 'Choose a file…');
    await screenshot(b.page, 'keyboard-focus-en');

    await b.page.keyboard.press('Space');
    await (await chooser).setFiles(fixture('cohort_cp1252_40.csv'));
    await waitForOutcome(b.page);
    await assertCohortShown(b.page, { lang: 'en' });
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('header repairs are listed, and column names are shown as text, never as HTML', async () => {
  const b = await launch({ locale: 'en-US' });
  try {
    await b.page.goto(server.url);
    const csv = 'a;a;;<img src=x>\r\n1;2;3;4\r\n5;6;7;8\r\n';
    await chooseFile(b.page, { name: 'repairs.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const warnings = await b.page.$$eval('#result .warnings li', (items) => items.map((li) => [li.dataset.kind, li.textContent]));
    assert.deepEqual(warnings, [
      ['duplicate_header', 'Column 2: duplicate name, renamed “a_2”.'],
      ['empty_header', 'Column 3: empty name, named “column_3”.'],
    ]);
    const columns = await columnRows(b.page);
    assert.deepEqual(columns.map((c) => c.name), ['a', 'a_2', 'column_3', '<img src=x>']);
    assert.equal(await b.page.$$eval('#result img', (n) => n.length), 0);
    const fields = await dialectFields(b.page);
    assert.deepEqual([fields.rows, fields.line_ending, fields.encoding], ['2', 'CRLF (Windows)', 'UTF-8']);
    await screenshot(b.page, 'header-repairs-en');
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('"read as": a forced encoding or delimiter reads the file again, a wrong one gives the error, and the run uses the choice', async () => {
  const b = await launch({ locale: 'en-US' });
  try {
    await b.page.goto(server.url);
    assert.equal(await b.page.isHidden('#read-as'), true, 'nothing to read again yet');
    await chooseFile(b.page, fixture('cohort_cp1252_40.csv'));
    assert.match((await dialectFields(b.page)).encoding, /^Windows-1252\b/);
    assert.equal(await b.page.isVisible('#read-as'), true);
    await b.page.click('#read-as summary');

    const readAgain = async (delimiter, encoding) => {
      await b.page.selectOption('#read-delimiter', delimiter);
      await b.page.selectOption('#read-encoding', encoding);
      await b.page.click('#read-again');
      await b.page.waitForFunction(() => /” read: |^Could not read/.test(document.getElementById('status').textContent));
    };

    // Forced UTF-8 on Windows-1252 bytes: an error naming the first byte that is
    // not UTF-8 (never a silent misreading); the choices stay for another try.
    await readAgain('', 'utf-8');
    assert.match(plain(await b.page.textContent('#error .error-detail')), /^The file is not UTF-8 \(byte \d+\): read it as Windows-1252\.$/);
    assert.equal(await b.page.isVisible('#read-again'), true);

    // A wrong delimiter: the reading error, with its position; the choices stay for another try.
    await readAgain(',', '');
    assert.match(plain(await b.page.textContent('#error .error-detail')), /^Line 2 \(record 1\) has \d+ fields, expected 1 as in the header\.$/);
    assert.equal(await b.page.isVisible('#read-again'), true);
    assert.equal(await b.page.inputValue('#read-delimiter'), ',');

    // Forced ";" and Windows-1252: the preview and the run use them.
    await readAgain(';', 'windows-1252');
    assert.equal((await b.page.textContent('#error')).trim(), '');
    assert.match((await dialectFields(b.page)).encoding, /^Windows-1252\b/);
    await b.page.waitForFunction(() => document.querySelector('#rows tbody tr:not(.loading) td'));
    const preview = await b.page.textContent('#rows tbody');
    assert.ok(/Jaurès|Gérard|République/.test(preview), 'accents read as Windows-1252 in the preview');
    await step(b.page, 'key');
    await b.page.click('#key-generate');
    await b.page.waitForFunction(() => /Fingerprint/.test(document.getElementById('key-status').textContent));
    await step(b.page, 'protection');
    await b.page.fill('#k', '2');
    await b.page.locator('#k').dispatchEvent('change');
    await step(b.page, 'key');
    await b.page.click('#run');
    await b.page.waitForSelector('#download-output[data-ready="true"]', { timeout: 60_000 });
    assert.equal((await b.page.textContent('#run-error')).trim(), '');

    // A new file starts from detection again.
    await chooseFile(b.page, fixture('cohort_cp1252_40.csv'));
    assert.equal(await b.page.inputValue('#read-delimiter'), '');
    assert.equal(await b.page.inputValue('#read-encoding'), '');
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});
