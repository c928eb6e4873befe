// @ts-check
// From masque's column suggestions to the two objects the engine takes: the
// policy (what `masque apply` reads) and the anonymisation configuration (what
// `masque anonymise` reads). Plain data in, plain data out: no DOM, no worker.
// Shared by the page (app.js) and the embeddable module (embed/masque-clean.js).

/** @typedef {import('./protocol.js').PolicyAction} PolicyAction */
/** @typedef {import('./protocol.js').Suggestion} Suggestion */
/** @typedef {import('./protocol.js').Inspection} Inspection */
/** @typedef {import('./protocol.js').KeyFile} KeyFile */

/**
 * A policy entry as an object.
 * @typedef {{action: string, [parameter: string]: any}} Entry
 */

/**
 * The page's settings for one column.
 * @typedef {object} Column
 * @property {string} name
 * @property {string} role one of `ROLES`
 * @property {PolicyAction} entry the policy's entry for the column
 * @property {string} hierarchy one of the keys of `HIERARCHIES` (for a quasi-identifier)
 * @property {number | null} [maxLevel] "keep at least": the highest level of its hierarchy the
 *   anonymisation may take a quasi-identifier to (`max_level`; 0 keeps it exact), null or absent: no bound
 * @property {string} [priority] how much a quasi-identifier's precision matters (`low`, `normal`, `high`):
 *   its `weight` in the anonymisation's loss (see `WEIGHTS`); absent: normal
 * @property {Suggestion} [suggestion] what `inspect` suggested
 * @property {string} [why] why the page's default differs from the suggestion (gone once the user changes the column)
 *   (`shift` dates shifted per patient, `names` names dropped, `commune` commune
 *   dropped, `age` the age at admission with a high priority): an i18n key under `why.`, said in the column's plan
 */

/**
 * The anonymisation configuration, as `masque anonymise --config` reads it.
 * @typedef {object} AnonymiseConfig
 * @property {Record<string, object>} quasi_identifiers
 * @property {number} k
 * @property {number} suppression_limit
 * @property {string} metric
 * @property {string} suppressed_rows
 * @property {string} [recoding] `local` (each row's cells at their own level), absent for global
 * @property {Record<string, {l_distinct?: number, t_closeness?: number}>} [sensitive]
 * @property {number | string} [population] the population the file is a sample of: a size, or a preset (`france`)
 * @property {number} [sampling_fraction] instead of `population` (not written by the page)
 * @property {{threshold: number, model?: string}} [population_uniqueness] the largest estimated share of the population unique
 * @property {number} [sample_uniqueness] the largest share of the file's rows unique on the quasi-identifiers
 * @property {{k: number, estimator?: string, significance?: number, table?: boolean}} [k_map] every group matches at least k people of the
 *   population (estimated; `table`: counted in the population table)
 * @property {string} [population_table] the population table's name (its file's), the bytes sent with the run (`CleanRequest.population_table`)
 * @property {{min: number, max: number}} [delta_presence] every group's share of its matches in the population table, from min to max
 * @property {number | {threshold: number}} [average_risk] the largest average re-identification risk
 */

/**
 * A policy (version 1, as `masque apply --policy` reads it), with the page's `anonymise` section when saved.
 * @typedef {object} Policy
 * @property {number} version
 * @property {string} default
 * @property {Record<string, Entry>} columns
 * @property {string} [description]
 * @property {AnonymiseConfig} [anonymise]
 * @property {{utf8?: boolean}} [output] how the cleaned file is written (`utf8`: UTF-8 rather than the input's encoding)
 */

/**
 * The privacy settings (suppression in percent of rows; recoding `local` or
 * `global`, local when absent, or `compare`: both run, the config written
 * local; `population`: what the file is a sample of,
 * null or absent when it is the whole population; the risk targets in percent,
 * `uniqueness` the population uniqueness (Dankar's rule), `average` the average
 * risk, `sampleUniqueness` the share of rows unique in the file, null or absent
 * when not asked; `kmap` the k of k-map (null: none), with `kmapEstimator`
 * (`table`: counted in the population table); `populationTable` the name of
 * the population table chosen (null: none), `deltaMin` / `deltaMax` the
 * δ-presence bounds in percent (null: not asked)).
 * @typedef {{k: number, suppression: number, suppressedRows: string, l?: number | null, t?: number | null, recoding?: string,
 *   population?: Population, uniqueness?: number | null, average?: number | null, sampleUniqueness?: number | null,
 *   kmap?: number | null, kmapEstimator?: string, populationTable?: string | null, deltaMin?: number | null, deltaMax?: number | null}} Privacy
 */

/**
 * What the file is a sample of: a preset's name (`france`) or a size typed;
 * null: the file is the whole population (prosecutor risk only).
 * @typedef {'france' | number | null} Population
 */

/**
 * The populations the page offers by name: their size as the engine's preset
 * holds it, and its source (said in the report, for the DPIA).
 */
