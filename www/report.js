// @ts-check
// The report of a run, one object for the page's JSON download and the embed's
// `blob.masque.report` (`reportOf`), and its rendering as a standalone HTML
// document a DPO can read, complete and print to PDF (`reportHtml`).
//
// Every figure is the output's as written (distinct values counted after the
// generalisation and the suppression), every treatment said in words in the
// report's language. Counts, column names, settings and the key's fingerprint
// only: never a cell value, never the key. Plain data in and out: no DOM, no
// worker, so the page and the embed share it.

import { translator } from './i18n.js';
import { POPULATION_PRESETS, entryOf, hierarchyName } from './policy.js';
import { reasonWords } from './compare.js';

/** @typedef {import('./protocol.js').CleanResult} CleanResult */
/** @typedef {import('./protocol.js').RiskReport} RiskReport */
/** @typedef {import('./policy.js').AnonymiseConfig} AnonymiseConfig */

/** The version of the report object's shape. */
export const REPORT_VERSION = 1;

/** The risk threshold the page reports "rows at risk" for (the engine's default). */
const THRESHOLD = 0.2;

/**
 * What the person signing fills in (also editable in the HTML report).
 * @typedef {{purpose?: string, controller?: string, recipient?: string, key_holder?: string}} Signing
 */

/**
 * What a report is made of.
 * @typedef {object} ReportInput
 * @property {Omit<CleanResult, 'output'> & {output?: Blob}} done the CLEAN result
 * @property {{name: string, size?: number}} file the input file
 * @property {{input?: string | null, output?: string | null}} [digests] SHA-256 of the input and of the output file, hex
 * @property {object} policy the policy sent (with or without its `anonymise` section)
 * @property {AnonymiseConfig | null} config the anonymisation asked for (as saved: without the sensitive columns listed as `{}` only to be measured)
 * @property {Record<string, string>} [roles] each column's role (`direct_identifier`, `quasi_identifier`, `sensitive`, `other`)
 * @property {number} finishedAt
 * @property {string} lang the language of the report's sentences
 * @property {Signing} [signing]
 * @property {import('./compare.js').Comparison | null} [comparison] global and local recoding side by side, and the one chosen (this run's)
 */

/**
 * The words for a generalisation level of a quasi-identifier.
 * @param {(key: string, params?: Record<string, unknown>) => string} t
 * @param {string | null} hierarchy the page's name of the hierarchy (null: another one)
 * @param {number} level
 * @param {number} height
 * @param {boolean} [local] local recoding: the level is the highest any row reached
 */
export function levelWords(t, hierarchy, level, height, local = false) {
  if (level === 0) return t('rep.level.exact');
  if (level >= height) return local ? t('rep.level.up_to', { words: t('rep.level.top') }) : t('rep.level.top');
  const key = `rep.level.${hierarchy}.${level}`;
  let words = hierarchy === 'mask' ? t('rep.level.mask', { n: level }) : t(key);
  if (words === key) words = t('rep.level.other', { level, height });
  return local ? t('rep.level.up_to', { words }) : words;
}

/**
 * A risk report's prosecutor figures.
 * @param {RiskReport | null | undefined} r
 */
function riskFigures(r) {
  if (!r) return null;
  const atRisk = r.prosecutor?.records_at_risk ?? {};
  return {
    k: r.k, classes: r.classes, sample_uniques: r.sample_uniques,
    highest: r.prosecutor.highest, average: r.prosecutor.average,
    records_at_risk: Object.hasOwn(atRisk, String(THRESHOLD)) ? atRisk[String(THRESHOLD)] : (Object.values(atRisk)[0] ?? null),
  };
}

/**
 * The population model of a run, for the DPIA: what the file is a sample of
 * (the size the engine used, and where it comes from), the risk targets asked
 * for, and the engine's population figures before and after, as it returned
 * them. Null when the file was taken as the whole population.
 * @param {AnonymiseConfig | null} config
 * @param {import('./protocol.js').AnonymiseResult | null | undefined} result
 */
