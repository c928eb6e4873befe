// @ts-check
// The page's session: one state for everything the page shows (the file and
// its reading, the policy, the key, the run and its outcome, the language and
// the engine), one place to change it, and the views told of each change.
// app.js and flow.js read it with `get()`, change it with `update()` and
// re-render from it in `subscribe()`: neither keeps state of its own (only view
// resources derived from it: the preview grid, the download links' URLs).
// No DOM, no worker.

/** @typedef {import('./protocol.js').Inspection} Inspection */
/** @typedef {import('./protocol.js').KeyFile} KeyFile */
/** @typedef {import('./protocol.js').ReadOptions} ReadOptions */
/** @typedef {import('./protocol.js').CleanResult} CleanResult */
/** @typedef {import('./policy.js').Column} Column */

/** @typedef {'idle' | 'busy' | 'done' | 'failed' | 'cancelled'} ReadPhase */
/** @typedef {'idle' | 'running' | 'done' | 'cancelled' | 'failed'} RunPhase */

/**
 * An error as the page shows it (headline from `code`, `message` as detail).
 * @typedef {{code: string, message: string, detail?: object | null, said?: boolean}} ShownError (`said`: a message the page wrote, in the user's language)
 */

/**
 * The page's steps, in order.
 * @typedef {'file' | 'columns' | 'protection' | 'key' | 'result'} Step
 */

/** The page's steps, in order. */
export const STEPS = /** @type {readonly Step[]} */ (Object.freeze(['file', 'columns', 'protection', 'key', 'result']));

/**
 * The steps that can be shown: the file always, the settings once a file is
 * read, the result once a run is done.
 * @param {Session} s
 * @returns {Step[]}
 */
export function availableSteps(s) {
  return STEPS.filter((step) => step === 'file' || (step === 'result' ? s.run === 'done' && Boolean(s.outcome) : Boolean(s.inspection)));
}

/**
 * The step shown: the one chosen if it can be, else the file.
 * @param {Session} s
 * @returns {Step}
 */
export const shownStep = (s) => (availableSteps(s).includes(s.view) ? s.view : 'file');

/**
 * A finished run, as the results view and the reports show it.
 * @typedef {CleanResult & {policy: import('./policy.js').Policy, config: import('./policy.js').AnonymiseConfig | null, seconds: number,
 *   file: {name: string}, finishedAt: number, comparison?: import('./compare.js').Comparison | null, compareSkipped?: boolean}} Outcome
 *   `comparison`: global and local recoding side by side (null when one method ran), its `chosen` this outcome's;
 *   `compareSkipped`: a comparison was asked but the file was too large to run both
 */

/**
 * The session.
 * @typedef {object} Session
 * @property {string} lang the page's language (`fr` or `en`)
 * @property {'loading' | 'ready' | 'failed'} engine
 * @property {string | null} version masque's version, once the engine is loaded
 * @property {ReadPhase} phase the reading of the file
 * @property {number | null} progress the share of the file read, from 0 to 1, while busy (null: not known yet)
 * @property {{name: string, size: number} | null} file the file shown or being read
 * @property {File | null} source the File itself (read again with other options, cleaned)
 * @property {number} token names the file in the worker (its kept table); a new one for every read
 * @property {ReadOptions} readOptions the options the file was read with
 * @property {Inspection | null} inspection what masque found in the file
 * @property {ShownError | null} error the reading's failure, shown under the file input
 * @property {Column[]} columns the policy's settings, column by column
 * @property {KeyFile | null} key
 * @property {'generated' | 'passphrase' | 'imported' | null} keySource
 * @property {boolean} keyBusy a key is being made
 * @property {RunPhase} run
 * @property {string | null} step the run's current phase (`reading`, `searching`, ...)
 * @property {{checked: number, size: number} | null} nodes the search's progress
 * @property {{method: 'global' | 'local', index: number} | null} [method] in a comparison, the recoding running
 * @property {number} started when the run started (performance.now())
 * @property {ShownError | null} runError a key, policy, settings or run failure, shown by the run button
 * @property {string | null} notice a note shown in the run status when idle
 * @property {Outcome | null} outcome the last run's results
 * @property {Step} view the step shown (one at a time): the file, its columns, the protection, the key and run, the result
 * @property {PopulationTable | null} populationTable the population table chosen (read here, sent with the run; kept across files, like the key)
 */

/**
 * A population table chosen in the protection step: its file's name and size
 * and its bytes, read locally (File -> ArrayBuffer), never uploaded.
 * @typedef {{name: string, size: number, bytes: Uint8Array}} PopulationTable
 */

/**
 * The session when the page opens.
 * @param {string} lang
 * @returns {Session}
 */
export function initialSession(lang) {
  return {
    lang, engine: 'loading', version: null,
    phase: 'idle', progress: null, file: null, source: null, token: 0, readOptions: {}, inspection: null, error: null,
    columns: [], key: null, keySource: null, keyBusy: false,
    run: 'idle', step: null, nodes: null, started: 0, runError: null, notice: null, outcome: null, view: 'file',
    populationTable: null,
  };
}

/**
 * What changes when another file is read: everything about the previous file
 * is forgotten (its policy settings, its run and outcome); the language, the
 * engine and the key stay.
 * @param {File} source
 * @param {number} token
 * @returns {Partial<Session>}
 */
export function readingFile(source, token) {
  return {
    phase: 'busy', progress: null, file: { name: source.name, size: source.size }, source, token,
    readOptions: {}, inspection: null, error: null, columns: [],
    run: 'idle', step: null, nodes: null, runError: null, notice: null, outcome: null, view: 'file',
  };
}

/**
 * A store of one state object, replaced (never mutated) by each update.
 * @template T
 * @typedef {object} Store
 * @property {() => T} get the current state
 * @property {(patch: Partial<T> | ((state: T) => Partial<T>)) => void} update
 *   merges `patch` into a new state and tells every subscriber
 * @property {(listener: (state: T, previous: T) => void) => () => void} subscribe
 *   calls `listener` after each update, in the order of subscription; returns the unsubscribe function
 */

/**
 * @template {object} T
 * @param {T} initial
 * @returns {Store<T>}
 */
export function createStore(initial) {
  let state = Object.freeze({ ...initial });
  /** @type {Set<(state: T, previous: T) => void>} */
  const listeners = new Set();
  return {
    get: () => state,
    update(patch) {
      const previous = state;
      const changes = typeof patch === 'function' ? patch(state) : patch;
      state = Object.freeze({ ...state, ...changes });
      for (const listener of [...listeners]) listener(state, previous);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
