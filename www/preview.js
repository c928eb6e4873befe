// A virtualised table of rows: however many rows the file has (a million is
// fine), the DOM holds only the rows in view plus a few, fetched by blocks
// through a `fetchRows(start, count)` function (the worker, for the input) and
// cached. Cell values are set as text, never HTML.

import { el } from './view.js';

const ROW_HEIGHT = 28; // px; matches .grid td in style.css
const BLOCK = 200; // rows fetched per request
const OVERSCAN = 8; // rows rendered above and below the view
const MAX_BLOCKS = 64; // blocks kept in memory

/**
 * @param {HTMLElement} container where the grid goes (its content is replaced)
 * @param {{header: string[], rows: number, fetchRows: (start: number, count: number) => Promise<string[][]>,
 *          label: string, rowLabel: (n: number) => string}} options
 * @returns {{destroy: () => void}}
 */
export function virtualGrid(container, { header, rows, fetchRows, label, rowLabel }) {
  const blocks = new Map(); // block number -> rows | Promise
  let destroyed = false;
  let frame = 0;

  const colgroup = el('colgroup', {}, el('col', { class: 'rownum' }), header.map(() => el('col')));
  const head = el('thead', {}, el('tr', {}, el('th', { scope: 'col', class: 'num' }, '#'), header.map((h) => el('th', { scope: 'col' }, h))));
  const body = el('tbody');
  const table = el('table', { class: 'grid', 'aria-rowcount': rows + 1 }, colgroup, head, body);
  const spacer = el('div', { class: 'grid-spacer' });
  const viewport = el('div', { class: 'grid-viewport', tabindex: 0, role: 'region', 'aria-label': label }, spacer, table);
  spacer.style.height = `${rows * ROW_HEIGHT + ROW_HEIGHT}px`;
  container.replaceChildren(viewport);

  function block(n) {
    if (blocks.has(n)) {
      const b = blocks.get(n);
      blocks.delete(n); // most recently used last
      blocks.set(n, b);
      return b;
    }
    const pending = fetchRows(n * BLOCK, BLOCK).then((r) => {
      if (blocks.get(n) === pending) blocks.set(n, r);
      schedule();
      return r;
    }, () => {
      if (blocks.get(n) === pending) blocks.delete(n);
    });
    blocks.set(n, pending);
    while (blocks.size > MAX_BLOCKS) blocks.delete(blocks.keys().next().value);
    return pending;
  }

  function rowAt(i) {
    const b = block(Math.floor(i / BLOCK));
    return Array.isArray(b) ? b[i % BLOCK] : null;
  }

  function draw() {
    frame = 0;
    if (destroyed) return;
    const top = viewport.scrollTop;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const visible = Math.ceil((viewport.clientHeight || 400) / ROW_HEIGHT) + 2 * OVERSCAN;
    const last = Math.min(rows, first + visible);
    const trs = [];
    for (let i = first; i < last; i++) {
      const row = rowAt(i);
      const cells = header.map((_, c) => el('td', {}, row ? (row[c] ?? '') : '…'));
      trs.push(el('tr', { 'aria-rowindex': i + 2, class: row ? undefined : 'loading' }, el('th', { scope: 'row', class: 'num' }, rowLabel(i + 1)), cells));
    }
    body.replaceChildren(...trs);
    table.style.transform = `translateY(${first * ROW_HEIGHT}px)`;
  }

  function schedule() {
    if (!frame && !destroyed) frame = requestAnimationFrame(draw);
  }

  viewport.addEventListener('scroll', schedule, { passive: true });
  draw();
  return {
    destroy() {
      destroyed = true;
      if (frame) cancelAnimationFrame(frame);
      blocks.clear();
    },
  };
}
