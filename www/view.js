// @ts-check
// Builds the page's result and error views from plain data. No state, no
// worker, no wasm: given the same data and language it builds the same DOM.
// Every text that comes from the file (column names) is set as text, never as HTML.

import { has } from './i18n.js';
import { linesWords } from './report.js';

/** @typedef {import('./i18n.js').Translate} Translate */
/** @typedef {import('./protocol.js').Inspection} Inspection */
/** @typedef {import('./protocol.js').InspectedColumn} InspectedColumn */
/** @typedef {ReturnType<typeof formats>} Formats */

/**
 * What `el` takes as children: nodes and texts, or arrays of them; null, undefined and false are skipped.
 * @typedef {Node | string | null | undefined | false | Array<Node | string | null | undefined | false>} Child
 */

/**
 * Creates an element: `el('td', {class: 'num', dataset: {field: 'rows'}}, 'text', child)`.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any>} [attrs] attributes (true: present, false, null or undefined: absent), `class`, `dataset`
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name === 'class') node.className = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(.../** @type {any[]} */ (children).flat().filter((c) => c !== undefined && c !== null && c !== false));
  return node;
}

/**
 * Formats numbers and sizes for one language.
 * @param {string} lang
 */
export function formats(lang) {
  const number = new Intl.NumberFormat(lang);
  const percent = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 });
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'];
  return {
    number: (/** @type {number} */ n) => number.format(n),
    percent: (/** @type {number} */ x) => percent.format(x),
    size(/** @type {number} */ bytes) {
      let value = bytes;
      let unit = 0;
      while (value >= 1000 && unit < units.length - 1) {
        value /= 1000;
        unit += 1;
      }
      const f = new Intl.NumberFormat(lang, { style: 'unit', unit: units[unit], unitDisplay: unit ? 'short' : 'long', maximumFractionDigits: unit ? 1 : 0 });
      return f.format(value);
    },
  };
}

/**
 * A translated label for a vocabulary value (`role.sensitive`), or the value itself if unknown.
 * @param {Translate} t
 * @param {string} lang
 * @param {string} prefix
 * @param {unknown} value
 */
function word(t, lang, prefix, value) {
  return has(lang, `${prefix}.${value}`) ? t(`${prefix}.${value}`) : String(value);
}

/**
 * The delimiter as a word, followed by the character itself when it is printable.
 * @param {Translate} t
 * @param {string} lang
 * @param {string} delimiter
 * @returns {Child[]}
 */
function delimiterNodes(t, lang, delimiter) {
  const name = word(t, lang, 'delimiter', delimiter);
  return delimiter === '\t' ? [name] : [name, ' ', el('code', {}, delimiter)];
}

/**
 * @param {string} name
 * @param {string} label
 * @param {...Child} value
 */
function field(name, label, ...value) {
  return el('div', { class: 'field' }, el('dt', {}, label), el('dd', { dataset: { field: name } }, ...value));
}

/**
 * The dialect and size of the file, as a description list.
 * @param {Translate} t
 * @param {string} lang
 * @param {Inspection} inspection
 * @param {Formats} fmt
 */
function dialectList(t, lang, inspection, fmt) {
  const d = inspection.dialect ?? { format: 'csv' };
  const items = [field('format', t('result.format'), word(t, lang, 'format', d.format))];
  if (d.format === 'workbook') {
    if (d.sheet !== undefined) items.push(field('sheet', t('result.sheet'), d.sheet));
  } else {
    items.push(
      field('delimiter', t('result.delimiter'), ...delimiterNodes(t, lang, d.delimiter)),
      field('encoding', t('result.encoding'), word(t, lang, 'encoding', d.encoding)),
      field('bom', t('result.bom'), t(d.bom ? 'bom.yes' : 'bom.no')),
      field('line_ending', t('result.line_ending'), word(t, lang, 'line_ending', d.line_ending)),
    );
  }
  items.push(
    field('rows', t('result.rows'), fmt.number(inspection.rows)),
    field('columns', t('result.columns'), fmt.number(inspection.columns?.length ?? 0)),
  );
  const list = el('dl', { class: 'dialect' }, items);
  if (d.format !== 'workbook') return [list];
  const encoding = word(t, lang, 'encoding', d.encoding) + (d.bom ? ' + BOM' : '');
  const note = t('result.workbook_output', {
    delimiter: word(t, lang, 'delimiter', d.delimiter),
    encoding,
    line_ending: word(t, lang, 'line_ending', d.line_ending),
  });
  return [list, el('p', { class: 'note', dataset: { field: 'output' } }, note)];
}