export const POPULATION_PRESETS = Object.freeze({
  france: Object.freeze({
    size: 69_100_000, year: 2026,
    source: 'INSEE, Bilan démographique 2025 (13 January 2026): population at 1 January 2026, provisional',
  }),
});

/** Whether k-map is counted in the population table (rather than estimated). */
export const kmapInTable = (/** @type {Privacy} */ privacy) => Boolean(privacy.kmap) && privacy.kmapEstimator === 'table';

/** Whether δ-presence is asked (a bound given). */
const deltaAsked = (/** @type {Privacy} */ privacy) => isSet(privacy.deltaMin) || isSet(privacy.deltaMax);
const isSet = (/** @type {number | null | undefined} */ x) => x !== null && x !== undefined;

/** Whether a criterion counts in the population table (k-map counted in it, δ-presence): the engine then needs global recoding. */
export const hasTableCriterion = (/** @type {Privacy} */ privacy) => kmapInTable(privacy) || deltaAsked(privacy);

/**
 * Whether the settings ask for a risk target or a population-table criterion
 * (the engine then needs global recoding; k-map estimated is not one).
 */
export const hasRiskTarget = (/** @type {Privacy} */ privacy) => Boolean(privacy.uniqueness || privacy.average || privacy.sampleUniqueness) || hasTableCriterion(privacy);

/** k-map's significance level (the engine's default, written so the report states it). */
export const KMAP_SIGNIFICANCE = 0.01;

/** k-map's estimators of a group's size in the population, as the engine names them. */
export const KMAP_ESTIMATORS = Object.freeze(['poisson', 'zero_truncated_poisson']);

/**
 * The recoding a run uses: local recoding refuses risk targets, so a target
 * makes it global whatever was chosen (`compare`, both run, is written local).
 * @param {Privacy} privacy
 * @returns {'local' | 'global'}
 */
export const recodingOf = (privacy) => (hasRiskTarget(privacy) ? 'global' : ['local', 'compare'].includes(privacy.recoding ?? 'local') ? 'local' : 'global');

/**
 * How a quasi-identifier is generalised, as the plan says it: `compare` when
 * both recodings run side by side (no risk target), else the one that runs.
 * @param {Privacy} privacy
 * @returns {'local' | 'global' | 'compare'}
 */
const howOf = (privacy) => (privacy.recoding === 'compare' && !hasRiskTarget(privacy) ? 'compare' : recodingOf(privacy));

/** A share (0 to 1) as a percentage without binary noise (0.0001 -> 0.01). */
const percentOf = (/** @type {number} */ share) => Number((share * 100).toPrecision(12));
/** A percentage as a share without binary noise (0.01 -> 0.0001). */
const shareOf = (/** @type {number} */ percent) => Number((percent / 100).toPrecision(12));

/** The roles a column can have, as `inspect` names them. */
export const ROLES = Object.freeze(['direct_identifier', 'quasi_identifier', 'sensitive', 'other']);

/** The actions offered for every column (a suggestion or a loaded policy may add others). */
export const ACTIONS = Object.freeze([
  { action: 'keep' },
  { action: 'drop' },
  { action: 'redact' },
  { action: 'scrub' },
  { action: 'pseudonymise', kind: 'nir' },
  { action: 'pseudonymise', kind: 'text' },
  { action: 'pseudonymise', kind: 'email' },
  { action: 'pseudonymise', kind: 'phone' },
  { action: 'pseudonymise', kind: 'raw' },
]);

/**
 * The generalisation hierarchies offered for a quasi-identifier, as the
 * `quasi_identifiers` entry of the anonymisation configuration. `flat` (the
 * value or `*`) is completed by the engine from the column's values.
 */
export const HIERARCHIES = Object.freeze({
  flat: {},
  dates: { builder: { dates: {} } },
  code_postal: { builder: { code_postal: {} } },
  departement: { builder: { departement: {} } },
  age_bands: { builder: { age_bands: {} } },
  intervals: { builder: { intervals: { widths: [5, 10, 20] } } },
  mask: { builder: { mask: { levels: 3 } } },
});

/**
 * The levels of each offered hierarchy below its top (`*`), from fine to
 * coarse: the "keep at least" choices of a quasi-identifier are 0 (exact) to
 * this number (dates: month, quarter, year, decade; code postal: département,
 * région; département: région; ages and intervals: bands of 5, 10, 20; mask: 1
 * to 3 characters; flat: the exact value only).
 */
export const LEVELS = Object.freeze({ flat: 0, dates: 4, code_postal: 2, departement: 1, age_bands: 3, intervals: 3, mask: 3 });

/**
 * A column's "keep at least" bound if it applies: an integer from 0 to its
 * hierarchy's `LEVELS`, on a quasi-identifier; else null.
 * @param {Column} column
 * @returns {number | null}
 */
