// @ts-check
// masque-clean.js: pseudonymise and anonymise a file in the browser, before an
// upload form sends it. The same worker and wasm engine as the masque page;
// nothing leaves the page: the file is read and cleaned in a Web Worker and
// only the Blob you get back is yours to send.
//
// Usage (a module script on a page that serves masque's www/ folder, or a copy
// of it, from its own origin; CSP `worker-src 'self'` is enough):
//
//   import { clean, keygen, suggestPolicy } from './masque/embed/masque-clean.js';
//   const key = await keygen();                       // or your project's key file object
//   const policy = await suggestPolicy(file);         // or your platform's fixed policy
//   const blob = await clean(file, policy, key);      // applies the policy's `anonymise` section
//   const form = new FormData(); form.append('file', blob, 'clean.csv');
//   await fetch('upload', { method: 'POST', body: form });
//
// API
// - suggestPolicy(file) -> Promise<policy>: the policy the masque page suggests
//   and saves untouched: every column's suggested action (admission and
//   discharge dates shifted per patient, names dropped beside a pseudonymised
//   NIR, a commune dropped beside a code postal) and an `anonymise` section
//   with the other suggested quasi-identifiers, their hierarchies, k = 11 and
//   local recoding (the page's own code, www/policy.js).
// - clean(file, policy, key, options?) -> Promise<Blob>: applies `policy` (the
//   policy object `masque apply` reads) with `key` (a key-file object from
//   `keygen`, `keyFromPassphrase` or `masque keygen`; null if nothing is
//   pseudonymised), then the anonymisation of the policy's `anonymise` section
//   (as `masque clean` does). options: `anonymise` (another configuration, as
//   `masque anonymise` reads it, replacing the section; null: none; a
//   quasi-identifier given as {} gets the flat hierarchy value -> *), `utf8`
//   (write UTF-8), `lang` (`fr` or `en`, the report's language; default the
//   browser's), `onProgress({phase, nodes_checked?, lattice_size?})`, `signal`
//   (an AbortSignal: aborting stops the work). The Blob carries
//   `blob.masque = {report, result, dialect}`: `report` is the same report
//   as the page's JSON download (www/report.js: every column's final
//   treatment with the output's distinct counts, rows read/written/suppressed,
//   the SHA-256 of the input and of the cleaned file, the method, the privacy
//   and attacker models, the l-diversity of each sensitive column),
//   `result` the anonymisation's result (null without one).
// - inspect(file) -> Promise<inspection>: dialect, rows, columns and suggestions.
// - keygen() / keyFromPassphrase(passphrase, salt?) -> Promise<key file object>.
// Errors are `MasqueError`s with a `code` and a message naming positions, never values.

import { Kind, MasqueError, WorkerClient } from '../protocol.js';
import { columnsFromSuggestions, defaultPolicyOf, entryOf, measuredConfig, sensitiveOf } from '../policy.js';
import { pickLanguage } from '../i18n.js';
import { reportOf } from '../report.js';

export { MasqueError };

/** @typedef {import('../protocol.js').KeyFile} KeyFile */
/** @typedef {import('../protocol.js').CleanProgress} CleanProgress */

/**
 * The cleaned file, with the reports of its cleaning.
 * @typedef {Blob & {masque: {report: import('../report.js').Report,
 *   result: import('../protocol.js').AnonymiseResult | null, dialect: import('../protocol.js').Dialect}}} CleanedBlob
 */

/** @type {WorkerClient | null} */
let client = null;
/** The module's worker client, started on the first call; each call is cancelled by its own `signal`. */
const worker = () => (client ??= new WorkerClient(() => new Worker(new URL('../worker.js', import.meta.url), { type: 'module' })));

/**
 * The file's dialect, rows, columns and column suggestions.
 * @param {Blob} file
 * @returns {Promise<import('../protocol.js').Inspection>}
 */
export function inspect(file) {
  return worker().request(Kind.INSPECT, { file, options: {} });
}

