// @ts-check
// The columns step: the table of every column's settings (role, action,
// hierarchy, "keep at least", priority, and masque's suggestion with its
// reason in the page's language) and each column's plan in words, said
// before the run. DOM built from plain data; every change goes back through
// `onChange`, which the flow applies to the session: no state, no worker.

import { has } from './i18n.js';
import {
  ACTIONS, LEVELS, PRIORITIES, ROLES, boundOf, entryOf, hierarchiesFor, planOf, sameEntry, withFittingHierarchy,
} from './policy.js';
import { el, entryWords, formats, reasonWords } from './view.js';

/** @typedef {import('./i18n.js').Translate} Translate */
/** @typedef {import('./policy.js').Column} Column */
/** @typedef {import('./policy.js').Privacy} Privacy */
/** @typedef {(i: number, update: (column: Column) => Column) => void} OnChange */

/** The levels below the top of a hierarchy, by its page name. */
const levelsOf = (/** @type {string} */ hierarchy) => /** @type {Record<string, number>} */ (LEVELS)[hierarchy] ?? 0;

/**
 * A "keep at least" level in words (`l’année`, `le département`, `des tranches de 5 ans`).
 * @param {Translate} t
 * @param {string} hierarchy
 * @param {number} level
 */
export function boundWords(t, hierarchy, level) {
  if (level === 0) return t('bound.exact');
  if (hierarchy === 'mask') return t('bound.mask', { n: level });
  return t(`bound.${hierarchy}.${level}`);
}

/**
 * The column with another role: a quasi-identifier keeps its values for the
 * search to generalise (a dropped one is kept), a promoted one gets the
 * hierarchy that fits what it holds (intervals for a measurement, dates for
 * dates), a demoted one loses its hierarchy, bound and priority. The
 * default's reason goes.
 * @param {Column} column
 * @param {string} role
 * @returns {Column}
 */
export function withRole(column, role) {
  const { why: _, ...rest } = column;
  const next = { ...rest, role };
  if (role === 'quasi_identifier' && entryOf(column.entry).action === 'drop') next.entry = { action: 'keep' };
  if (role === 'quasi_identifier' && column.role !== role && column.hierarchy === 'flat' && column.suggestion) {
    next.hierarchy = hierarchiesFor(next).find((h) => h !== 'flat' && h !== 'mask') ?? 'flat';
  }
  if (role !== 'quasi_identifier') Object.assign(next, { hierarchy: 'flat', maxLevel: null, priority: 'normal' });
  return next;
}

/**
 * The column table.
 * @param {Column[]} columns
 * @param {Translate} tr
 * @param {string} lng
 * @param {OnChange} onChange
 */