export function boundOf(column) {
  const m = column.maxLevel;
  if (column.role !== 'quasi_identifier' || typeof m !== 'number' || !Number.isInteger(m) || m < 0) return null;
  const top = /** @type {Record<string, number>} */ (LEVELS)[column.hierarchy] ?? 0;
  return m <= top ? m : null;
}

/**
 * The weight of a quasi-identifier's loss for each priority but `normal`
 * (weight 1, not written): the search generalises a high-priority column last
 * and a low-priority one first.
 */
export const WEIGHTS = Object.freeze({ low: 0.25, high: 4 });

/** The priorities a quasi-identifier can have. */
export const PRIORITIES = Object.freeze(['low', 'normal', 'high']);

/**
 * A quasi-identifier's priority as the page names it, from its `weight`.
 * @param {unknown} weight
 */
export const priorityOf = (weight) => (typeof weight !== 'number' || weight === 1 ? 'normal' : weight < 1 ? 'low' : 'high');

/** k by default: no cell under 11 (the French small-cell rule). */
export const DEFAULT_K = 11;
/** The default suppression limit, in percent of rows. */
export const DEFAULT_SUPPRESSION = 4;

/**
 * The page's privacy settings before the user changes them (suppressed rows
 * removed: the first choice of the page's select).
 * @type {Readonly<Privacy>}
 */
export const DEFAULT_PRIVACY = Object.freeze({ k: DEFAULT_K, suppression: DEFAULT_SUPPRESSION, suppressedRows: 'remove', l: null, t: null, recoding: 'compare' });

/** How far a date shift moves a patient's dates by default, in days (each way). */
export const DATE_SHIFT_DAYS = 180;

/**
 * The policy the page suggests for a file and saves untouched: every column's
 * action as `columnsFromSuggestions` gives it (the suggestion, but stay dates
 * shifted per patient, names and a commune beside a code postal dropped), and
 * the `anonymise` section (the quasi-identifiers left with their hierarchy,
 * k = 11, local recoding). What the embed's `suggestPolicy` returns.
 * @param {Inspection} inspection
 * @returns {Policy}
 */
export function defaultPolicyOf(inspection) {
  return savedPolicyOf(columnsFromSuggestions(inspection), DEFAULT_PRIVACY);
}

/**
 * A policy entry as an object (`"drop"` -> `{action: "drop"}`).
 * @param {unknown} action
 * @returns {Entry}
 */
export function entryOf(action) {
  if (action && typeof action === 'object' && typeof (/** @type {Entry} */ (action)).action === 'string') return { .../** @type {Entry} */ (action) };
  if (typeof action === 'string') return { action };
  return { action: 'keep' };
}

/** JSON text of a value with every object's keys sorted: equal content, equal text. */
const canonical = (/** @type {unknown} */ value) => JSON.stringify(value, (_, x) => (x && typeof x === 'object' && !Array.isArray(x)
  ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]])) : x));

/**
 * The same entry, compared by content (key order ignored).
 * @param {unknown} a
 * @param {unknown} b
 */
export function sameEntry(a, b) {
  return canonical(entryOf(a)) === canonical(entryOf(b));
}

/** Whether an entry needs the key (pseudonyms, date shifts). */
export const needsKey = (/** @type {unknown} */ entry) => ['pseudonymise', 'date_shift'].includes(entryOf(entry).action);

/**
 * The hierarchy that fits a quasi-identifier, from the generalisation its suggestion names.
 * @param {unknown} suggestedAction
 * @returns {string}
 */
export function hierarchyFor(suggestedAction) {
  const e = entryOf(suggestedAction);
  if (e.action === 'age_at') return 'age_bands';
  if (e.action !== 'generalise') return 'flat';
  if (['year', 'month', 'quarter', 'week', 'date'].includes(e.to)) return 'dates';
  if (e.to === 'departement') return 'code_postal';
  if (e.to === 'age') return 'age_bands';
  if (e.to === 'interval' || e.width || e.bounds) return 'intervals';
  return 'flat';
}

/**
 * The hierarchy the suggestion gives a quasi-identifier (its `hierarchy`
 * builder, as the page names it), else the one its action implies.
 * @param {Suggestion | undefined} suggestion
 * @returns {string}
 */
export function suggestedHierarchy(suggestion) {
  const builder = suggestion && /** @type {{hierarchy?: unknown}} */ (suggestion).hierarchy;
  if (builder && typeof builder === 'object') {
    const [name] = Object.keys(builder);
    if (name && Object.hasOwn(HIERARCHIES, name)) return name;
  }
  return hierarchyFor(suggestion?.action);
}

/**
 * The column's name in the output: `age_at` writes the age under its own
 * header (`name`, `age` by default) in place of the date of birth.
 * @param {{name: string, entry: unknown}} column
 */
export function outputName(column) {
  const e = entryOf(column.entry);
  return e.action === 'age_at' ? (typeof e.name === 'string' && e.name ? e.name : 'age') : column.name;
}

