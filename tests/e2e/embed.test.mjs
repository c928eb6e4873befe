// The embeddable module in front of an upload form: www/embed/example.html
// cleans a file with masque-clean.js and posts it to its own origin. The
// server records the body it received: no identifier of the input is in it.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { generateCohort, launch, screenshot, serveApp } from './harness.mjs';
import { identifiersOf, leaks } from './scan.mjs';

let server;
let dir;
let input;
before(async () => {
  server = await serveApp();
  dir = mkdtempSync(path.join(tmpdir(), 'masque-embed-'));
  input = path.join(dir, 'export.csv');
  generateCohort(input, { rows: 3000, seed: 5, quirks: true });
});
after(() => {
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the example form cleans the file in the browser and posts only the cleaned bytes to its own origin', async () => {
  const ids = identifiersOf(input);
  const b = await launch({ locale: 'en-US' });
  try {
    await b.page.goto(server.url + 'embed/example.html');
    await b.page.locator('#file').setInputFiles(input);
    await b.page.click('button[type="submit"]');
    await b.page.waitForSelector('#status[data-done="true"]', { timeout: 60_000 });
    assert.equal((await b.page.textContent('#error')).trim(), '');
    assert.match(await b.page.textContent('#status'), /^Uploaded: \d+ bytes, \d+ rows suppressed, k = (1[1-9]|[2-9]\d|\d{3,})\.$/);
    await screenshot(b.page, 'embed-uploaded-en');

    const posts = server.requests.filter((r) => r.method === 'POST');
    assert.equal(posts.length, 1, 'one upload');
    assert.equal(posts[0].path, new URL('embed/upload', server.url).pathname, 'posted to the page\'s own origin');
    const body = posts[0].body;
    assert.match(body.toString('latin1'), /filename="export-clean\.csv"/);
    assert.ok(body.length > 50_000, `the cleaned file was sent (${body.length} bytes)`);
    assert.match(body.toString('latin1'), /\r\nnir;sexe;age;code_postal;telephone;email;/, 'the cleaned CSV: the date of birth as the age, adresse dropped, and (beside the NIR\'s pseudonym and the code postal) names and commune');
    assert.deepEqual(leaks(body, ids), [], 'no NIR, surname, first name, e-mail or phone of the input reached the server');

    for (const r of b.requests) assert.equal(new URL(r.url).origin, server.origin, `${r.url} is on the page's origin`);
    assert.deepEqual(server.requests.filter((r) => r.method !== 'GET').length, 1, 'nothing else was sent');
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});
