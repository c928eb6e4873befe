// @ts-check
// The results of a run, as DOM for the page, and the fields the person signing
// the report fills in (the report itself: report.js). Plain data in; every value
// from the file (column names, cells) is set as text or escaped, never HTML.

import { has } from './i18n.js';
import { hierarchyName } from './policy.js';
import { levelWords, linesWords } from './report.js';
import { el, formats } from './view.js';

/**
 * An action and its detail in words (`pseudonymiser (NIR)`), never a raw key when a translation exists.
 * @param {Translate} t
 * @param {string} lang
 * @param {string} action
 * @param {string | null | undefined} detail
 */
function actionWords(t, lang, action, detail) {
  const name = has(lang, `action.${action}`) ? t(`action.${action}`) : action;
  if (!detail) return name;
  const d = has(lang, `kind.${detail}`) ? t(`kind.${detail}`) : has(lang, `rep.to.${detail}`) ? t(`rep.to.${detail}`) : detail;
  return `${name} (${d})`;
}

/** @typedef {import('./i18n.js').Translate} Translate */
/** @typedef {import('./protocol.js').RiskReport} RiskReport */
/** @typedef {import('./protocol.js').AnonymiseResult} AnonymiseResult */
/** @typedef {import('./protocol.js').ApplyReport} ApplyReport */
/** @typedef {import('./store.js').Outcome} Outcome */
/** @typedef {Pick<Outcome, 'file' | 'report' | 'result' | 'header' | 'preview' | 'seconds' | 'output_summary'> & {config?: import('./policy.js').AnonymiseConfig | null}} Run */
/** @typedef {[number, number]} Bucket */
/** @typedef {import('./protocol.js').PopulationRisk} PopulationRisk */
/** @typedef {{text: string, value: number | null, model?: string | null}} Figure */

const SVG = 'http://www.w3.org/2000/svg';

/** The class-size buckets of the chart. */
const BUCKETS = /** @type {readonly Bucket[]} */ (Object.freeze([[1, 1], [2, 2], [3, 4], [5, 10], [11, 19], [20, 49], [50, 99], [100, Infinity]]));

/**
 * Records per class-size bucket, from a risk report's `class_sizes` histogram.
 * @param {RiskReport | null | undefined} report
 */
export function bucketsOf(report) {
  const counts = BUCKETS.map(() => 0);
  for (const { size, records } of report?.class_sizes ?? []) {
    const i = BUCKETS.findIndex(([lo, hi]) => size >= lo && size <= hi);
    if (i >= 0) counts[i] += records;
  }
  return counts;
}

const bucketLabel = (/** @type {Bucket} */ [lo, hi]) => (hi === Infinity ? `${lo}+` : lo === hi ? `${lo}` : `${lo}–${hi}`);

/**
 * The share of records above the first risk threshold, or null.
 * @param {RiskReport | null | undefined} report
 * @returns {number | null}
 */
function atRisk(report) {
  const values = Object.values(report?.prosecutor?.records_at_risk ?? {});
  return values.length ? values[0] : null;
}

/**
 * The rows of the before/after comparison: [key, before, after] formatted.
 * @param {AnonymiseResult} result
 * @param {Translate} t
 * @param {string} lang
 * @returns {[string, string, string][]}
 */
export function riskRows(result, t, lang) {
  const fmt = formats(lang);
  const pct = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 2 });
  const before = result.risk_before;
  const after = result.risk_after;
  /** @type {(key: string, f: (r: RiskReport) => string) => [string, string, string]} */
  const line = (key, f) => [key, before ? f(before) : '—', after ? f(after) : '—'];
  return [
    line('risk.k', (r) => fmt.number(r.k)),
    line('risk.classes', (r) => fmt.number(r.classes)),
    line('risk.sample_uniques', (r) => fmt.number(r.sample_uniques)),
    line('risk.records_at_risk', (r) => (atRisk(r) === null ? '—' : pct.format(atRisk(r)))),
    line('risk.highest', (r) => pct.format(r.prosecutor.highest)),
    line('risk.average', (r) => pct.format(r.prosecutor.average)),
  ];
}

/**
 * The rows of the population risk (the engine's figures, formatted, never
 * recomputed): [measure, key, before, after], each figure as {text, value}
 * (value: the engine's number, or null where the model gave none).
 * Empty when the run had no population.
 * @param {AnonymiseResult} result
 * @param {Translate} t
 * @param {string} lang
 * @returns {[string, string, Figure, Figure][]}
 */