/**
 * The column with a hierarchy that fits it: its own if offered, else the
 * first offered that generalises (not flat, not a mask), else flat.
 * @param {Column} column
 * @returns {Column}
 */
export function withFittingHierarchy(column) {
  const offered = hierarchiesFor({ ...column, hierarchy: undefined });
  if (offered.includes(column.hierarchy)) return column;
  return { ...column, hierarchy: offered.find((h) => h !== 'flat' && h !== 'mask') ?? 'flat', maxLevel: null };
}

/**
 * What `inspect` found a column to be (its suggestion's `concept`: `nir`,
 * `surname`, `birth_date`, `admission_date`, `postal_code`, ...; `measure`
 * and `count` as `number`), or null: none, or one the values do not bear
 * out (`values_agree` false).
 * @param {Suggestion | undefined} suggestion
 * @returns {string | null}
 */
export function conceptOf(suggestion) {
  const concept = suggestion?.concept;
  if (typeof concept !== 'string' || !valuesAgree(suggestion)) return null;
  return concept === 'measure' || concept === 'count' ? 'number' : concept;
}

/** Whether the values bear the suggestion's concept out. */
const valuesAgree = (/** @type {Suggestion | undefined} */ suggestion) => suggestion?.values_agree === true;

/** Headers of admission and discharge dates (normalised: lower case, no accents, `_` between words). */
const STAY_DATE = /^(date|dt|jour)_?(d_?)?(entree|sortie|admission|arrivee|depart|debut_sejour|fin_sejour)(_|$)/;

/** A header lower-cased, without accents, its words joined by `_`. */
const normalised = (/** @type {string} */ name) => name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');

/**
 * Whether a column holds admission/discharge-like dates: the suggestion marks
 * it as a date of care, or its header reads as an admission or discharge date
 * and its values are dates.
 * @param {{name: string, suggestion?: Suggestion}} column
 */
export function isStayDate(column) {
  const concept = conceptOf(column.suggestion);
  if (concept === 'event_date' || concept === 'admission_date' || concept === 'discharge_date') return true;
  return STAY_DATE.test(normalised(column.name)) && valuesAgree(column.suggestion) && hierarchyFor(column.suggestion?.action) === 'dates';
}

/**
 * The generalisation hierarchies that can apply to a column's values, from
 * what `inspect` found it to be (dates: the date hierarchy; a code postal: its
 * own; ages and numbers: bands and intervals; anything: value or *, and masks
 * for codes). The column's current hierarchy is always among them.
 * @param {{hierarchy?: string, suggestion?: Suggestion, entry?: unknown}} column
 * @returns {string[]}
 */
export function hierarchiesFor(column) {
  const concept = conceptOf(column.suggestion);
  const implied = valuesAgree(column.suggestion) ? hierarchyFor(column.suggestion?.action) : 'flat';
  /** @type {string[]} */
  let fits;
  // A date of birth written as an age: the age's hierarchies.
  if (column.entry !== undefined && entryOf(column.entry).action === 'age_at') fits = ['flat', 'age_bands', 'intervals'];
  else if (implied === 'dates' || ['birth_date', 'event_date', 'admission_date', 'discharge_date', 'death_date'].includes(concept ?? '')) fits = ['flat', 'dates'];
  else if (concept === 'birth_year') fits = ['flat', 'dates', 'intervals'];
  else if (implied === 'code_postal' || concept === 'postal_code') fits = ['flat', 'code_postal', 'mask'];
  else if (concept === 'departement') fits = ['flat', 'departement', 'mask'];
  else if (concept === 'age' || implied === 'age_bands') fits = ['flat', 'age_bands', 'intervals'];
  else if (concept === 'number' || implied === 'intervals') fits = ['flat', 'intervals'];
  else if (concept === 'commune_code') fits = ['flat', 'mask'];
  else if (column.suggestion) fits = ['flat', 'mask'];
  else fits = Object.keys(HIERARCHIES);
  if (column.hierarchy && !fits.includes(column.hierarchy)) fits.push(column.hierarchy);
  return Object.keys(HIERARCHIES).filter((h) => fits.includes(h));
}

/**
 * The settings of each column from `inspect`'s suggestions: quasi-identifiers
 * are kept by the policy and generalised by the search (only as far as k
 * needs), with the hierarchy their suggestion implies; other columns take the
 * suggested action. Where the patient is identified by a pseudonymised NIR (or
 * else patient identifier), the page's defaults keep what studies need and
 * drop what a pseudonym would not protect:
 * - admission/discharge dates are shifted per patient (`date_shift`, the same
 *   random offset for all of a patient's dates, up to `DATE_SHIFT_DAYS`): the
 *   lengths of stay are kept exactly, and the dates are not generalised;
 * - surnames and first names are dropped (the NIR's pseudonym links the rows;
 *   a name's pseudonym keeps its frequency, which invites a frequency attack);
 * - a commune beside a code postal is dropped (kept exact, it would undo the
 *   code postal's generalisation: the code postal carries the geography).
 * A date of birth the suggestion writes as the age at admission (`age_at`)
 * keeps that action, with the age's bands and a high priority: the age is
 * what a study needs, and the search generalises it after the others.
 * @param {Inspection} inspection
 * @returns {Column[]}
 */
