// @ts-check
// Global and local recoding side by side: what each kept of every
// quasi-identifier, as the engine measured it on its output against the input
// (`result.utility`), so the person cleaning the file picks one with the
// numbers in front of them. Plain data (`comparisonOf`, shared by the page
// and the reports) and its DOM (`compareSection`); no state, no worker.
//
// "Detail kept" is the engine's granularity: 1 − the column's NCP, the mean
// over its cells of 1 − (m − 1) / (H − 1) for a cell written as a label
// covering m of its hierarchy's H values (an exact value keeps 100 %, `*` or
// a suppressed row 0 %). Overall, the mean over the quasi-identifiers.

import { boundsWords, el } from './view.js';

/** @typedef {import('./i18n.js').Translate} Translate */
/** @typedef {import('./protocol.js').CompareRun} CompareRun */
/** @typedef {'global' | 'local'} Method */

/** The two recodings, in the order they run and are shown. */
export const METHODS = /** @type {const} */ (['global', 'local']);

/**
 * One method's figures, all the engine's: null where the method could not run.
 * @typedef {object} MethodFigures
 * @property {boolean} available
 * @property {Reason | null} reason why the engine could not run it
 * @property {number | null} granularity overall detail kept (1 − NCP)
 * @property {number | null} ncp
 * @property {number | null} k the k the output reached
 * @property {number | null} records input rows
 * @property {number | null} records_retained input rows in the output with a quasi-identifier not suppressed
 * @property {number | null} rows_written
 * @property {number | null} cells quasi-identifier cells of the input
 * @property {number | null} cells_suppressed
 * @property {Record<string, number>} columns per quasi-identifier, the detail kept (its granularity)
 */

/**
 * Why the engine could not run a method: its error's code and data (the field
 * a configuration error names, the bounds that block), and its English message
 * (names and positions, never a value).
 * @typedef {{code: string, message: string, path?: string, columns?: unknown[], rows?: number, needed?: number, sensitive?: boolean}} Reason
 */

/**
 * The comparison as the reports record it.
 * @typedef {object} Comparison
 * @property {'granularity'} detail_kept what the per-column figures are: 1 − NCP
 * @property {Method} chosen the recoding whose file was written
 * @property {Record<Method, MethodFigures>} methods
 */

/**
 * The figures of one run of a comparison.
 * @param {CompareRun} run
 * @returns {MethodFigures}
 */
function figuresOf(run) {
  const result = run.done?.result;
  if (!run.done || !result) {
    const detail = /** @type {any} */ (run.error?.detail ?? {});
    return {
      available: false, reason: { ...detail, code: String(detail.code ?? run.error?.code ?? 'clean'), message: run.error?.message ?? '' },
      granularity: null, ncp: null, k: null, records: null, records_retained: null, rows_written: null, cells: null, cells_suppressed: null, columns: {},
    };
  }
  const u = result.utility;
  return {
    available: true, reason: null,
    granularity: u?.granularity ?? null,
    ncp: result.ncp?.value ?? null,
    k: result.risk_after?.k ?? result.k ?? null,
    records: u?.records ?? result.rows,
    records_retained: u?.records_retained ?? null,
    rows_written: run.done.output_summary?.rows ?? null,
    cells: u?.cells ?? null,
    cells_suppressed: u?.cells_suppressed ?? null,
    columns: Object.fromEntries(Object.entries(u?.columns ?? {}).map(([name, c]) => [name, c.granularity])),
  };
}

/**
 * The method offered first: the one keeping more detail overall (local on a
 * tie: it keeps every row), or the only one that ran.
 * @param {Record<Method, MethodFigures>} methods
 * @returns {Method}
 */
export function preferredOf(methods) {
  const { global, local } = methods;
  if (!local.available) return 'global';
  if (!global.available) return 'local';
  return (global.granularity ?? 0) > (local.granularity ?? 0) ? 'global' : 'local';
}

/**
 * The comparison of two runs; `chosen` defaults to `preferredOf`.
 * @param {Record<Method, CompareRun>} runs
 * @param {Method} [chosen]
 * @returns {Comparison}
 */
export function comparisonOf(runs, chosen) {
  const methods = { global: figuresOf(runs.global), local: figuresOf(runs.local) };
  return { detail_kept: 'granularity', chosen: chosen ?? preferredOf(methods), methods };
}

/**
 * Why a method could not run, in words, from the engine's error data.
 * @param {Translate} t
 * @param {string} lang
 * @param {Reason | null} reason
 */
export function reasonWords(t, lang, reason) {
  const detail = /** @type {any} */ (reason ?? {});
  if (detail.code === 'max_level_blocks') return boundsWords(t, lang, detail);
  if (detail.code === 'bad_config' && detail.path === 'recoding') return t('compare.why.targets');
  if (detail.code === 'no_solution') return t('compare.why.no_solution');
  if (detail.code === 'bad_config' && detail.path === 'local.suppression') return t('compare.why.cells');
  // Local recoding given the population table (k-map counted in it, δ-presence): the engine's refusal, in words.
  if (detail.code === 'bad_config' && detail.path === 'population_table' && /global recoding/.test(reason?.message ?? '')) return t('compare.why.population_table');
  return t('compare.why.other', { message: reason?.message ?? '' });
}