export function populationRows(result, t, lang) {
  const before = result.risk_before?.population;
  const after = result.risk_after?.population;
  if (!before && !after) return [];
  const fmt = formats(lang);
  // Shares of a population are tiny: four significant digits, not two decimals.
  const pct = new Intl.NumberFormat(lang, { style: 'percent', maximumSignificantDigits: 4 });
  /** @type {(x: number | null | undefined, f?: (x: number) => string) => Figure} */
  const fig = (x, f = (v) => pct.format(v)) => (x === null || x === undefined ? { text: '—', value: null } : { text: f(x), value: x });
  /** @type {(key: string, f: (p: PopulationRisk) => Figure) => [string, string, Figure, Figure]} */
  const line = (key, f) => [t(`pop.${key}`), key, before ? f(before) : fig(null), after ? f(after) : fig(null)];
  const dankar = (/** @type {PopulationRisk} */ p) => {
    const value = fig(p.uniqueness.dankar);
    const model = p.uniqueness.dankar_model;
    return { ...value, text: `${value.text} (${t(model ? `pop.model.${model}` : 'pop.model.none')})`, model };
  };
  const threshold = (/** @type {PopulationRisk} */ p) => fig(Object.values(p.journalist.records_at_risk ?? {})[0]);
  return [
    line('size', (p) => fig(p.size, (v) => fmt.number(v))),
    line('sampling_fraction', (p) => fig(p.sampling_fraction)),
    line('pitman', (p) => fig(p.uniqueness.pitman)),
    line('zayatz', (p) => fig(p.uniqueness.zayatz)),
    line('snb', (p) => fig(p.uniqueness.snb)),
    line('dankar', dankar),
    line('journalist_highest', (p) => fig(p.journalist.highest)),
    line('journalist_average', (p) => fig(p.journalist.average)),
    line('journalist_at_risk', threshold),
    line('marketer', (p) => fig(p.marketer)),
  ];
}

/**
 * A grouped bar chart (inline SVG) of the share of records per class size, before and after.
 * @param {AnonymiseResult} result
 * @param {Translate} t
 * @param {string} lang
 */
export function classChart(result, t, lang) {
  const before = bucketsOf(result.risk_before);
  const after = bucketsOf(result.risk_after);
  const total = (/** @type {number[]} */ xs) => xs.reduce((a, b) => a + b, 0) || 1;
  const [tb, ta] = [total(before), total(after)];
  const W = 640; const H = 240; const left = 64; const bottom = 36; const top = 12;
  const plotH = H - bottom - top;
  const slot = (W - left - 8) / BUCKETS.length;
  const pct = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 });
  const svg = document.createElementNS(SVG, 'svg');
  /** @type {(node: Element, a: Record<string, unknown>) => Element} */
  const attrs = (node, a) => { for (const [k, v] of Object.entries(a)) node.setAttribute(k, String(v)); return node; };
  /** @type {(tag: string, a: Record<string, unknown>, text?: string) => Element} */
  const node = (tag, a, text) => { const n = attrs(document.createElementNS(SVG, tag), a); if (text !== undefined) n.textContent = text; return n; };
  attrs(svg, { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'chart-title chart-desc', class: 'chart' });
  svg.append(node('title', { id: 'chart-title' }, t('chart.title')));
  const desc = BUCKETS.map((b, i) => `${bucketLabel(b)}: ${pct.format(before[i] / tb)} → ${pct.format(after[i] / ta)}`).join('; ');
  svg.append(node('desc', { id: 'chart-desc' }, desc));
  for (const f of [0, 0.5, 1]) {
    const y = top + plotH * (1 - f);
    svg.append(node('line', { x1: left, x2: W - 8, y1: y, y2: y, class: 'axis' }));
    svg.append(node('text', { x: left - 6, y: y + 4, 'text-anchor': 'end', class: 'tick' }, pct.format(f)));
  }
  BUCKETS.forEach((b, i) => {
    const x = left + i * slot + slot * 0.12;
    const w = slot * 0.36;
    const hb = plotH * (before[i] / tb);
    const ha = plotH * (after[i] / ta);
    svg.append(node('rect', { x, y: top + plotH - hb, width: w, height: hb, class: 'bar-before' }));
    svg.append(node('rect', { x: x + w + 2, y: top + plotH - ha, width: w, height: ha, class: 'bar-after' }));
    svg.append(node('text', { x: left + i * slot + slot / 2, y: H - bottom + 16, 'text-anchor': 'middle', class: 'tick' }, bucketLabel(b)));
  });
  svg.append(node('text', { x: left + (W - left) / 2, y: H - 4, 'text-anchor': 'middle', class: 'tick axis-label', 'data-axis': 'x' }, t('chart.x')));
  svg.append(node('text', { x: 0, y: 0, transform: `translate(14 ${top + plotH / 2}) rotate(-90)`, 'text-anchor': 'middle', class: 'tick axis-label', 'data-axis': 'y' }, t('chart.y')));
  const legend = el('p', { class: 'legend' },
    el('span', { class: 'swatch before', 'aria-hidden': 'true' }), ` ${t('risk.before')} `,
    el('span', { class: 'swatch after', 'aria-hidden': 'true' }), ` ${t('risk.after')}`);
  return el('figure', { class: 'chart-figure' }, svg, legend);
}