/**
 * What reading noticed (header repairs, long quoted fields, skipped lines), if anything.
 * @param {Translate} t
 * @param {Inspection['warnings']} warnings
 * @param {string} lang
 * @param {Inspection['set_aside']} [setAside] the malformed records set aside
 */
function warningList(t, warnings, lang, setAside) {
  const aside = setAside?.count
    ? [el('li', { dataset: { kind: 'set_aside' } }, t('warning.set_aside', {
      n: setAside.count.toLocaleString(lang), lines: linesWords(setAside.lines ?? [], setAside.count, lang),
    }))]
    : [];
  if (!warnings?.length && !aside.length) return [];
  warnings = warnings ?? [];
  const items = warnings.map((w) => {
    const key = `warning.${w.kind}`;
    const params = Object.fromEntries(
      Object.entries(w).map(([k, v]) => [k, typeof v === 'number' && k !== 'column' ? v.toLocaleString(lang) : v]),
    );
    return el('li', { dataset: { kind: w.kind } }, t(has('en', key) ? key : 'warning.other', params));
  });
  return [
    el('section', { class: 'warnings', 'aria-labelledby': 'warnings-title' },
      el('h3', { id: 'warnings-title' }, t('warnings.title')),
      el('ul', {}, aside, items)),
  ];
}

/**
 * A policy entry in words (`pseudonymiser (NIR)`, `généraliser (à l’année)`,
 * `décaler les dates par patient (…)`): the action and its parameters
 * translated, never a raw key where the page has words for it.
 * @param {Translate} t
 * @param {string} lang
 * @param {import('./protocol.js').PolicyAction} entry a name (`drop`) or an object (`{action: 'pseudonymise', kind: 'nir'}`)
 */
export function entryWords(t, lang, entry) {
  const e = entry && typeof entry === 'object' ? /** @type {Record<string, any>} */ (entry) : { action: String(entry ?? 'keep') };
  if (e.action === 'date_shift' && typeof e.subject === 'string' && Number(e.max_days) > 0) {
    return t('action.date_shift_by', { subject: e.subject, days: Number(e.max_days) });
  }
  const name = word(t, lang, 'action', e.action);
  /** @type {string[]} */
  const extras = [];
  for (const [k, v] of Object.entries(e)) {
    if (k === 'action') continue;
    if (k === 'kind' && has(lang, `kind.${v}`)) extras.push(t(`kind.${v}`));
    else if (k === 'to' && has(lang, `rep.to.${v}`)) extras.push(t(`rep.to.${v}`));
    else if (has(lang, `param.${k}`)) extras.push(t(`param.${k}`, { value: typeof v === 'object' ? JSON.stringify(v) : String(v) }));
    else extras.push(`${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`);
  }
  return extras.length ? `${name} (${extras.join(', ')})` : name;
}

/**
 * Why masque suggests what it does for a column, in the page's language: what
 * the header or the values show the column holds (the suggestion's `concept`),
 * and whether the values bear it out.
 * @param {Translate} t
 * @param {string} lang
 * @param {import('./protocol.js').Suggestion | undefined} suggestion
 */
export function reasonWords(t, lang, suggestion) {
  if (!suggestion) return t('columns.none');
  // An engine without concepts: its own reason (English) is all there is.
  if (!Object.hasOwn(suggestion, 'concept')) return suggestion.reason ?? t('columns.none');
  const concept = /** @type {{concept?: string | null}} */ (suggestion).concept;
  if (!concept || !has(lang, `concept.${concept}`)) return t('reason.none');
  const agree = /** @type {{values_agree?: boolean}} */ (suggestion).values_agree !== false;
  return t(agree ? 'reason.concept' : 'reason.concept_unconfirmed', { what: t(`concept.${concept}`) });
}

/**
 * Confidence as a share (0..1), a percentage, or a word (`high`).
 * @param {Translate} t
 * @param {string} lang
 * @param {Formats} fmt
 * @param {number | string} confidence
 */
