// French with a French browser, English otherwise, switchable in the page and
// remembered; the two string tables stay in step.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { LANGUAGES, STRINGS, pickLanguage, translator } from '../../www/i18n.js';
import { chooseFile, dialectFields, fixture, launch, plain, screenshot, serveApp, waitForEngine } from './harness.mjs';

let server;
before(async () => {
  server = await serveApp();
});
after(() => server?.close());

/** The page's visible words that depend on the language. */
async function words(page) {
  return page.evaluate(() => ({
    lang: document.documentElement.lang,
    select: document.getElementById('lang').value,
    selectLabel: document.querySelector('label[for="lang"]').textContent,
    heading: document.getElementById('open-title').textContent,
    choose: document.querySelector('label[for="file"]').textContent,
    footer: document.querySelector('footer p').textContent,
    title: document.title,
  })).then((w) => Object.fromEntries(Object.entries(w).map(([k, v]) => [k, plain(v)])));
}

test('French by default with a French browser, English switchable and remembered', async () => {
  const b = await launch({ locale: 'fr-FR' });
  try {
    await b.page.goto(server.url);
    assert.equal(await b.page.evaluate(() => navigator.language), 'fr-FR');
    await waitForEngine(b.page);
    let w = await words(b.page);
    assert.deepEqual(
      [w.lang, w.select, w.selectLabel, w.heading, w.choose],
      ['fr', 'fr', 'Langue', 'Ouvrir un fichier', 'Choisir un fichier…'],
    );
    assert.match(w.footer, /ne quitte jamais cet ordinateur/);
    assert.match(w.title, /^masque : /);
    await chooseFile(b.page, fixture('cohort_cp1252_40.csv'));
    assert.equal((await dialectFields(b.page)).delimiter, 'point-virgule ;');
    assert.equal(await b.page.textContent('#result h2'), 'Ce que masque a trouvé');
    await screenshot(b.page, 'i18n-fr');

    await b.page.selectOption('#lang', 'en');
    w = await words(b.page);
    assert.deepEqual(
      [w.lang, w.select, w.selectLabel, w.heading, w.choose],
      ['en', 'en', 'Language', 'Open a file', 'Choose a file…'],
    );
    assert.match(w.footer, /never leaves this computer/);
    // The result already shown is translated in place.
    const fields = await dialectFields(b.page);
    assert.deepEqual([fields.delimiter, fields.bom, fields.rows], ['semicolon ;', 'no', '40']);
    assert.equal(await b.page.textContent('#result h2'), 'What masque found');
    assert.equal(plain(await b.page.textContent('#status')), '“cohort_cp1252_40.csv” read: 40 rows, 19 columns.');
    await screenshot(b.page, 'i18n-switched-en');

    await b.page.reload();
    w = await words(b.page);
    assert.deepEqual([w.lang, w.heading], ['en', 'Open a file'], 'the choice survives a reload');

    await b.page.selectOption('#lang', 'fr');
    await b.page.reload();
    assert.equal((await words(b.page)).heading, 'Ouvrir un fichier');
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('English by default with an English browser', async () => {
  const b = await launch({ locale: 'en-GB' });
  try {
    await b.page.goto(server.url);
    const w = await words(b.page);
    assert.deepEqual([w.lang, w.select, w.heading], ['en', 'en', 'Open a file']);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('the language is picked from the stored choice, then the browser', () => {
  assert.equal(pickLanguage({ stored: null, browser: 'fr-CA' }), 'fr');
  assert.equal(pickLanguage({ stored: null, browser: 'FR' }), 'fr');
  assert.equal(pickLanguage({ stored: null, browser: 'en-US' }), 'en');
  assert.equal(pickLanguage({ stored: null, browser: 'de-DE' }), 'en');
  assert.equal(pickLanguage({ stored: null, browser: undefined }), 'en');
  assert.equal(pickLanguage({ stored: 'en', browser: 'fr-FR' }), 'en');
  assert.equal(pickLanguage({ stored: 'xx', browser: 'fr-FR' }), 'fr', 'an unknown stored value is ignored');
});

test('French and English have the same keys, non-empty strings and the same placeholders', () => {
  assert.deepEqual(LANGUAGES, ['fr', 'en']);
  const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  assert.deepEqual(Object.keys(STRINGS.fr).sort(), Object.keys(STRINGS.en).sort());
  for (const key of Object.keys(STRINGS.fr)) {
    for (const lang of LANGUAGES) assert.ok(STRINGS[lang][key].trim() !== '', `${lang} ${key} is empty`);
    assert.deepEqual(placeholders(STRINGS.fr[key]), placeholders(STRINGS.en[key]), `placeholders of ${key}`);
  }
  const t = translator('fr');
  assert.equal(t('status.done', { name: 'a.csv', rows: 3, columns: 2 }), '«\u00a0a.csv\u00a0» lu\u00a0: 3 lignes, 2 colonnes.');
  assert.equal(t('no.such.key'), 'no.such.key');
});