/**
 * Columns with invalid identifiers: [{name, action, invalid, reasons}]
 * @param {ApplyReport | null | undefined} report
 */
export function invalidsOf(report) {
  return (report?.columns ?? []).filter((c) => c.invalid > 0).map((c) => ({
    name: c.name, action: c.action, detail: c.detail, invalid: c.invalid, reasons: c.invalid_reasons ?? {},
  }));
}

/**
 * @param {string} caption
 * @param {string[]} headers
 * @param {string[][]} rows
 * @param {Record<string, string>} [attrs]
 */
function table(caption, headers, rows, attrs = {}) {
  return el('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': caption },
    el('table', attrs,
      el('caption', {}, caption),
      el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((c, i) => (i === 0 ? el('th', { scope: 'row' }, c) : el('td', {}, c))))))));
}

/**
 * The rows of the population table's figures (the engine's, formatted): the
 * table's file and rows, the k-map counted in it and the δ range achieved,
 * each with what was asked. Empty when the run had no population table.
 * @param {import('./policy.js').AnonymiseConfig | null} config
 * @param {AnonymiseResult} result
 * @param {Translate} t
 * @param {string} lang
 * @returns {[string, string, string, {text: string, value: number | string | null}][]}
 */
export function populationTableRows(config, result, t, lang) {
  const p = result.population_table;
  if (!p) return [];
  const fmt = formats(lang);
  const share = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 });
  const delta = config?.delta_presence ?? null;
  const kmap = config?.k_map?.table ? config.k_map.k : null;
  const of = (/** @type {number | null | undefined} */ x) => ({ text: x === null || x === undefined ? '—' : share.format(x), value: x ?? null });
  return [
    ['name', t('ptab.name'), '', { text: String(config?.population_table ?? '—'), value: config?.population_table ?? null }],
    ['rows', t('ptab.rows'), '', { text: fmt.number(p.rows), value: p.rows }],
    ['k_map', t('ptab.k_map'), kmap === null ? '—' : `≥ ${fmt.number(kmap)}`, { text: fmt.number(p.k_map), value: p.k_map }],
    ['delta_min', t('ptab.delta_min'), delta ? `≥ ${share.format(delta.min)}` : '—', of(p.delta_min)],
    ['delta_max', t('ptab.delta_max'), delta ? `≤ ${share.format(delta.max)}` : '—', of(p.delta_max)],
  ];
}

/**
 * Fills `container` with the results of a run.
 * @param {HTMLElement} container
 * @param {Run} run
 * @param {Translate} t
 * @param {string} lang
 */