/**
 * The policy the masque page suggests for the file: every column named, and
 * the `anonymise` section (the suggested quasi-identifiers the page's defaults
 * keep, with their hierarchies, k = 11, local recoding).
 * @param {Blob} file
 * @returns {Promise<import('../policy.js').Policy>}
 */
export async function suggestPolicy(file) {
  return defaultPolicyOf(await inspect(file));
}

/**
 * A new random key (key-file object: version, key, fingerprint). Keep it secret.
 * @returns {Promise<KeyFile>}
 */
export function keygen() {
  return worker().request(Kind.KEYGEN, null);
}

/**
 * A key derived from a passphrase with Argon2id (key-file object with its salt).
 * @param {string} passphrase
 * @param {string} [salt] the salt of a key derived before (to derive the same key)
 * @returns {Promise<KeyFile>}
 */
export function keyFromPassphrase(passphrase, salt) {
  return worker().request(Kind.KEY_FROM_PASSPHRASE, { passphrase, salt });
}

/** Names the file a `clean` keeps in the worker between reading it and cleaning it. */
let tokens = 0;

/**
 * Cleans `file` in the worker and resolves with the cleaned file.
 * @param {Blob} file a File or Blob: CSV, TSV or XLSX
 * @param {import('../policy.js').Policy | object} policy the policy object; its `anonymise` section is applied
 * @param {KeyFile | null} key a key-file object
 * @param {{anonymise?: object | null, utf8?: boolean, lang?: string, onProgress?: (progress: CleanProgress) => void, signal?: AbortSignal}} [options]
 *   `anonymise`: replaces the policy's section (null: no anonymisation);
 *   `signal`: aborting it cancels this call alone (rejects with a `cancelled` MasqueError)
 * @returns {Promise<CleanedBlob>}
 */
export async function clean(file, policy, key, { anonymise, utf8 = false, lang, onProgress, signal } = {}) {
  const { anonymise: section = null, ...rules } = /** @type {import('../policy.js').Policy} */ (policy ?? {});
  const config = /** @type {import('../policy.js').AnonymiseConfig | null} */ (anonymise === undefined ? section : anonymise);
  const token = --tokens; // negative: never one of the page's
  // Read once and kept: the suggestions give the sensitive columns (their l-diversity is reported), the run cleans the kept table.
  const inspection = await worker().request(Kind.OPEN, { file, token }, { signal });
  const columns = columnsFromSuggestions(inspection);
  const roles = Object.fromEntries(columns.map((c) => [c.name, Object.hasOwn(config?.quasi_identifiers ?? {}, c.name) ? 'quasi_identifier' : c.role]));
  // Every sensitive column the policy keeps is measured (its l-diversity in the report).
  const kept = columns.filter((c) => entryOf((/** @type {any} */ (rules)).columns?.[c.name] ?? (/** @type {any} */ (rules)).default ?? 'keep').action !== 'drop');
  const request = { policy: rules, key, anonymise: measuredConfig(config, sensitiveOf(kept)), utf8 };
  const done = await worker().request(Kind.CLEAN, { file, token, request }, { onProgress, signal });
  const digest = async (/** @type {Blob} */ blob) => (await worker().request(Kind.DIGEST, { file: blob }, { signal })).sha256;
  const digests = { input: await digest(file), output: await digest(done.output) };
  const type = done.dialect?.delimiter === '\t' ? 'text/tab-separated-values' : 'text/csv';
  const blob = /** @type {CleanedBlob} */ (new Blob([done.output], { type }));
  const report = reportOf({
    done, file: { name: /** @type {any} */ (file).name ?? 'file', size: file.size }, digests, policy, config, roles,
    finishedAt: Date.now(), lang: lang === 'fr' || lang === 'en' ? lang : pickLanguage({ browser: globalThis.navigator?.language }),
  });
  blob.masque = { report, result: done.result, dialect: done.dialect };
  return blob;
}