export function columnsFromSuggestions(inspection) {
  const inspected = inspection.columns ?? [];
  const pseudonymised = (/** @type {string} */ concept) => inspected.find((c) => conceptOf(c.suggestion) === concept
    && c.suggestion?.role === 'direct_identifier' && entryOf(c.suggestion?.action).action === 'pseudonymise');
  const subject = pseudonymised('nir') ?? pseudonymised('patient_id');
  const postcode = inspected.some((c) => c.suggestion?.role === 'quasi_identifier' && conceptOf(c.suggestion) === 'postal_code');
  return inspected.map((c) => {
    const s = c.suggestion;
    const role = ROLES.includes(s?.role) ? s.role : 'other';
    const concept = conceptOf(s);
    if (subject && c !== subject && isStayDate(c)) {
      return { name: c.name, role: 'other', entry: { action: 'date_shift', subject: subject.name, max_days: DATE_SHIFT_DAYS }, hierarchy: 'flat', suggestion: s, why: 'shift' };
    }
    if (subject && role === 'direct_identifier' && ['surname', 'first_name', 'full_name'].includes(concept ?? '')) {
      return { name: c.name, role, entry: { action: 'drop' }, hierarchy: 'flat', suggestion: s, why: 'names' };
    }
    if (postcode && role === 'quasi_identifier' && concept === 'commune') {
      return { name: c.name, role: 'other', entry: { action: 'drop' }, hierarchy: 'flat', suggestion: s, why: 'commune' };
    }
    if (role === 'quasi_identifier') {
      // A date of birth becomes the age at admission (`age_at`), generalised in age bands; other
      // quasi-identifiers are kept by the policy and generalised by the search. A hierarchy for
      // values the suggestion names only if the values are such (else it would fail on them).
      const suggested = entryOf(s?.action);
      if (suggested.action === 'age_at') {
        // The age a study needs: generalised after the other quasi-identifiers (a high priority).
        return { name: c.name, role, entry: suggested, hierarchy: valuesAgree(s) ? suggestedHierarchy(s) : 'flat', priority: 'high', suggestion: s, why: 'age' };
      }
      return { name: c.name, role, entry: { action: 'keep' }, hierarchy: valuesAgree(s) ? suggestedHierarchy(s) : 'flat', suggestion: s };
    }
    return { name: c.name, role, entry: entryOf(s?.action), hierarchy: 'flat', suggestion: s };
  });
}

/**
 * The plan of a column in plain words, before the run, as an i18n key under
 * `plan.` and its parameters: what the policy does, then, for a
 * quasi-identifier, how far the search may generalise it (`how`, and `bound`
 * when the user said "keep at least", `priority` when not normal), and why the page's
 * default differs from the suggestion.
 * @param {Column} column
 * @param {Privacy} [privacy]
 * @returns {{key: string, params: Record<string, string | number>, why: string | null}}
 */
export function planOf(column, privacy = DEFAULT_PRIVACY) {
  const e = entryOf(column.entry);
  const why = column.why ?? null;
  if (e.action === 'drop') return { key: 'drop', params: {}, why };
  if (e.action === 'age_at') {
    const age = { at: String(e.at ?? ''), column: outputName(column) };
    if (column.role !== 'quasi_identifier') return { key: 'age_at.none', params: age, why };
    const bound = boundOf(column);
    const priority = column.priority === 'low' || column.priority === 'high' ? { priority: column.priority } : {};
    const how = howOf(privacy);
    const hierarchy = ['age_bands', 'intervals'].includes(column.hierarchy) ? column.hierarchy : 'flat';
    return { key: `age_at.${hierarchy}`, params: { ...age, how, ...(bound === null ? {} : { bound }), ...priority }, why };
  }
  if (e.action === 'date_shift') return { key: 'date_shift', params: { subject: String(e.subject ?? ''), days: Number(e.max_days) || 0 }, why };
  if (e.action === 'pseudonymise') return { key: 'pseudonymise', params: { kind: String(e.kind ?? 'text') }, why };
  if (['redact', 'scrub', 'mask', 'generalise'].includes(e.action)) return { key: e.action, params: { to: String(e.to ?? '') }, why };
  if (column.role === 'quasi_identifier') {
    const bound = boundOf(column);
    const priority = column.priority === 'low' || column.priority === 'high' ? { priority: column.priority } : {};
    return { key: `qi.${column.hierarchy in HIERARCHIES ? column.hierarchy : 'flat'}`, params: { how: howOf(privacy), ...(bound === null ? {} : { bound }), ...priority }, why };
  }
  return { key: 'keep', params: {}, why };
}

