// Bad files give a readable message in an alert region, never a blank page,
// never a cell value, and the page keeps working afterwards.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { chooseFile, dialectFields, fixture, launch, plain, screenshot, serveApp } from './harness.mjs';

let server;
before(async () => {
  server = await serveApp();
});
after(() => server?.close());

/** The alert's headline and detail, and whether a result is shown. */
async function shown(page) {
  return page.evaluate(() => ({
    role: document.getElementById('error').getAttribute('role'),
    title: document.querySelector('#error .error-title')?.textContent ?? '',
    detail: document.querySelector('#error .error-detail')?.textContent ?? '',
    hint: document.querySelector('#error .error-hint')?.textContent ?? '',
    result: !document.getElementById('result').hidden,
    status: document.getElementById('status').textContent,
  })).then((s) => ({ ...s, title: plain(s.title), detail: plain(s.detail), hint: plain(s.hint), status: plain(s.status) }));
}

test('binary, empty and malformed files show a readable error and the page keeps working', async () => {
  const b = await launch({ locale: 'en-US' });
  try {
    await b.page.goto(server.url);

    // First a good file, so the errors below must also clear an earlier result.
    await chooseFile(b.page, fixture('cohort_cp1252_40.csv'));
    assert.equal((await dialectFields(b.page)).rows, '40');

    const binary = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37) % 256));
    await chooseFile(b.page, { name: 'scan.csv', mimeType: 'text/csv', buffer: binary });
    let s = await shown(b.page);
    assert.equal(s.role, 'alert');
    assert.equal(s.title, 'This file cannot be read as a table.');
    // Reading errors come with their code and position: the page says them itself.
    assert.match(s.detail, /^The file holds binary data \(byte \d+\): it is not delimited text\.$/);
    assert.match(s.hint, /CSV or TSV export with a header row/);
    assert.equal(s.result, false, 'the earlier result is gone');
    assert.equal(s.status, 'Could not read “scan.csv”.');
    await screenshot(b.page, 'error-binary-en');

    await chooseFile(b.page, { name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.alloc(0) });
    s = await shown(b.page);
    assert.equal(s.title, 'This file cannot be read as a table.');
    assert.equal(s.detail, 'The file is empty.');

    // A row with an extra field: the message names the line, never the values.
    const ragged = 'nom;prenom\r\nDUPONT;Jean\r\nMARTIN;Claire;1 85 05 75 115 423 57\r\n';
    await chooseFile(b.page, { name: 'ragged.csv', mimeType: 'text/csv', buffer: Buffer.from(ragged, 'latin1') });
    s = await shown(b.page);
    assert.equal(s.detail, 'Line 3 (record 2) has 3 fields, expected 2 as in the header.');
    const page = await b.page.textContent('body');
    for (const value of ['DUPONT', 'MARTIN', 'Claire', '423 57']) assert.ok(!page.includes(value), `the page does not show ${value}`);

    // A quote that never closes (record 2 of 200): an error naming where it
    // opened, not a file of 2 records whose last cell holds the other 198.
    await chooseFile(b.page, fixture('hostile/stray_quote_200.csv'));
    s = await shown(b.page);
    assert.equal(s.title, 'This file cannot be read as a table.');
    assert.match(s.detail, /^The quote opened on line 3 \(byte [\d,]+\) never closes: the rest of the file would be read as one cell\./);
    assert.equal(s.result, false);

    // A quoted field of 150 lines: read, with a warning shown before any run.
    const long = `id;note\r\n1;"${'ligne\r\n'.repeat(150)}"\r\n2;ok\r\n`;
    await chooseFile(b.page, { name: 'long.csv', mimeType: 'text/csv', buffer: Buffer.from(long, 'latin1') });
    assert.equal((await dialectFields(b.page)).rows, '2');
    const warnings = await b.page.$$eval('#result .warnings li', (l) => l.map((li) => [li.dataset.kind, li.textContent]));
    assert.deepEqual(warnings.map(([kind]) => kind), ['long_quoted_field']);
    assert.match(plain(warnings[0][1]), /^Record 1: a quoted field spans lines 2 to 152 \(1,052 bytes\)\./);

    // Something that looks like a workbook but is not one.
    const fakeXlsx = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(200, 7)]);
    await chooseFile(b.page, { name: 'export.xlsx', mimeType: 'application/octet-stream', buffer: fakeXlsx });
    s = await shown(b.page);
    assert.equal(s.title, 'This file cannot be read as a table.');
    assert.equal(s.detail, 'The workbook could not be read.');
    assert.match(plain(await b.page.textContent('#error')), /Detail: the workbook could not be read: /);

    // The page still works: a good file is read and the alert is cleared.
    await chooseFile(b.page, fixture('cohort_cp1252_40.csv'));
    const fields = await dialectFields(b.page);
    assert.equal(fields.rows, '40');
    assert.equal((await b.page.textContent('#error')).trim(), '');
    assert.deepEqual(b.errors, [], 'no uncaught exception or console error');
  } finally {
    await b.close();
  }
});