export function columnTable(columns, tr, lng, onChange) {
  const fmt = formats(lng);
  const rows = columns.map((c, i) => {
    const choices = [...ACTIONS];
    for (const extra of [c.suggestion?.action, c.entry]) {
      if (extra && !choices.some((a) => sameEntry(a, extra))) choices.push(entryOf(extra));
    }
    const selected = choices.findIndex((a) => sameEntry(a, c.entry));
    const ids = { role: `role-${i}`, action: `action-${i}`, hierarchy: `hierarchy-${i}`, bound: `bound-${i}`, priority: `priority-${i}` };
    const select = (/** @type {keyof typeof ids} */ control, /** @type {HTMLOptionElement[]} */ options) => /** @type {HTMLSelectElement} */ (
      el('select', { id: ids[control], dataset: { column: c.name, control } }, options));

    const role = select('role', ROLES.map((r) => el('option', { value: r, selected: r === c.role }, tr(`role.${r}`))));
    role.addEventListener('change', () => {
      onChange(i, (now) => withRole(now, role.value));
      document.getElementById(ids.role)?.focus();
    });
    const action = select('action', choices.map((a, j) => el('option', { value: String(j), selected: j === selected }, entryWords(tr, lng, a))));
    // Another action may write other values (a date of birth, or its age): a hierarchy that fits them.
    action.addEventListener('change', () => onChange(i, ({ why: _, ...now }) => withFittingHierarchy({ ...now, entry: choices[Number(action.value)] })));

    const isQi = c.role === 'quasi_identifier';
    const hierarchy = select('hierarchy', hierarchiesFor(c).map((h) => el('option', { value: h, selected: h === c.hierarchy }, tr(`hierarchy.${h}`))));
    hierarchy.addEventListener('change', () => onChange(i, (now) => ({ ...now, hierarchy: hierarchy.value, maxLevel: null })));
    const current = boundOf(c);
    const bound = select('bound', [
      el('option', { value: '', selected: current === null }, tr('bound.none')),
      ...Array.from({ length: levelsOf(c.hierarchy) + 1 }, (_, level) => el('option', { value: String(level), selected: current === level }, boundWords(tr, c.hierarchy, level))),
    ]);
    bound.addEventListener('change', () => onChange(i, (now) => ({ ...now, maxLevel: bound.value === '' ? null : Number(bound.value) })));
    const priority = select('priority', PRIORITIES.map((p) => el('option', { value: p, selected: p === (c.priority ?? 'normal') }, tr(`priority.${p}`))));
    // The default's reason for the age speaks of its high priority: gone with it.
    priority.addEventListener('change', () => onChange(i, ({ why, ...now }) => ({ ...now, priority: priority.value, ...(why && why !== 'age' ? { why } : {}) })));

    // masque's suggestion, once: why (the reason), and what it suggested where the column's settings differ.
    const s = c.suggestion;
    const differs = s && (s.role !== c.role || !sameEntry(s.action, c.entry));
    const confidence = Number(s?.confidence);
    /** @type {Array<Node | string>} */
    const suggested = s ? [el('span', { dataset: { field: 'reason' } }, reasonWords(tr, lng, s))] : [tr('columns.none')];
    if (s && differs) {
      suggested.push(el('br'), el('span', { class: 'muted', dataset: { field: 'suggested' } }, tr('policy.suggested_was', {
        role: tr(`role.${s.role}`), action: entryWords(tr, lng, s.action), confidence: fmt.percent(confidence > 1 ? confidence / 100 : confidence),
      })));
    }
    const cell = (/** @type {keyof typeof ids} */ control, /** @type {string} */ label, /** @type {HTMLSelectElement} */ input, shown = true) => el('td', {},
      el('label', { for: ids[control], class: 'visually-hidden' }, tr(label, { name: c.name })), shown ? input : el('span', { class: 'muted' }, '—'));
    return el('tr', { dataset: { column: c.name } },
      el('th', { scope: 'row' }, c.name),
      cell('role', 'policy.role_of', role),
      cell('action', 'policy.action_of', action),
      cell('hierarchy', 'policy.hierarchy_of', hierarchy, isQi),
      cell('bound', 'policy.bound_of', bound, isQi),
      cell('priority', 'policy.priority_of', priority, isQi),
      el('td', { class: 'reason' }, suggested));
  });
  return el('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-labelledby': 'policy-caption' },
    el('table', { class: 'policy', id: 'policy' },
      el('caption', { id: 'policy-caption' }, tr('policy.caption')),
      el('thead', {}, el('tr', {}, ['policy.column', 'policy.role', 'policy.action', 'policy.hierarchy', 'policy.bound', 'policy.priority', 'policy.suggested']
        .map((k) => el('th', { scope: 'col' }, tr(k))))),
      el('tbody', {}, rows)));
}

/**
 * The plan of every column in plain words, before the run: what the policy
 * does, how far the search may generalise a quasi-identifier ("keep at
 * least", priority), and why the page's default treats it so.
 * @param {Column[]} columns
 * @param {Privacy} privacy
 * @param {Translate} tr
 * @param {string} lng
 */
export function planItems(columns, privacy, tr, lng) {
  return columns.map((c) => {
    const plan = planOf(c, privacy);
    /** @type {Record<string, string | number>} */
    const params = { ...plan.params, name: c.name };
    if (plan.key === 'pseudonymise') params.kind = has(lng, `kind.${params.kind}`) ? tr(`kind.${params.kind}`) : String(params.kind);
    if (plan.key === 'generalise') params.to = has(lng, `rep.to.${params.to}`) ? tr(`rep.to.${params.to}`) : String(params.to);
    let text = tr(`plan.${plan.key}`, params);
    if (plan.params.how) text += ` (${tr(`plan.how.${plan.params.how}`)})`;
    if (typeof plan.params.bound === 'number') text += `${tr('plan.bound_sep')}${tr('plan.bound', { words: boundWords(tr, c.hierarchy, plan.params.bound) })}`;
    if (plan.params.priority) text += `${tr('plan.bound_sep')}${tr(`plan.priority.${plan.params.priority}`)}`;
    return el('li', { dataset: { column: c.name, plan: plan.key, ...(plan.why ? { why: plan.why } : {}) } },
      text, ...(plan.why ? [el('br'), el('span', { class: 'why' }, tr(`why.${plan.why}`))] : []));
  });
}
