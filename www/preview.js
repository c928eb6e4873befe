// @ts-check
// A virtualised table of rows: however many rows the file has (a million is
// fine), the DOM holds only the rows in view plus a few, fetched by blocks
// through a `fetchRows(start, count)` function (the worker, for the input) and
// cached. Cell values are set as text, never HTML.

import { el } from './view.js';

const ROW_HEIGHT = 28; // px; matches .grid td in style.css
const BLOCK = 200; // rows fetched per request
const OVERSCAN = 8; // rows rendered above and below the view
const MAX_BLOCKS = 64; // blocks kept in memory
// Browsers cap an element's height (Chrome near 33.5 million px, Firefox near
// 17.9 million): past this, the scroll range stands for the rows in proportion
// instead of 28 px each, so the last of several million rows stays reachable.
const MAX_SPACER = 12_000_000; // px

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
  const fullHeight = rows * ROW_HEIGHT + ROW_HEIGHT;
  const height = Math.min(fullHeight, MAX_SPACER);
  spacer.style.height = `${height}px`;
  container.replaceChildren(viewport);

  /** @param {number} n a block number */
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

  /** @param {number} i a row number */
  function rowAt(i) {
    const b = block(Math.floor(i / BLOCK));
    return Array.isArray(b) ? b[i % BLOCK] : null;
  }

  function draw() {
    frame = 0;
    if (destroyed) return;
    const top = viewport.scrollTop;
    const view = viewport.clientHeight || 400;
    const pageRows = Math.ceil(view / ROW_HEIGHT);
    const fullRows = Math.max(1, Math.floor((view - ROW_HEIGHT) / ROW_HEIGHT)); // below the header
    // The row at the top of the view: 28 px a row, or in proportion when scaled.
    const maxTop = Math.max(1, height - view);
    const topRow = height === fullHeight
      ? Math.floor(top / ROW_HEIGHT)
      : Math.round((Math.min(top, maxTop) / maxTop) * Math.max(0, rows - fullRows));
    const first = Math.max(0, topRow - OVERSCAN);
    const last = Math.min(rows, first + pageRows + 2 * OVERSCAN);
    const trs = [];
    for (let i = first; i < last; i++) {
      const row = rowAt(i);
      const cells = header.map((_, c) => el('td', {}, row ? (row[c] ?? '') : '…'));
      trs.push(el('tr', { 'aria-rowindex': i + 2, class: row ? undefined : 'loading' }, el('th', { scope: 'row', class: 'num' }, rowLabel(i + 1)), cells));
    }
    body.replaceChildren(...trs);
    // Row `topRow` is drawn at the top of the view.
    const offset = height === fullHeight ? first * ROW_HEIGHT : top - (topRow - first) * ROW_HEIGHT;
    table.style.transform = `translateY(${Math.max(0, offset)}px)`;
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