function confidenceText(t, lang, fmt, confidence) {
  if (typeof confidence === 'number' && Number.isFinite(confidence)) {
    return fmt.percent(confidence > 1 ? confidence / 100 : confidence);
  }
  return word(t, lang, 'confidence', confidence);
}

/**
 * The columns table; the suggestion columns appear when detection provided them.
 * @param {Translate} t
 * @param {string} lang
 * @param {InspectedColumn[]} columns
 * @param {Formats} fmt
 * @param {boolean} [withSuggestions] the suggestion's columns (role, action, confidence, reason) too
 */
function columnsTable(t, lang, columns, fmt, withSuggestions = true) {
  const suggested = withSuggestions && columns.some((c) => c.suggestion);
  const head = [
    el('th', { scope: 'col', class: 'num' }, t('columns.position')),
    el('th', { scope: 'col' }, t('columns.name')),
    el('th', { scope: 'col', class: 'num' }, t('columns.distinct')),
    el('th', { scope: 'col', class: 'num' }, t('columns.empty')),
  ];
  if (suggested) {
    head.push(
      el('th', { scope: 'col' }, t('columns.role')),
      el('th', { scope: 'col' }, t('columns.action')),
      el('th', { scope: 'col', class: 'num' }, t('columns.confidence')),
      el('th', { scope: 'col' }, t('columns.reason')),
    );
  }
  const rows = columns.map((c, i) => {
    const cells = [
      el('td', { class: 'num' }, fmt.number(i + 1)),
      el('th', { scope: 'row', dataset: { field: 'name' } }, c.name),
      el('td', { class: 'num', dataset: { field: 'distinct' } }, fmt.number(c.distinct)),
      el('td', { class: 'num', dataset: { field: 'empty' } }, fmt.number(c.empty)),
    ];
    if (suggested) {
      const s = c.suggestion;
      const none = t('columns.none');
      cells.push(
        el('td', { dataset: { field: 'role' }, class: s ? `role role-${s.role}` : undefined }, s ? word(t, lang, 'role', s.role) : none),
        el('td', { dataset: { field: 'action' } }, s ? entryWords(t, lang, s.action) : none),
        el('td', { class: 'num', dataset: { field: 'confidence' } }, s ? confidenceText(t, lang, fmt, s.confidence) : none),
        el('td', { dataset: { field: 'reason' } }, s ? reasonWords(t, lang, s) : none),
      );
    }
    return el('tr', {}, cells);
  });
  return el('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-labelledby': 'columns-caption' },
    el('table', { class: 'columns' },
      el('caption', { id: 'columns-caption' }, t('columns.caption')),
      el('thead', {}, el('tr', {}, head)),
      el('tbody', {}, rows)));
}

/**
 * Fills `container` with what `inspect` found.
 * @param {HTMLElement} container
 * @param {{file: {name: string, size: number}, inspection: Inspection, suggestions?: boolean}} data
 *   `suggestions: false`: the columns without masque's suggestions (the page shows them once, in the column policy)
 * @param {Translate} t
 * @param {string} lang
 */
export function renderInspection(container, { file, inspection, suggestions = true }, t, lang) {
  const fmt = formats(lang);
  container.replaceChildren(
    el('h2', { id: 'result-title' }, t('result.title')),
    el('p', { class: 'file', dataset: { field: 'file' } }, t('result.file', { name: file.name, size: fmt.size(file.size) })),
    ...dialectList(t, lang, inspection, fmt),
    ...warningList(t, inspection.warnings, lang, inspection.set_aside),
    columnsTable(t, lang, inspection.columns ?? [], fmt, suggestions),
  );
}

/**
 * Fills `container` with a readable error: a translated headline, the engine's
 * message (positions only, never values) and what to do next.
 * @param {HTMLElement} container
 * @param {{code: string, message: string, detail?: any, said?: boolean}} error `said`: a message the page wrote, in the user's language
 * @param {Translate} t
 * @param {string} lang
 */