/**
 * The policy object (version 1, as `masque apply --policy` reads it); every column named.
 * @param {Column[]} columns
 * @param {{description?: string}} [options]
 * @returns {Policy}
 */
export function policyOf(columns, { description } = {}) {
  /** @type {Policy} */
  const policy = { version: 1, default: 'keep', columns: {} };
  if (description) policy.description = description;
  for (const c of columns) policy.columns[c.name] = entryOf(c.entry);
  return policy;
}

/**
 * The policy as the page saves it: the policy, plus the anonymisation that
 * follows as its `anonymise` section (what `masque anonymise --config` reads,
 * given this file), and the output's encoding when it is UTF-8 rather than
 * the input's (`output.utf8`), so that one file restores every setting.
 * @param {Column[]} columns
 * @param {Privacy} privacy
 * @param {{utf8?: boolean}} [output] write UTF-8 rather than the input's encoding
 * @returns {Policy}
 */
export function savedPolicyOf(columns, privacy, { utf8 = false } = {}) {
  const policy = policyOf(columns);
  const config = anonymiseConfigOf(columns, privacy);
  if (config) policy.anonymise = config;
  if (utf8) policy.output = { utf8: true };
  return policy;
}

/**
 * The name of the offered hierarchy an `anonymise` entry is (null: one the page does not offer).
 * @param {object} entry
 */
export function hierarchyName(entry) {
  const wanted = canonical({ ...(entry ?? {}), min_level: undefined, max_level: undefined, weight: undefined });
  const found = Object.entries(HIERARCHIES).find(([, h]) => canonical(h) === wanted);
  return found ? found[0] : null;
}

/**
 * Applies a loaded policy to the columns: named columns take its entry, the
 * others its default. With an `anonymise` section, the quasi-identifiers (and
 * their hierarchies), the sensitive columns and the privacy settings are
 * restored too. Returns the names it lists that the file lacks, the privacy
 * settings (or null) and the quasi-identifiers whose hierarchy the page does
 * not offer (they get the flat one). Throws an `Error` whose `code`
 * (`not_policy`, `bad_version`) the page words in its language.
 * @param {Column[]} columns
 * @param {any} policy the loaded JSON
 * @returns {{columns: Column[], missing: string[], privacy: Privacy | null, unknown: string[], utf8: boolean}}
 */
export function loadPolicy(columns, policy) {
  if (!policy || typeof policy !== 'object' || Array.isArray(policy) || typeof policy.columns !== 'object' || policy.columns === null) {
    throw Object.assign(new Error('not a masque policy: an object with "version" and "columns" is expected'), { code: 'not_policy' });
  }
  if (policy.version !== 1) throw Object.assign(new Error(`policy version ${policy.version} is not supported (1 is)`), { code: 'bad_version' });
  const fallback = policy.default === 'drop' ? { action: 'drop' } : { action: 'keep' };
  const names = new Set(columns.map((c) => c.name));
  const missing = Object.keys(policy.columns).filter((n) => !names.has(n));
  let next = columns.map((c) => {
    const entry = Object.hasOwn(policy.columns, c.name) ? entryOf(policy.columns[c.name]) : fallback;
    // The default's reason holds only while the column keeps the default's treatment.
    return { ...c, entry, why: sameEntry(entry, c.entry) ? c.why : undefined };
  });
  const config = policy.anonymise;
  const utf8 = policy.output?.utf8 === true;
  if (!config || typeof config !== 'object' || Array.isArray(config)) return { columns: next, missing, privacy: null, unknown: [], utf8 };

  const qis = config.quasi_identifiers ?? {};
  const sensitive = config.sensitive ?? {};
  const written = new Set(next.map(outputName));
  for (const n of [...Object.keys(qis), ...Object.keys(sensitive)]) if (!names.has(n) && !written.has(n) && !missing.includes(n)) missing.push(n);
  /** @type {string[]} */
  const unknown = [];
  next = next.map((c) => {
    const out = outputName(c);
    if (Object.hasOwn(qis, out)) {
      const hierarchy = hierarchyName(qis[out]);
      if (!hierarchy) unknown.push(out);
      const bound = Number.isInteger(qis[out]?.max_level) ? qis[out].max_level : null;
      return {
        ...c, role: 'quasi_identifier', hierarchy: hierarchy ?? 'flat', maxLevel: hierarchy ? bound : null,
        priority: priorityOf(qis[out]?.weight),
        why: c.role === 'quasi_identifier' && (c.why !== 'age' || priorityOf(qis[out]?.weight) === 'high') ? c.why : undefined,
      };
    }
    if (Object.hasOwn(sensitive, out)) return { ...c, role: 'sensitive', hierarchy: 'flat' };
    if (c.role === 'quasi_identifier' || c.role === 'sensitive') return { ...c, role: 'other', hierarchy: 'flat', maxLevel: null, priority: 'normal' };
    return c;
  });
  const criteria = Object.values(sensitive).find((x) => x && (x.l_distinct || x.t_closeness)) ?? {};
  const privacy = {
    k: Number.isInteger(config.k) ? config.k : DEFAULT_K,
    suppression: typeof config.suppression_limit === 'number' ? Math.round(config.suppression_limit * 10000) / 100 : 0,
    suppressedRows: config.suppressed_rows === 'remove' ? 'remove' : 'mask',
    l: Number.isInteger(criteria.l_distinct) ? criteria.l_distinct : null,
    t: typeof criteria.t_closeness === 'number' ? criteria.t_closeness : null,
    // A section without `recoding` was global (the engine's default).
    recoding: config.recoding === 'local' ? 'local' : 'global',
    population: config.population === 'france' || (Number.isInteger(config.population) && config.population > 0) ? config.population : null,
    uniqueness: typeof config.population_uniqueness?.threshold === 'number' ? percentOf(config.population_uniqueness.threshold) : null,
    average: typeof config.average_risk === 'number' ? percentOf(config.average_risk)
      : typeof config.average_risk?.threshold === 'number' ? percentOf(config.average_risk.threshold) : null,
    sampleUniqueness: typeof config.sample_uniqueness === 'number' ? percentOf(config.sample_uniqueness) : null,
    kmap: Number.isInteger(config.k_map?.k) && config.k_map.k >= 1 ? config.k_map.k : null,
    // Counted in the population table: `table: true`, or a table named and no `table: false`.
    kmapEstimator: config.k_map && (config.k_map.table === true || (typeof config.population_table === 'string' && config.k_map.table !== false && !config.k_map.estimator))
      ? 'table' : config.k_map?.estimator === 'zero_truncated_poisson' ? 'zero_truncated_poisson' : 'poisson',
    // The table's bytes are not in the policy: its name says which file to choose again.
    populationTable: typeof config.population_table === 'string' ? config.population_table : null,
    deltaMin: typeof config.delta_presence?.min === 'number' ? percentOf(config.delta_presence.min) : null,
    deltaMax: typeof config.delta_presence?.max === 'number' ? percentOf(config.delta_presence.max) : null,
  };
  return { columns: next, missing, privacy, unknown, utf8 };
}

