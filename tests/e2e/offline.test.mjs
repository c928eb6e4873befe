// Offline once loaded: the service worker keeps the app shell and the wasm.
// Load the page, wait for the service worker, go offline and stop the server
// altogether, reload: the page, its worker and the engine still work.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { launch, plain, screenshot, serveApp, toColumns, waitForEngine } from './harness.mjs';

test('after one visit the page works offline: reload, try the sample, see its rows', async () => {
  const server = await serveApp();
  const b = await launch({ locale: 'en-US' });
  let closed = false;
  try {
    await b.page.goto(server.url);
    await waitForEngine(b.page);
    await b.page.evaluate(() => navigator.serviceWorker.ready);
    await b.page.waitForFunction(async () => (await caches.keys()).length === 1 && (await (await caches.open((await caches.keys())[0])).keys()).length >= 15);

    await b.context.setOffline(true);
    await server.close();
    closed = true;
    const before = server.requests.length;
    await b.page.reload();
    await waitForEngine(b.page);
    await b.page.click('#sample');
    await toColumns(b.page);
    assert.equal(plain(await b.page.textContent('#status')), '“cohort-exemple.csv” read: 2,000 rows, 19 columns.');
    await b.page.waitForFunction(() => document.querySelector('#rows tbody tr:not(.loading) td'));
    assert.equal(server.requests.length, before, 'the server, now stopped, received nothing');
    await screenshot(b.page, 'offline-sample-en');
    assert.deepEqual(b.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(e)), []);
  } finally {
    await b.close();
    if (!closed) await server.close();
  }
});