function populationModel(config, result) {
  const before = result?.risk_before?.population ?? null;
  const after = result?.risk_after?.population ?? null;
  const asked = config?.population ?? null;
  if (!before && !after && asked === null) return null;
  const preset = typeof asked === 'string' && Object.hasOwn(POPULATION_PRESETS, asked)
    ? /** @type {keyof typeof POPULATION_PRESETS} */ (asked) : null;
  return {
    size: before?.size ?? after?.size ?? (typeof asked === 'number' ? asked : null),
    preset,
    // A preset's year and source; a size typed by the user has none.
    year: preset ? POPULATION_PRESETS[preset].year : null,
    source: preset ? POPULATION_PRESETS[preset].source : null,
    before, after,
  };
}

/**
 * The report of a run, as plain JSON data (see the module's comment).
 * @param {ReportInput} input
 */
export function reportOf({ done, file, digests = {}, policy, config, roles = {}, finishedAt, lang, signing = {}, comparison = null }) {
  const t = translator(lang);
  const apply = done.report;
  const result = done.result;
  const summary = done.output_summary ?? null;
  const outCols = new Map((summary?.columns ?? []).map((c) => [c.name, c]));
  const qis = config?.quasi_identifiers ?? {};
  const rowsWritten = summary?.rows ?? (result ? result.retained ?? result.rows - (result.suppressed_rows === 'remove' ? result.suppressed : 0) : apply.rows_out);
  const number = new Intl.NumberFormat(lang);

  /** @type {Record<string, number>} */
  const freeText = {};
  const columns = apply.columns.map((c) => {
    const entry = entryOf((/** @type {any} */ (policy)).columns?.[c.name] ?? c.action);
    // `age_at` writes the column under another name (`renamed`).
    const written = typeof c.renamed === 'string' ? c.renamed : c.name;
    const out = outCols.get(written);
    const isQi = Object.hasOwn(qis, written);
    const role = isQi ? 'quasi_identifier' : (roles[c.name] ?? (Object.hasOwn(config?.sensitive ?? {}, written) ? 'sensitive' : 'other'));
    /** @type {string[]} */
    const words = [];
    /** @type {Record<string, unknown>} */
    const fact = {
      name: c.name, ...(written !== c.name ? { written_as: written } : {}), role, action: c.action, ...(c.detail ? { detail: c.detail } : {}),
      in_output: Boolean(out), distinct_in: c.distinct_in, distinct_out: out?.distinct ?? 0, empty_out: out?.empty ?? 0,
      invalid: c.invalid, ...(c.invalid ? { invalid_reasons: c.invalid_reasons ?? {} } : {}),
    };
    if (c.action === 'drop') words.push(t('rep.do.drop'));
    else if (c.action === 'pseudonymise') words.push(t('rep.do.pseudonymise', { kind: t(`kind.${c.detail ?? entry.kind ?? 'text'}`) }));
    else if (c.action === 'redact') words.push(t('rep.do.redact'));
    else if (c.action === 'scrub') {
      const replaced = c.replaced ?? {};
      for (const [kind, n] of Object.entries(replaced)) freeText[kind] = (freeText[kind] ?? 0) + n;
      fact.replaced = replaced;
      const parts = Object.entries(replaced).filter(([, n]) => n > 0).map(([kind, n]) => `${number.format(n)} ${t(`rep.found.${kind}`)}`);
      words.push(t('rep.do.scrub', { found: parts.length ? parts.join(', ') : t('rep.found.none') }));
    } else if (c.action === 'generalise') words.push(t('rep.do.generalise', { to: t(`rep.to.${c.detail ?? entry.to ?? 'other'}`) }));
    else if (c.action === 'date_shift') words.push(t('rep.do.date_shift'));
    else if (c.action === 'age_at') words.push(t('rep.do.age_at', { at: String(entry.at ?? ''), column: written }));
    else if (c.action === 'mask') words.push(t('rep.do.mask'));
    else if (!isQi) words.push(t('rep.do.keep'));
    if (isQi && result) {
      const hierarchy = hierarchyName(qis[written]);
      const level = result.levels?.[written] ?? 0;
      const height = result.heights?.[written] ?? level;
      Object.assign(fact, { hierarchy: hierarchy ?? 'other', level, height });
      words.push(t('rep.do.qi', { level: levelWords(t, hierarchy, level, height, result.recoding === 'local'), n: level, height }));
    }
    if (c.invalid) words.push(t('rep.do.invalid', { n: number.format(c.invalid) }));
    fact.treatment = words.join(' ; ').replace(/ ; /g, lang === 'fr' ? '\u00a0; ' : '; ');
    return fact;
  });

  const criteriaOf = (/** @type {string} */ name) => (/** @type {Record<string, {l_distinct?: number, t_closeness?: number}>} */ (config?.sensitive ?? {}))[name] ?? {};
  const sensitiveNames = [...new Set([
    ...Object.entries(roles).filter(([n, r]) => r === 'sensitive' && outCols.has(n) && !Object.hasOwn(qis, n)).map(([n]) => n),
    ...Object.keys(config?.sensitive ?? {}),
  ])];
  const diversity = sensitiveNames.map((name) => {
    const before = result?.risk_before?.sensitive?.[name];
    const after = result?.risk_after?.sensitive?.[name];
    return {
      column: name,
      l_distinct_before: before?.l_distinct ?? null, l_distinct_after: after?.l_distinct ?? null,
      l_entropy_after: after?.l_entropy ?? null, t_closeness_after: after?.t_closeness ?? null,
      required_l: criteriaOf(name).l_distinct ?? null, required_t: criteriaOf(name).t_closeness ?? null,
    };
  });
  const sensitiveCriteria = Object.values(config?.sensitive ?? {}).find((x) => x.l_distinct || x.t_closeness) ?? {};

  return {
    format: 'masque-report', report_version: REPORT_VERSION, lang,
    masque_version: apply.masque_version,
    file: file.name,
    finished_at: new Date(finishedAt).toISOString(),
    input: { name: file.name, bytes: file.size ?? null, sha256: digests.input ?? null, rows: apply.rows_in, columns: apply.columns_in },
    output: { bytes: done.output?.size ?? null, sha256: digests.output ?? null, rows: rowsWritten, columns: summary?.columns.length ?? apply.columns_out, dialect: done.dialect },
    rows: {
      read: apply.rows_in, written: rowsWritten, suppressed: result?.suppressed ?? 0, suppressed_rows: result?.suppressed_rows ?? null,
      // Malformed records the read set aside: never in the output, their lines listed (the first 1,000).
      set_aside: summary?.set_aside?.count ?? 0, set_aside_lines: summary?.set_aside?.lines ?? [],
    },
    columns,
    free_text: freeText,
    method: {
      pseudonyms: 'HMAC-SHA-256', key_fingerprint: apply.key_fingerprint ?? null,
      pseudonymised: columns.filter((c) => c.action === 'pseudonymise').map((c) => c.name),
    },
    privacy_model: config ? {
      model: 'k-anonymity', k: config.k,
      // The risk targets, as the anonymisation was given them (null: not asked).
      population_uniqueness: config.population_uniqueness ?? null, average_risk: config.average_risk ?? null,
      sample_uniqueness: config.sample_uniqueness ?? null, k_map: config.k_map ?? null, suppression_limit: config.suppression_limit, suppressed_rows: config.suppressed_rows,
      l: sensitiveCriteria.l_distinct ?? null, t: sensitiveCriteria.t_closeness ?? null,
      quasi_identifiers: Object.fromEntries(Object.keys(qis).map((n) => [n, hierarchyName(qis[n]) ?? 'other'])),
      metric: config.metric ?? null, recoding: config.recoding === 'local' ? 'local' : 'global', ncp: result?.ncp?.value ?? null,
      k_achieved: result ? (result.risk_after?.k ?? result.k ?? null) : null, optimal: result?.optimal ?? null,
    } : null,
    population_model: populationModel(config, result),
    // The population table: its file's name (the bytes stayed on the computer), what was asked and the engine's figures.
    population_table: result?.population_table ? {
      name: config?.population_table ?? null, rows: result.population_table.rows,
      k_map_asked: config?.k_map?.table ? config.k_map.k : null, delta_asked: config?.delta_presence ?? null,
      k_map: result.population_table.k_map, delta_min: result.population_table.delta_min ?? null, delta_max: result.population_table.delta_max ?? null,
      monotone: result.population_table.monotone,
    } : null,
    // Both recodings' figures (the engine's utility of each output) and the one whose file this is; null when one ran.
    recoding_comparison: comparison,
    attacker_model: result ? { model: 'prosecutor', threshold: THRESHOLD, before: riskFigures(result.risk_before), after: riskFigures(result.risk_after) } : null,
    l_diversity: diversity,
    signing: { purpose: signing.purpose ?? '', controller: signing.controller ?? '', recipient: signing.recipient ?? '', key_holder: signing.key_holder ?? '' },
    // The engine's own reports, whole (counts and settings only).
    policy, anonymise: config, apply_report: apply, anonymise_result: result, output_summary: summary, timings: done.timings,
  };
}