/**
 * The anonymisation configuration (as `masque anonymise --config` reads it,
 * flat hierarchies completed by the engine), or null without quasi-identifiers.
 * @param {Privacy} privacy suppression in percent of rows
 * @param {Column[]} columns
 * @returns {AnonymiseConfig | null}
 */
export function anonymiseConfigOf(columns, privacy) {
  const qis = columns.filter((c) => c.role === 'quasi_identifier' && entryOf(c.entry).action !== 'drop');
  if (!qis.length) return null;
  /** @type {AnonymiseConfig} */
  const config = {
    quasi_identifiers: Object.fromEntries(qis.map((c) => {
      const hierarchy = structuredClone(/** @type {Record<string, object>} */ (HIERARCHIES)[c.hierarchy] ?? {});
      const bound = boundOf(c);
      const weight = /** @type {Record<string, number>} */ (WEIGHTS)[c.priority ?? 'normal'];
      return [outputName(c), { ...hierarchy, ...(bound === null ? {} : { max_level: bound }), ...(weight === undefined ? {} : { weight }) }];
    })),
    k: privacy.k,
    suppression_limit: privacy.suppression / 100,
    metric: 'loss',
    suppressed_rows: privacy.suppressedRows === 'mask' ? 'mask' : 'remove',
  };
  // Local recoding keeps every row and generalises each only as far as its group needs;
  // it refuses risk targets, so a target makes the recoding global.
  if (recodingOf(privacy) === 'local') config.recoding = 'local';
  if (privacy.population !== null && privacy.population !== undefined) config.population = privacy.population;
  if (privacy.uniqueness) config.population_uniqueness = { threshold: shareOf(privacy.uniqueness), model: 'dankar' };
  if (privacy.average) config.average_risk = shareOf(privacy.average);
  if (privacy.sampleUniqueness) config.sample_uniqueness = shareOf(privacy.sampleUniqueness);
  if (kmapInTable(privacy)) {
    // Counted in the population table: no estimator, no significance.
    config.k_map = { k: /** @type {number} */ (privacy.kmap), table: true };
  } else if (privacy.kmap) {
    const estimator = KMAP_ESTIMATORS.includes(privacy.kmapEstimator ?? '') ? /** @type {string} */ (privacy.kmapEstimator) : 'poisson';
    config.k_map = { k: privacy.kmap, estimator, significance: KMAP_SIGNIFICANCE };
  }
  if (deltaAsked(privacy)) {
    config.delta_presence = { min: shareOf(privacy.deltaMin ?? 0), max: shareOf(privacy.deltaMax ?? 100) };
  }
  // The table is named only when a criterion uses it (the engine refuses it unused).
  if (hasTableCriterion(privacy) && privacy.populationTable) config.population_table = privacy.populationTable;
  /** @type {{l_distinct?: number, t_closeness?: number}} */
  const criteria = {};
  if (privacy.l) criteria.l_distinct = privacy.l;
  if (privacy.t) criteria.t_closeness = privacy.t;
  if (Object.keys(criteria).length) {
    const sensitive = columns.filter((c) => c.role === 'sensitive' && entryOf(c.entry).action !== 'drop');
    if (sensitive.length) config.sensitive = Object.fromEntries(sensitive.map((c) => [outputName(c), { ...criteria }]));
  }
  return config;
}

