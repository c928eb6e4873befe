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
//   const blob = await clean(file, policy, key, { anonymise: { quasi_identifiers: {sexe: {}}, k: 11 } });
//   const form = new FormData(); form.append('file', blob, 'clean.csv');
//   await fetch('upload', { method: 'POST', body: form });
//
// API
// - clean(file, policy, key, options?) -> Promise<Blob>: applies `policy` (the
//   policy object `masque apply` reads) with `key` (a key-file object from
//   `keygen`, `keyFromPassphrase` or `masque keygen`; null if nothing is
//   pseudonymised). options: `anonymise` (the configuration `masque anonymise`
//   reads; a quasi-identifier given as {} gets the flat hierarchy value -> *),
//   `utf8` (write UTF-8), `onProgress({phase, nodes_checked?, lattice_size?})`,
//   `signal` (an AbortSignal: aborting stops the work). The Blob carries the
//   reports as `blob.masque = {report, result, dialect}`.
// - inspect(file) -> Promise<inspection>: dialect, rows, columns and suggestions.
// - suggestPolicy(file) -> Promise<policy>: the policy masque suggests.
// - keygen() / keyFromPassphrase(passphrase, salt?) -> Promise<key file object>.
// Errors are `MasqueError`s with a `code` and a message naming positions, never values.

import { Kind, MasqueError, WorkerClient } from '../protocol.js';
import { columnsFromSuggestions, policyOf } from '../policy.js';

export { MasqueError };

/** @typedef {import('../protocol.js').KeyFile} KeyFile */
/** @typedef {import('../protocol.js').CleanProgress} CleanProgress */

/**
 * The cleaned file, with the reports of its cleaning.
 * @typedef {Blob & {masque: {report: import('../protocol.js').ApplyReport,
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
 * The policy masque suggests for the file (every column named).
 * @param {Blob} file
 * @returns {Promise<import('../policy.js').Policy>}
 */
export async function suggestPolicy(file) {
  return policyOf(columnsFromSuggestions(await inspect(file)));
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

/**
 * Cleans `file` in the worker and resolves with the cleaned file.
 * @param {Blob} file a File or Blob: CSV, TSV or XLSX
 * @param {object} policy the policy object
 * @param {KeyFile | null} key a key-file object
 * @param {{anonymise?: object | null, utf8?: boolean, onProgress?: (progress: CleanProgress) => void, signal?: AbortSignal}} [options]
 *   `signal`: aborting it cancels this call alone (rejects with a `cancelled` MasqueError)
 * @returns {Promise<CleanedBlob>}
 */
export async function clean(file, policy, key, { anonymise = null, utf8 = false, onProgress, signal } = {}) {
  const done = await worker().request(Kind.CLEAN, { file, request: { policy, key, anonymise, utf8 } }, { onProgress, signal });
  const type = done.dialect?.delimiter === '\t' ? 'text/tab-separated-values' : 'text/csv';
  const blob = /** @type {CleanedBlob} */ (new Blob([done.output], { type }));
  blob.masque = { report: done.report, result: done.result, dialect: done.dialect };
  return blob;
}