/** @typedef {ReturnType<typeof reportOf>} Report */

/**
 * Line numbers as a list (`5, 17, 90`), the first 20, with `…` when more were counted.
 * @param {number[]} lines
 * @param {number} count
 * @param {string} lang
 */
export function linesWords(lines, count, lang) {
  const number = new Intl.NumberFormat(lang);
  const shown = lines.slice(0, 20).map((l) => number.format(l)).join(', ');
  return count > Math.min(lines.length, 20) ? `${shown}, …` : shown;
}

const escape = (/** @type {unknown} */ s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The report's print-ready style (also on screen); `@media print` hides the editing hints. */
export const REPORT_STYLE = `
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #999}
table{border-collapse:collapse;margin:1rem 0;width:100%}th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}caption{text-align:left;font-weight:600}
code,.hash{font-family:ui-monospace,monospace;word-break:break-all}
.field{border-bottom:1px dashed #777;min-height:1.6em;padding:.1rem .3rem;background:#fffbe6}
.hint{color:#555;font-size:.9em}.sign{display:grid;grid-template-columns:1fr 1fr;gap:1rem}.sign .field{min-height:4rem}
@media print{
  @page{size:A4;margin:18mm 15mm}
  body{max-width:none;margin:0;padding:0;font-size:10.5pt;color:#000}
  .hint{display:none}.field{background:none;border-bottom:1px solid #000}
  h2{break-after:avoid}tr,.sign{break-inside:avoid}table{font-size:9.5pt}thead{display:table-header-group}
}`;

/**
 * A standalone HTML document of `report` (no script, no external resource),
 * in the report's language; purpose, controller, recipient, key holder, date
 * and signature are editable before printing.
 * @param {Report} report
 */
export function reportHtml(report) {
  const lang = report.lang;
  const t = translator(lang);
  const number = new Intl.NumberFormat(lang);
  const pct = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 2 });
  const n = (/** @type {number | null | undefined} */ x) => (x === null || x === undefined ? '—' : number.format(x));
  const p = (/** @type {number | null | undefined} */ x) => (x === null || x === undefined ? '—' : pct.format(x));
  // A threshold as typed: every digit it has.
  const pctExact = (/** @type {number} */ x) => new Intl.NumberFormat(lang, { style: 'percent', maximumSignificantDigits: 21 }).format(x);
  const tableOf = (/** @type {string} */ caption, /** @type {string[]} */ headers, /** @type {(string | {num: string})[][]} */ rows) => `<table><caption>${escape(caption)}</caption>
<thead><tr>${headers.map((h) => `<th scope="col">${escape(h)}</th>`).join('')}</tr></thead><tbody>
${rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${escape(c)}</th>` : typeof c === 'object' ? `<td class="num">${escape(c.num)}</td>` : `<td>${escape(c)}</td>`)).join('')}</tr>`).join('\n')}
</tbody></table>`;
  const field = (/** @type {string} */ key, /** @type {string} */ value) => `<p><strong>${escape(t(`rep.field.${key}`))}</strong></p><div class="field" contenteditable="true" data-field="${key}">${escape(value)}</div>`;
  const s = [];
  s.push(`<h1>${escape(t('report.title'))}</h1>`);
  s.push(`<p>${escape(t('report.intro', { name: report.file, date: new Date(report.finished_at).toLocaleString(lang), version: report.masque_version }))}</p>`);
  s.push(`<p class="hint">${escape(t('rep.hint'))}</p>`);

  s.push(`<h2>${escape(t('rep.h.context'))}</h2>`);
  s.push(field('purpose', report.signing.purpose), field('controller', report.signing.controller), field('recipient', report.signing.recipient));

  s.push(`<h2>${escape(t('rep.h.files'))}</h2>`);
  s.push(tableOf(t('rep.h.files'), [t('rep.files.what'), t('rep.files.input'), t('rep.files.output')], [
    [t('rep.files.name'), report.input.name, '—'],
    [t('rep.files.bytes'), { num: n(report.input.bytes) }, { num: n(report.output.bytes) }],
    [t('rep.files.rows'), { num: n(report.rows.read) }, { num: n(report.rows.written) }],
    [t('rep.files.columns'), { num: n(report.input.columns) }, { num: n(report.output.columns) }],
    ['SHA-256', report.input.sha256 ?? '—', report.output.sha256 ?? '—'],
  ]).replace(/<td>([0-9a-f]{64})<\/td>/g, '<td class="hash">$1</td>'));
  s.push(`<p data-field="rows">${escape(t('rep.rows', { read: n(report.rows.read), written: n(report.rows.written), suppressed: n(report.rows.suppressed) }))}${report.rows.suppressed && report.rows.suppressed_rows ? ` ${escape(t(report.rows.suppressed_rows === 'remove' ? 'rep.rows.removed' : 'rep.rows.masked'))}` : ''}</p>`);
  if (report.rows.set_aside) {
    s.push(`<p data-field="set-aside">${escape(t('rep.rows.set_aside', { n: n(report.rows.set_aside), lines: linesWords(report.rows.set_aside_lines, report.rows.set_aside, lang) }))}</p>`);
  }

  s.push(`<h2>${escape(t('rep.h.columns'))}</h2>`);
  s.push(tableOf(t('rep.columns.caption'), [t('levels.column'), t('rep.columns.role'), t('rep.columns.treatment'), t('report.distinct_in'), t('rep.columns.distinct_out'), t('rep.columns.empty_out')],
    report.columns.map((c) => [String(c.name), t(`role.${c.role}`), String(c.treatment), { num: n(/** @type {number} */ (c.distinct_in)) },
      c.in_output ? { num: n(/** @type {number} */ (c.distinct_out)) } : { num: '—' }, c.in_output ? { num: n(/** @type {number} */ (c.empty_out)) } : { num: '—' }])));
  const kinds = Object.entries(report.free_text);
  s.push(`<h3>${escape(t('rep.h.free_text'))}</h3>`);
  s.push(kinds.length
    ? tableOf(t('rep.h.free_text'), [t('rep.free.kind'), t('rep.free.count')], kinds.map(([k, v]) => [t(`rep.found.${k}`), { num: n(v) }]))
    : `<p>${escape(t('rep.free.none'))}</p>`);

  s.push(`<h2>${escape(t('rep.h.method'))}</h2>`);
  s.push(`<p>${escape(report.method.pseudonymised.length ? t('rep.method.hmac', { columns: report.method.pseudonymised.join(', ') }) : t('rep.method.none'))}</p>`);
  s.push(`<p>${escape(t('report.key'))}\u00a0: <code>${escape(report.method.key_fingerprint ?? t('report.no_key'))}</code></p>`);
  s.push(`<p>${escape(t('rep.method.holder'))}</p>`);
  s.push(field('key_holder', report.signing.key_holder));

  s.push(`<h2>${escape(t('report.privacy'))}</h2>`);
  const pm = report.privacy_model;
  if (pm) {
    const qiText = Object.entries(pm.quasi_identifiers).map(([name, h]) => `${name} (${t(`hierarchy.${h}`) === `hierarchy.${h}` ? t('rep.hierarchy.other') : t(`hierarchy.${h}`)})`).join(', ');
    s.push(`<ul><li>${escape(t('rep.pm.k', { k: n(pm.k), achieved: n(pm.k_achieved) }))}</li>`
      + `<li>${escape(t('rep.pm.suppression', { limit: p(pm.suppression_limit), how: t(pm.suppressed_rows === 'mask' ? 'rep.pm.masked' : 'rep.pm.removed') }))}</li>`
      + `<li>${escape(t('rep.pm.qis', { qis: qiText }))}</li>`
      + `<li>${escape(pm.l ? t('rep.pm.l', { l: n(pm.l) }) : t('rep.pm.no_l'))}</li>`
      + `<li>${escape(pm.t ? t('rep.pm.t', { t: number.format(pm.t) }) : t('rep.pm.no_t'))}</li>`
      + (pm.population_uniqueness ? `<li data-field="target-uniqueness">${escape(t('rep.pm.uniqueness', { threshold: pctExact(pm.population_uniqueness.threshold), model: t(`pop.model.${pm.population_uniqueness.model ?? 'dankar'}`) }))}</li>` : '')
      + (pm.average_risk !== null ? `<li data-field="target-average">${escape(t('rep.pm.average', { threshold: pctExact(typeof pm.average_risk === 'number' ? pm.average_risk : pm.average_risk.threshold) }))}</li>` : '')
      + (pm.sample_uniqueness !== null ? `<li data-field="target-sample">${escape(t('rep.pm.sample', { threshold: pctExact(pm.sample_uniqueness) }))}</li>` : '')
      + (pm.k_map && pm.k_map.table ? `<li data-field="target-kmap">${escape(t('rep.pm.kmap_table', { k: n(pm.k_map.k), name: String(report.anonymise?.population_table ?? '') }))}</li>`
        : pm.k_map ? `<li data-field="target-kmap">${escape(t('rep.pm.kmap', { k: n(pm.k_map.k), estimator: t(`target.${pm.k_map.estimator}`), significance: pctExact(pm.k_map.significance ?? 0) }))}</li>` : '')
      + (report.anonymise?.delta_presence ? `<li data-field="target-delta">${escape(t('rep.pm.delta', { min: pctExact(report.anonymise.delta_presence.min), max: pctExact(report.anonymise.delta_presence.max), name: String(report.anonymise.population_table ?? '') }))}</li>` : '')
      + `<li>${escape(pm.recoding === 'local' ? t('rep.pm.local', { ncp: new Intl.NumberFormat(report.lang, { style: 'percent', maximumFractionDigits: 1 }).format(pm.ncp ?? 0) })
        : t(pm.optimal ? 'rep.pm.optimal' : 'rep.pm.heuristic'))}</li></ul>`);
  } else {
    s.push(`<p>${escape(t('results.no_qi'))}</p>`);
  }

  const cmp = report.recoding_comparison;
  if (cmp) {
    s.push(`<h2>${escape(t('rep.h.compare'))}</h2>`);
    s.push(`<p>${escape(t('rep.cmp.intro'))}</p>`);
    s.push(`<p data-field="recoding-chosen">${escape(t('rep.cmp.chosen', { method: t(`compare.method.${cmp.chosen}`) }))}</p>`);
    const methods = /** @type {const} */ (['global', 'local']);
    const detail = new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
    const kept = (/** @type {number | null | undefined} */ x) => ({ num: x === null || x === undefined ? '—' : detail.format(x) });
    const names = [...new Set(methods.flatMap((m) => Object.keys(cmp.methods[m].columns)))];
    const of = (/** @type {number | null} */ x, /** @type {number | null} */ total) => ({ num: x === null ? '—' : t('compare.of', { n: n(x), total: n(total) }) });
    s.push(tableOf(t('compare.caption'), [t('compare.measure'), ...methods.map((m) => t(`compare.method.${m}`) + (m === cmp.chosen ? ' ✓' : ''))], [
      ...names.map((name) => [t('compare.column', { name }), ...methods.map((m) => kept(cmp.methods[m].columns[name]))]),
      [t('compare.overall'), ...methods.map((m) => kept(cmp.methods[m].granularity))],
      [t('compare.records_retained'), ...methods.map((m) => of(cmp.methods[m].records_retained, cmp.methods[m].records))],
      [t('compare.cells_suppressed'), ...methods.map((m) => of(cmp.methods[m].cells_suppressed, cmp.methods[m].cells))],
      [t('compare.k'), ...methods.map((m) => ({ num: n(cmp.methods[m].k) }))],
    ]));
    for (const m of methods) {
      if (!cmp.methods[m].available) {
        s.push(`<p data-field="unavailable-${m}">${escape(t('compare.unavailable_why', { method: t(`compare.method.${m}`), why: reasonWords(t, lang, cmp.methods[m].reason) }))}</p>`);
      }
    }
  }

  s.push(`<h2>${escape(t('rep.h.attacker'))}</h2>`);
  const am = report.attacker_model;
  if (am) {
    s.push(`<p>${escape(t('rep.am.prosecutor'))}</p>`);
    const line = (/** @type {string} */ key, /** @type {(r: any) => string} */ f) => [t(key), am.before ? { num: f(am.before) } : '—', am.after ? { num: f(am.after) } : '—'];
    s.push(tableOf(t('risk.caption'), [t('risk.measure'), t('risk.before'), t('risk.after')], [
      line('risk.k', (r) => n(r.k)), line('risk.classes', (r) => n(r.classes)), line('risk.sample_uniques', (r) => n(r.sample_uniques)),
      line('risk.records_at_risk', (r) => p(r.records_at_risk)), line('risk.highest', (r) => p(r.highest)), line('risk.average', (r) => p(r.average)),
    ]));
  } else {
    s.push(`<p>${escape(t('results.no_qi'))}</p>`);
  }

  const pop = report.population_model;
  if (pop) {
    s.push(`<h2>${escape(t('rep.h.population'))}</h2>`);
    s.push(`<p>${escape(t('population.population'))}</p>`);
    s.push(`<p data-field="population">${escape(pop.preset
      ? t('rep.pop.preset', { size: n(pop.size), year: String(pop.year), source: String(pop.source) })
      : t('rep.pop.typed', { size: n(pop.size) }))}</p>`);
    // Shares of a population are tiny: four significant digits.
    const sig = new Intl.NumberFormat(lang, { style: 'percent', maximumSignificantDigits: 4 });
    const q = (/** @type {number | null | undefined} */ x) => ({ num: x === null || x === undefined ? '—' : sig.format(x) });
    /** @type {(key: string, f: (r: import('./protocol.js').PopulationRisk) => string | {num: string}) => (string | {num: string})[]} */
    const line = (key, f) => [t(`pop.${key}`), pop.before ? f(pop.before) : '—', pop.after ? f(pop.after) : '—'];
    const model = (/** @type {import('./protocol.js').PopulationRisk} */ r) => t(r.uniqueness.dankar_model ? `pop.model.${r.uniqueness.dankar_model}` : 'pop.model.none');
    s.push(tableOf(t('pop.caption'), [t('risk.measure'), t('risk.before'), t('risk.after')], [
      line('size', (r) => ({ num: n(r.size) })), line('sampling_fraction', (r) => q(r.sampling_fraction)),
      line('pitman', (r) => q(r.uniqueness.pitman)), line('zayatz', (r) => q(r.uniqueness.zayatz)), line('snb', (r) => q(r.uniqueness.snb)),
      line('dankar', (r) => q(r.uniqueness.dankar)), line('dankar_model', model),
      line('journalist_highest', (r) => q(r.journalist.highest)), line('journalist_average', (r) => q(r.journalist.average)),
      line('journalist_at_risk', (r) => q(Object.values(r.journalist.records_at_risk ?? {})[0])), line('marketer', (r) => q(r.marketer)),
    ]));
  }

  const pt = report.population_table;
  if (pt) {
    s.push(`<h2>${escape(t('ptab.title'))}</h2>`);
    s.push(`<p>${escape(t('ptab.help'))}</p>`);
    const share = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 });
    const of = (/** @type {number | null} */ x) => ({ num: x === null ? '—' : share.format(x) });
    s.push(tableOf(t('ptab.caption'), [t('ptab.measure'), t('ptab.asked'), t('ptab.achieved')], [
      [t('ptab.name'), '', String(pt.name ?? '—')],
      [t('ptab.rows'), '', { num: n(pt.rows) }],
      [t('ptab.k_map'), pt.k_map_asked === null ? '—' : `≥ ${n(pt.k_map_asked)}`, { num: n(pt.k_map) }],
      [t('ptab.delta_min'), pt.delta_asked ? `≥ ${share.format(pt.delta_asked.min)}` : '—', of(pt.delta_min)],
      [t('ptab.delta_max'), pt.delta_asked ? `≤ ${share.format(pt.delta_asked.max)}` : '—', of(pt.delta_max)],
    ]));
  }

  s.push(`<h2>${escape(t('rep.h.diversity'))}</h2>`);
  s.push(report.l_diversity.length
    ? tableOf(t('rep.h.diversity'), [t('levels.column'), t('rep.div.before'), t('rep.div.after'), t('rep.div.entropy'), t('rep.div.t'), t('rep.div.required')],
      report.l_diversity.map((d) => [d.column, { num: n(d.l_distinct_before) }, { num: n(d.l_distinct_after) },
        { num: d.l_entropy_after === null ? '—' : new Intl.NumberFormat(lang, { maximumFractionDigits: 2 }).format(d.l_entropy_after) },
        { num: d.t_closeness_after === null ? '—' : new Intl.NumberFormat(lang, { maximumFractionDigits: 3 }).format(d.t_closeness_after) },
        [d.required_l ? `l ≥ ${n(d.required_l)}` : '', d.required_t ? `t ≤ ${number.format(d.required_t)}` : ''].filter(Boolean).join(', ') || t('rep.div.none')]))
    : `<p>${escape(t('rep.div.no_sensitive'))}</p>`);

  s.push(`<h2>${escape(t('report.notes'))}</h2><ul><li>${escape(t('report.note_local'))}</li><li>${escape(t('key.warning_lose'))}</li><li>${escape(t('key.warning_share'))}</li><li>${escape(t('report.note_personal'))}</li></ul>`);

  s.push(`<h2>${escape(t('rep.h.sign'))}</h2>`);
  s.push(`<div class="sign"><div>${field('date', '')}</div><div>${field('signature', '')}</div></div>`);

  return `<!doctype html>\n<html lang="${lang}">\n<head>\n<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">\n<title>${escape(t('report.title'))} — ${escape(report.file)}</title>\n<style>${REPORT_STYLE}</style>\n</head>\n<body>\n${s.join('\n')}\n</body>\n</html>\n`;
}