/**
 * The configuration a run sends: `config` with every sensitive column it does
 * not list added as `{}`, which the clean pipeline measures (l-diversity
 * before and after, in the report) without constraining the search. The
 * saved policy leaves them out: `masque anonymise --config` wants a criterion
 * for each sensitive column it is given.
 * @param {AnonymiseConfig | null} config
 * @param {string[]} sensitive the sensitive columns kept, as written
 * @returns {AnonymiseConfig | null}
 */
export function measuredConfig(config, sensitive) {
  if (!config) return null;
  const qis = config.quasi_identifiers ?? {};
  const listed = config.sensitive ?? {};
  const extra = sensitive.filter((n) => !Object.hasOwn(qis, n) && !Object.hasOwn(listed, n));
  return extra.length ? { ...config, sensitive: { ...listed, ...Object.fromEntries(extra.map((n) => [n, {}])) } } : config;
}

/**
 * The sensitive columns kept, as written.
 * @param {Column[]} columns
 */
export const sensitiveOf = (columns) => columns.filter((c) => c.role === 'sensitive' && entryOf(c.entry).action !== 'drop').map(outputName);

/**
 * What is wrong with the settings before a run, as {code, params} for the page to translate.
 * @param {Column[]} columns
 * @param {Privacy} privacy
 * @param {KeyFile | null} key
 * @param {number} [rows] the file's rows: a population typed must hold at least as many people
 * @returns {{code: string, params?: object}[]}
 */
export function problemsOf(columns, privacy, key, rows = 0) {
  /** @type {{code: string, params?: object}[]} */
  const problems = [];
  if (!Number.isInteger(privacy.k) || privacy.k < 1) problems.push({ code: 'k' });
  if (!(privacy.suppression >= 0 && privacy.suppression <= 100)) problems.push({ code: 'suppression' });
  if (privacy.l !== null && privacy.l !== undefined && !(Number.isInteger(privacy.l) && privacy.l >= 2)) problems.push({ code: 'l' });
  if (privacy.t !== null && privacy.t !== undefined && !(privacy.t > 0 && privacy.t <= 1)) problems.push({ code: 't' });
  if ((privacy.l || privacy.t) && !columns.some((c) => c.role === 'sensitive' && entryOf(c.entry).action !== 'drop')) {
    problems.push({ code: 'sensitive' });
  }
  const population = privacy.population ?? null;
  if (population !== null && population !== 'france' && !(Number.isInteger(population) && population >= Math.max(rows, 1))) {
    problems.push({ code: 'population', params: { rows } });
  }
  for (const target of /** @type {const} */ (['uniqueness', 'average', 'sampleUniqueness'])) {
    const x = privacy[target];
    if (x !== null && x !== undefined && !(x > 0 && x <= 100)) problems.push({ code: target === 'sampleUniqueness' ? 'sample_uniqueness' : target });
  }
  if (privacy.uniqueness && population === null) problems.push({ code: 'uniqueness_population' });
  const kmap = privacy.kmap ?? null;
  if (kmap !== null && !(Number.isInteger(kmap) && kmap >= 1)) problems.push({ code: 'kmap' });
  if (kmap !== null && population === null && !kmapInTable(privacy)) problems.push({ code: 'kmap_population' });
  const badBound = (/** @type {number | null | undefined} */ x) => isSet(x) && !(/** @type {number} */ (x) >= 0 && /** @type {number} */ (x) <= 100);
  if (badBound(privacy.deltaMin) || badBound(privacy.deltaMax)) problems.push({ code: 'delta' });
  if (isSet(privacy.deltaMin) && isSet(privacy.deltaMax) && /** @type {number} */ (privacy.deltaMin) > /** @type {number} */ (privacy.deltaMax)) {
    problems.push({ code: 'delta_order' });
  }
  // A table criterion without the table's file (a policy loaded names it, its bytes are not in it).
  if (hasTableCriterion(privacy) && !privacy.populationTable) problems.push({ code: 'population_table' });
  if (!key && columns.some((c) => needsKey(c.entry))) problems.push({ code: 'key' });
  return problems;
}
