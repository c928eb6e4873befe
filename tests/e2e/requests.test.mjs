// Nothing leaves the page: every request of the page and its worker goes to
// the page's own origin, and the Content-Security-Policy forbids anything else.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { BASE, WWW, chooseFile, dialectFields, fixture, launch, screenshot, serveApp, waitForEngine } from './harness.mjs';

const CSP = "default-src 'self'; script-src 'self'; worker-src 'self'; connect-src 'self'; img-src 'self' data: blob:; " +
  "style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";

let server;
before(async () => {
  server = await serveApp();
});
after(() => server?.close());

test('every request of the page and its worker goes to the page\'s own origin: exactly the app\'s files', async () => {
  const b = await launch({ locale: 'fr-FR' });
  try {
    await b.page.goto(server.url);
    await waitForEngine(b.page);
    // A whole session: a good file, a bad file, a language switch, the good file again.
    await chooseFile(b.page, fixture('cohort_cp1252_40.csv'));
    await chooseFile(b.page, { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('a;b\r\n1;2;3\r\n') });
    await b.page.selectOption('#lang', 'en');
    await chooseFile(b.page, fixture('cohort_cp1252_40.csv'));
    assert.equal((await dialectFields(b.page)).rows, '40');
    await screenshot(b.page, 'requests-session-en');

    // The service worker (registered once the engine works) caches the app shell for offline use.
    await b.page.evaluate(() => navigator.serviceWorker.ready);

    const expected = [
      '', // the page itself: BASE, served as index.html
      'app.js', 'columns.js', 'compare.js', 'flow.js', 'i18n.js', 'policy.js', 'preview.js', 'protocol.js', 'report.js', 'results.js', 'store.js', 'style.css', 'view.js',
      'worker.js', // the module worker, which imports protocol.js in its own module graph
      'pkg/masque.js',
      'pkg/masque_bg.wasm',
      'sw.js', // the service worker, and what it caches:
      'index.html', 'sample/cohort.csv', 'embed/masque-clean.js',
    ].map((p) => server.url + p).sort();

    const seen = [...new Set(b.requests.map((r) => r.url))].sort();
    assert.deepEqual(seen, expected, 'the full list of files requested (nothing else is fetched)');
    for (const r of b.requests) {
      assert.equal(new URL(r.url).origin, server.origin, `${r.url} is on the page's origin`);
      assert.equal(r.method, 'GET', `${r.url} is a GET`);
    }
    const wasm = b.requests.filter((r) => r.url.endsWith('/pkg/masque_bg.wasm')).length;
    assert.ok(wasm >= 1 && wasm <= 2, `the wasm is fetched once by the worker, once by the service worker's cache (seen ${wasm})`);

    // The server agrees: it received exactly these files, none with a body.
    const received = [...new Set(server.requests.map((r) => `${r.method} ${server.origin}${r.path}`))].sort();
    assert.deepEqual(received, expected.map((u) => `GET ${u}`).sort());
    assert.ok(server.requests.every((r) => r.body.length === 0), 'no request carried a body');
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('the page carries the Content-Security-Policy meta tag and the browser enforces it', async () => {
  const html = readFileSync(path.join(WWW, 'index.html'), 'utf8');
  assert.ok(!/(?:src|href)\s*=\s*["'](?:https?:)?\/\//i.test(html), 'no absolute URL in index.html');
  assert.ok(!/(?:src|href)\s*=\s*["']\//i.test(html), 'no root-relative URL in index.html (works under any sub-path)');

  const b = await launch({ locale: 'en-US' });
  try {
    await b.page.goto(server.url);
    // Served under a sub-path, the page resolves every URL under it (none root-relative).
    assert.notEqual(new URL(b.page.url()).pathname, '/');
    assert.ok(b.requests.length > 2 && b.requests.every((r) => new URL(r.url).pathname.startsWith(BASE)),
      `every request stays under ${BASE}`);
    const meta = await b.page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.content);
    assert.equal(meta, CSP);

    const outcome = await b.page.evaluate(async () => {
      const violations = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
      const blocked = await fetch('http://example.org/beacon', { method: 'POST', body: 'x' }).then(() => false, () => true);
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.head.append(script);
      await new Promise((r) => setTimeout(r, 50));
      return { blocked, inlineRan: window.__inlineRan === true, violations };
    });
    assert.equal(outcome.blocked, true, 'a fetch to another origin fails');
    assert.equal(outcome.inlineRan, false, 'an inline script does not run');
    assert.ok(outcome.violations.some((v) => v.startsWith('connect-src http://example.org')), `connect-src violation: ${outcome.violations}`);
    assert.ok(outcome.violations.some((v) => v.startsWith('script-src-elem inline')), `script-src violation: ${outcome.violations}`);
    assert.deepEqual(server.requests.filter((r) => r.method !== 'GET'), [], 'nothing was posted anywhere');
  } finally {
    await b.close();
  }
});