test('a reading error is said in French, with its position and no value', async () => {
  const b = await launch({ locale: 'fr-FR' });
  try {
    await b.page.goto(server.url);
    const rows = Array.from({ length: 1500 }, (_, i) => `NOM${i};Prénom${i}`);
    rows.splice(1234, 0, 'MARTIN;Claire;1 85 05 75 115 423 57');
    const ragged = `nom;prenom\r\n${rows.join('\r\n')}\r\n`;
    await chooseFile(b.page, { name: 'ragged.csv', mimeType: 'text/csv', buffer: Buffer.from(ragged, 'latin1') });
    const s = await shown(b.page);
    assert.equal(s.title, 'Ce fichier ne peut pas être lu comme un tableau.');
    assert.equal(s.detail, 'La ligne 1 236 (enregistrement 1 235) a 3 champs au lieu de 2 comme l’en-tête.');
    const page = await b.page.textContent('body');
    for (const value of ['MARTIN', 'Claire', '423 57']) assert.ok(!page.includes(value), `the page does not show ${value}`);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('an engine that cannot be loaded gives a readable alert, not a blank page', async () => {
  const b = await launch({ locale: 'fr-FR' });
  try {
    await b.context.route('**/pkg/masque.js', (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' }));
    await b.page.goto(server.url);
    await b.page.waitForFunction(() => document.querySelector('#error .error-title'));
    let s = await shown(b.page);
    assert.equal(s.role, 'alert');
    assert.equal(s.title, 'Le moteur de masque n’a pas pu être chargé.');
    assert.match(s.detail, /^Détail \(en anglais\) : the masque engine could not be loaded \(.+\)$/);
    assert.match(s.hint, /^Rechargez la page\./);
    assert.equal(plain(await b.page.textContent('#version')), 'masque (moteur indisponible)');
    await screenshot(b.page, 'error-engine-fr');

    // Choosing a file still answers with the same readable error.
    await chooseFile(b.page, fixture('cohort_cp1252_40.csv'));
    s = await shown(b.page);
    assert.equal(s.title, 'Le moteur de masque n’a pas pu être chargé.');
    assert.equal(s.result, false);
    assert.deepEqual(b.errors.filter((e) => !/Failed to load resource.*404/.test(e)), [], 'only the 404 is logged');
  } finally {
    await b.close();
  }
});

test('errors are shown in French with a French browser', async () => {
  const b = await launch({ locale: 'fr-FR' });
  try {
    await b.page.goto(server.url);
    await chooseFile(b.page, { name: 'vide.csv', mimeType: 'text/csv', buffer: Buffer.alloc(0) });
    const s = await shown(b.page);
    assert.equal(s.title, 'Ce fichier ne peut pas être lu comme un tableau.');
    assert.equal(s.detail, 'Le fichier est vide.');
    assert.equal(s.status, 'Échec de la lecture de « vide.csv ».');
    await screenshot(b.page, 'error-empty-fr');
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});