export function renderError(container, error, t, lang) {
  const code = has(lang, `error.${error.code}`) ? error.code : 'worker';
  const parts = [el('p', { class: 'error-title' }, t(`error.${code}`))];
  // The page's own messages (settings, key and policy files) are already in the user's language.
  if (error.said) {
    if (error.message) parts.push(el('p', { class: 'error-detail' }, error.message));
    if (has(lang, `error.hint.${code}`)) parts.push(el('p', { class: 'error-hint' }, t(`error.hint.${code}`)));
    container.replaceChildren(...parts);
    return;
  }
  const hint = code === 'read' ? 'error.hint.read' : code === 'engine' ? 'error.hint.engine' : code === 'clean' ? 'error.hint.clean' : 'error.hint.retry';
  const detail = error.detail?.code ? String(error.detail.code) : null;
  // A reading error of the population table is said as the table's (its code is a file's reading error).
  const inTable = /** @type {any} */ (error.detail)?.file === 'population_table' ? `${t('ptable.error_in')} ` : '';
  const population = detail ? populationWords(t, lang, error.detail) : null;
  if (population) {
    parts.push(el('p', { class: 'error-detail', dataset: { code: /** @type {string} */ (detail) } }, population), el('p', { class: 'error-hint' }, t(hint)));
    container.replaceChildren(...parts);
    return;
  }
  const known = detail && (has(lang, `read.${detail}`) || has(lang, `search.${detail}`));
  if (known && detail === 'max_level_blocks') {
    // The error's data names the blocking columns: no hint beyond what to relax.
    parts.push(el('p', { class: 'error-detail', dataset: { code: detail } }, boundsWords(t, lang, error.detail)));
    container.replaceChildren(...parts);
    return;
  }
  if (known) {
    const numbers = Object.fromEntries(
      Object.entries(error.detail).map(([k, v]) => [k, typeof v === 'number' ? v.toLocaleString(lang) : v]),
    );
    parts.push(el('p', { class: 'error-detail', ...(inTable ? { dataset: { file: 'population_table' } } : {}) }, inTable + t(`read.${detail}`, numbers)));
    // A workbook's reason comes from the workbook reader, in English only.
    if (detail === 'workbook' && error.message) {
      parts.push(el('p', { class: 'error-detail' }, t('error.detail', { message: error.message })));
    }
  } else if (error.message) {
    parts.push(el('p', { class: 'error-detail' }, inTable + t('error.detail', { message: error.message })));
  }
  parts.push(el('p', { class: 'error-hint' }, t(hint)));
  container.replaceChildren(...parts);
}

/** The engine's errors about the population table, by code. */
const POPULATION_ERRORS = Object.freeze(['population_unknown_column', 'population_not_in_hierarchy', 'not_in_population']);

/**
 * An engine error about the population table in the user's language (null:
 * not one), from the error's data: `code`, `column` (the quasi-identifier's
 * name) and `row` (1-based: the table's, or the file's for
 * `not_in_population`): names and positions, never a value.
 * @param {Translate} t
 * @param {string} lang
 * @param {any} detail
 * @returns {string | null}
 */
export function populationWords(t, lang, detail) {
  const code = String(detail?.code ?? '');
  if (!POPULATION_ERRORS.includes(code)) return null;
  const column = typeof detail.column === 'string' ? detail.column : '?';
  const row = typeof detail.row === 'number' ? detail.row.toLocaleString(lang) : '?';
  return t(`search.${code}`, { column, row });
}

/**
 * The columns whose "keep at least" bound stops the anonymisation from
 * reaching k, and what to relax, in the user's language, from the engine's
 * `max_level_blocks` error data: `columns` (names, or `[name, max_level]`
 * pairs, or `{name, max_level}`), `rows` (the smallest group's), `needed` (k
 * or more), `sensitive` (the group fails l / t rather than k).
 * @param {Translate} t
 * @param {string} lang
 * @param {any} data
 */
export function boundsWords(t, lang, data) {
  const names = (Array.isArray(data?.columns) ? data.columns : [])
    .map((/** @type {any} */ c) => (Array.isArray(c) ? c[0] : c && typeof c === 'object' ? c.name : c))
    .filter((/** @type {unknown} */ n) => typeof n === 'string');
  const list = new Intl.ListFormat(lang, { type: 'conjunction' }).format(names);
  const fmt = formats(lang);
  const params = { columns: list, rows: fmt.number(Number(data?.rows) || 0), needed: fmt.number(Number(data?.needed) || 0) };
  const one = names.length === 1 ? 'one' : 'many';
  return `${t(`search.max_level_blocks.${one}`, params)} ${t(data?.sensitive ? 'search.max_level_blocks.sensitive' : 'search.max_level_blocks.k', params)} ${t(`search.max_level_blocks.relax_${one}`, params)}`;
}