export function renderResults(container, run, t, lang) {
  const fmt = formats(lang);
  const { report, result } = run;
  /** @type {HTMLElement[]} */
  const parts = [el('h2', { id: 'outcome-title', tabindex: -1 }, t('results.title'))];
  const rowsOut = result ? (result.suppressed_rows === 'remove' ? result.rows - result.suppressed : result.rows) : report.rows_out;
  parts.push(el('p', { class: 'summary', dataset: { field: 'summary' } }, t('results.summary', {
    rows_in: fmt.number(report.rows_in),
    rows_out: fmt.number(rowsOut),
    suppressed: fmt.number(result?.suppressed ?? 0),
    seconds: new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(run.seconds),
  })));
  const aside = run.output_summary?.set_aside;
  if (aside?.count) {
    parts.push(el('p', { class: 'note warn', dataset: { field: 'set-aside' } }, t('results.set_aside', { n: fmt.number(aside.count), lines: linesWords(aside.lines ?? [], aside.count, lang) })));
  }
  if (result) {
    const k = result.risk_after?.k ?? result.k;
    const local = result.recoding === 'local';
    parts.push(local
      ? el('p', { class: 'note', dataset: { recoding: 'local' } }, t('results.local', {
        k: fmt.number(k), ncp: new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(result.ncp?.value ?? 0),
      }))
      : el('p', { class: result.optimal ? 'note' : 'note warn' }, t(result.optimal ? 'results.optimal' : 'results.heuristic', {
        k: fmt.number(k), nodes: fmt.number(result.nodes_checked), lattice: fmt.number(result.lattice_size),
      })));
    const rows = riskRows(result, t, lang).map(([key, b, a]) => [t(key), b, a]);
    parts.push(table(t('risk.caption'), [t('risk.measure'), t('risk.before'), t('risk.after')], rows, { class: 'risk', id: 'risk-table' }));
    const population = populationRows(result, t, lang);
    if (population.length) {
      parts.push(el('h3', { id: 'population-title' }, t('pop.title')));
      parts.push(el('p', { class: 'help' }, t('population.population')));
      const cell = (/** @type {Figure} */ f) => el('td', { dataset: { value: f.value === null ? 'null' : String(f.value), ...(f.model !== undefined ? { model: f.model ?? 'none' } : {}) } }, f.text);
      parts.push(el('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-labelledby': 'population-title' },
        el('table', { class: 'risk', id: 'population-table' },
          el('caption', {}, t('pop.caption')),
          el('thead', {}, el('tr', {}, [t('risk.measure'), t('risk.before'), t('risk.after')].map((h) => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, population.map(([label, key, b, a]) => el('tr', { dataset: { measure: key } }, el('th', { scope: 'row' }, label), cell(b), cell(a)))))));
    }
    const tableRows = populationTableRows(run.config ?? null, result, t, lang);
    if (tableRows.length) {
      parts.push(el('h3', { id: 'ptable-title' }, t('ptab.title')));
      parts.push(el('p', { class: 'help' }, t('ptab.help')));
      parts.push(el('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-labelledby': 'ptable-title' },
        el('table', { class: 'risk', id: 'ptable-figures' },
          el('caption', {}, t('ptab.caption')),
          el('thead', {}, el('tr', {}, [t('ptab.measure'), t('ptab.asked'), t('ptab.achieved')].map((h) => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, tableRows.map(([key, label, asked, achieved]) => el('tr', { dataset: { measure: key } }, el('th', { scope: 'row' }, label),
            el('td', {}, asked), el('td', { dataset: { value: achieved.value === null ? 'null' : String(achieved.value) } }, achieved.text)))))));
    }
    parts.push(classChart(result, t, lang));
    const levels = Object.entries(result.levels).map(([name, level]) => [name, `${fmt.number(level)} / ${fmt.number(result.heights?.[name] ?? level)}`,
      levelWords(t, hierarchyName(run.config?.quasi_identifiers?.[name] ?? {}), level, result.heights?.[name] ?? level, local)]);
    parts.push(table(t('levels.caption'), [t('levels.column'), t('levels.level'), t('rep.columns.treatment')], levels, { class: 'levels', id: 'levels-table' }));
    parts.push(el('p', { dataset: { field: 'suppressed' } }, t(result.suppressed_rows === 'remove' ? 'results.suppressed_removed' : 'results.suppressed_masked', {
      n: fmt.number(result.suppressed), share: fmt.percent(result.rows ? result.suppressed / result.rows : 0),
    })));
  } else {
    parts.push(el('p', { class: 'note warn' }, t('results.no_qi')));
  }
  const invalids = invalidsOf(report);
  parts.push(invalids.length
    ? table(t('invalid.caption'), [t('levels.column'), t('invalid.action'), t('invalid.count'), t('invalid.reasons')],
      invalids.map((c) => [c.name, actionWords(t, lang, c.action, c.detail), fmt.number(c.invalid),
        Object.entries(c.reasons).map(([r, n]) => `${r}: ${fmt.number(n)}`).join(', ')]), { class: 'invalids', id: 'invalid-table' })
    : el('p', { dataset: { field: 'invalid' } }, t('invalid.none')));
  if (report.key_fingerprint) parts.push(el('p', {}, t('results.fingerprint', { fingerprint: report.key_fingerprint })));
  parts.push(table(t('cleaned.caption', { n: fmt.number(run.preview.length) }), ['#', ...run.header],
    run.preview.map((r, i) => [fmt.number(i + 1), ...r]), { class: 'grid cleaned', id: 'cleaned-table' }));
  container.replaceChildren(...parts);
}

/**
 * The fields the person signing fills in for the reports (purpose, controller,
 * recipient, key holder); `onInput(name, value)` on each change.
 * @param {Record<string, string>} values
 * @param {Translate} t
 * @param {(name: 'purpose' | 'controller' | 'recipient' | 'key_holder', value: string) => void} onInput
 */
export function signingFields(values, t, onInput) {
  const names = /** @type {const} */ (['purpose', 'controller', 'recipient', 'key_holder']);
  return el('fieldset', { class: 'signing', id: 'report-fields' },
    el('legend', {}, t('sign.title')),
    el('p', { class: 'help' }, t('sign.help')),
    names.map((name) => {
      const id = `report-${name.replace('_', '-')}`;
      const input = /** @type {HTMLInputElement} */ (el('input', { id, type: 'text', value: values[name] ?? '', autocomplete: 'off', dataset: { field: name } }));
      input.addEventListener('input', () => onInput(name, input.value));
      return el('p', {}, el('label', { for: id }, t(`rep.field.${name}`)), input);
    }));
}
