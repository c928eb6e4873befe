// The virtualised preview (www/preview.js) on more rows than a browser lets an
// element be tall (28 px x 3,000,000 rows = 84 million px): every row stays
// reachable, the first, the middle and the last, and only the rows in view
// are in the DOM. Rows come from a synthetic `fetchRows`, not the worker.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launch, serveApp } from './harness.mjs';

let server;
before(async () => {
  server = await serveApp();
});
after(() => server?.close());

test('the preview scrolls to the first, middle and last of 3,000,000 rows', async () => {
  const b = await launch({ locale: 'en-US' });
  try {
    await b.page.goto(server.url);
    await b.page.evaluate(async () => {
      const { virtualGrid } = await import('./preview.js');
      const host = document.createElement('div');
      host.id = 'big-grid';
      document.body.prepend(host);
      const rows = 3_000_000;
      virtualGrid(host, {
        header: ['n', 'value'],
        rows,
        fetchRows: async (start, count) =>
          Array.from({ length: Math.max(0, Math.min(count, rows - start)) }, (_, i) => [String(start + i + 1), `v${start + i + 1}`]),
        label: 'rows',
        rowLabel: (n) => String(n),
      });
    });

    /** Scrolls to a share of the range; returns the labels of the rows fully in view. */
    const at = async (share) => {
      await b.page.$eval('#big-grid .grid-viewport', (v, s) => { v.scrollTop = s * (v.scrollHeight - v.clientHeight); }, share);
      // the grid redraws on the next animation frame: wait for it, then for its rows
      await b.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      await b.page.waitForFunction(() => {
        const trs = document.querySelectorAll('#big-grid tbody tr');
        return trs.length > 0 && !document.querySelector('#big-grid tbody tr.loading');
      });
      return b.page.$eval('#big-grid .grid-viewport', (v) => {
        const box = v.getBoundingClientRect();
        const head = v.querySelector('thead').getBoundingClientRect();
        return {
          drawn: v.querySelectorAll('tbody tr').length,
          inView: [...v.querySelectorAll('tbody tr')]
            .filter((tr) => {
              const r = tr.getBoundingClientRect();
              return r.top >= head.bottom - 1 && r.bottom <= box.bottom + 1;
            })
            .map((tr) => Number(tr.querySelector('th').textContent)),
          // the cell matches its row: the right block was fetched
          consistent: [...v.querySelectorAll('tbody tr')].every((tr) => tr.children[2].textContent === `v${tr.children[0].textContent}`),
        };
      });
    };

    const top = await at(0);
    assert.equal(top.inView[0], 1, 'the first row is at the top');
    assert.ok(top.drawn < 60, `only the rows in view are drawn (${top.drawn})`);

    const middle = await at(0.5);
    assert.ok(Math.abs(middle.inView[0] - 1_500_000) < 50, `the middle is near row 1,500,000 (${middle.inView[0]})`);
    assert.ok(middle.consistent);

    const bottom = await at(1);
    assert.equal(bottom.inView.at(-1), 3_000_000, `the last row is in view (${bottom.inView.slice(-3)})`);
    assert.ok(bottom.consistent);
    // consecutive rows, none skipped
    assert.deepEqual(bottom.inView, bottom.inView.map((_, i) => bottom.inView[0] + i));
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});