/**
 * The comparison's section: per quasi-identifier the detail each method kept,
 * as paired bars with their numbers; rows retained, cells suppressed, k
 * reached and the overall detail; then the choice (a radio pair), calling
 * `onChoose(method)`. A method the engine could not run is said so, with why.
 * @param {Comparison} comparison
 * @param {Translate} t
 * @param {string} lang
 * @param {(method: Method) => void} onChoose
 */
export function compareSection(comparison, t, lang, onChoose) {
  const pct = new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const number = new Intl.NumberFormat(lang);
  const { methods } = comparison;
  const names = [...new Set(METHODS.flatMap((m) => Object.keys(methods[m].columns)))];
  const bar = (/** @type {Method} */ m, /** @type {number | null | undefined} */ value, /** @type {string} */ label) => (value === null || value === undefined
    ? el('td', { dataset: { method: m, value: 'null' } }, t('compare.unavailable'))
    : el('td', { dataset: { method: m, value: String(value) } },
      el('meter', { min: 0, max: 1, value: String(value), 'aria-label': label }),
      ' ', el('span', { class: 'figure' }, pct.format(value))));
  const cell = (/** @type {Method} */ m, /** @type {number | null} */ value, /** @type {(x: number) => string} */ f) => el('td', {
    class: 'num', dataset: { method: m, value: value === null ? 'null' : String(value) },
  }, value === null ? '—' : f(value));
  const head = el('thead', {}, el('tr', {},
    el('th', { scope: 'col' }, t('compare.measure')),
    METHODS.map((m) => el('th', { scope: 'col' }, t(`compare.method.${m}`)))));
  const rows = [
    ...names.map((name) => el('tr', { dataset: { column: name } }, el('th', { scope: 'row' }, t('compare.column', { name })),
      METHODS.map((m) => bar(m, methods[m].available ? methods[m].columns[name] ?? null : null,
        t('compare.bar', { name, method: t(`compare.method.${m}`) }))))),
    el('tr', { dataset: { measure: 'granularity' } }, el('th', { scope: 'row' }, t('compare.overall')),
      METHODS.map((m) => bar(m, methods[m].granularity, t('compare.bar_overall', { method: t(`compare.method.${m}`) })))),
    el('tr', { dataset: { measure: 'records_retained' } }, el('th', { scope: 'row' }, t('compare.records_retained')),
      METHODS.map((m) => cell(m, methods[m].records_retained, (x) => t('compare.of', { n: number.format(x), total: number.format(methods[m].records ?? 0) })))),
    el('tr', { dataset: { measure: 'cells_suppressed' } }, el('th', { scope: 'row' }, t('compare.cells_suppressed')),
      METHODS.map((m) => cell(m, methods[m].cells_suppressed, (x) => t('compare.of', { n: number.format(x), total: number.format(methods[m].cells ?? 0) })))),
    el('tr', { dataset: { measure: 'k' } }, el('th', { scope: 'row' }, t('compare.k')),
      METHODS.map((m) => cell(m, methods[m].k, (x) => number.format(x)))),
  ];
  const why = METHODS.filter((m) => !methods[m].available).map((m) => el('p', { class: 'note warn', dataset: { unavailable: m } },
    t('compare.unavailable_why', { method: t(`compare.method.${m}`), why: reasonWords(t, lang, methods[m].reason) })));
  const choice = el('fieldset', { class: 'choice', id: 'recoding-choice' },
    el('legend', {}, t('compare.choose')),
    METHODS.map((m) => {
      const id = `use-${m}`;
      const input = /** @type {HTMLInputElement} */ (el('input', {
        id, type: 'radio', name: 'recoding-choice', value: m,
        checked: comparison.chosen === m, disabled: !methods[m].available,
      }));
      input.addEventListener('change', () => { if (input.checked) onChoose(m); });
      const kept = methods[m].granularity;
      return el('p', {}, input, ' ', el('label', { for: id }, methods[m].available && kept !== null
        ? t('compare.use', { method: t(`compare.method.${m}`), kept: pct.format(kept) })
        : t('compare.use_unavailable', { method: t(`compare.method.${m}`) })));
    }));
  return el('section', { class: 'compare', id: 'compare', 'aria-labelledby': 'compare-title', dataset: { chosen: comparison.chosen } },
    el('h3', { id: 'compare-title' }, t('compare.title')),
    el('p', { class: 'help', id: 'compare-help' }, t('compare.help')),
    el('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-labelledby': 'compare-title' },
      el('table', { class: 'compare-table', id: 'compare-table', 'aria-describedby': 'compare-help' },
        el('caption', {}, t('compare.caption')), head, el('tbody', {}, rows))),
    why,
    choice);
}
