// @ts-check
// The messages between the page and the worker, shared by both sides.
//
// Page -> worker:   {id, kind, payload}
// Worker -> page:   {id, type: 'progress', payload}   zero or more times, then
//                   {id, type: 'result', payload}     or
//                   {id, type: 'error', error: {code, message, fatal, detail}}
//
// The page talks to the worker only through `WorkerClient` (one request at a
// time, each cancellable on its own with an AbortSignal); the worker answers
// through `serve`. Neither side knows the other's internals, and only the
// worker knows the wasm module. Errors travel as plain data (code + message)
// so they survive structured cloning and can be shown to a person.

/** The requests the worker understands (payloads, progress and results: `Requests` below). */
export const Kind = Object.freeze({
  /** payload: none. result: the masque version string. */
  VERSION: 'version',
  /** payload: {file: File|Blob, options?: {delimiter?, encoding?, sheet?}}.
   *  progress: {phase: 'reading'}. result: the inspection object. */
  INSPECT: 'inspect',
  /** payload: {file, token, options?}. The worker reads the file once and keeps
   *  it (for ROWS and CLEAN) under `token`. progress: {phase: 'reading'}.
   *  result: the inspection object. */
  OPEN: 'open',
  /** payload: {file, token, start, count, options?}. result: {start, rows: string[][]}.
   *  A worker that does not hold `token` (it was replaced) reads `file` again. */
  ROWS: 'rows',
  /** payload: none. result: a new key-file object {version, key, fingerprint}. */
  KEYGEN: 'keygen',
  /** payload: {passphrase, salt?}. result: a key-file object with key, salt, kdf, fingerprint. */
  KEY_FROM_PASSPHRASE: 'key_from_passphrase',
  /** payload: {file, token?, request: {policy, key, anonymise?, read?, utf8?, preview_rows?}}.
   *  The file kept under `token` (read with the same `read` options) is cleaned
   *  without reading it again; otherwise `file` is read (and kept). A large
   *  file's run uses up the kept table: a later request reads `file` again.
   *  progress: {phase: 'reading'|'pseudonymising'|'searching'|'writing', nodes_checked?, lattice_size?,
   *  done?, total? (bytes read or written)}.
   *  result: {output: Blob (the cleaned file), report, result, dialect, header, preview, timings}. */
  CLEAN: 'clean',
  /** payload: {file, token?, requests: {global: CleanRequest, local: CleanRequest}}: the kept
   *  table cleaned twice, once per recoding, on the same settings (global first), each from
   *  the table as read. progress: CLEAN's, with `method` (`global`|`local`) and `index` (0, 1).
   *  result: {global, local}, each `{done: CleanResult}` or `{error: ErrorData}` (the
   *  engine's reason that method could not run: both failing is the request's error). */
  COMPARE: 'compare',
  /** payload: {file: File|Blob}. The file is read by chunks and hashed, never held whole.
   *  progress: {phase: 'digest', done, total}. result: {sha256 (lower-case hex), bytes}. */
  DIGEST: 'digest',
});

/** @typedef {typeof Kind[keyof typeof Kind]} KindName one of the `Kind` values */

/**
 * How a file is read: detected when absent.
 * @typedef {object} ReadOptions
 * @property {string} [delimiter] one character, e.g. `;`
 * @property {string} [encoding] e.g. `utf-8`, `windows-1252`
 * @property {string} [sheet] a workbook's sheet name
 * @property {'error' | 'set_aside'} [malformed_rows] a record whose field count is not the header's:
 *   the read fails (`error`, the default) or the record is set aside (left out, its line listed)
 */

/**
 * The malformed records a read set aside: how many, and the line each begins on (the first 1,000).
 * @typedef {{count: number, lines: number[]}} SetAside
 */

/**
 * The dialect a file was read in (and its cleaned copy is written in).
 * @typedef {object} Dialect
 * @property {string} format `csv` or `workbook`
 * @property {string} [delimiter]
 * @property {string} [encoding]
 * @property {boolean} [bom]
 * @property {string} [line_ending]
 * @property {boolean} [final_newline]
 * @property {string} [sheet]
 */

/**
 * A policy entry: an action name or an object with `action` and its parameters.
 * @typedef {string | {action: string, [parameter: string]: unknown}} PolicyAction
 */

/**
 * A column suggestion from `inspect`.
 * @typedef {object} Suggestion
 * @property {string} role
 * @property {PolicyAction} action
 * @property {number | string} confidence a share, a percentage or a word (`high`)
 * @property {string} reason one English line (the page says `concept` in its own words instead)
 * @property {string | null} [concept] what the column holds, a stable snake_case name (`birth_date`, `postal_code`, …)
 * @property {boolean} [values_agree] whether the values bear the concept out
 */

/**
 * One column as `inspect` describes it.
 * @typedef {object} InspectedColumn
 * @property {string} name
 * @property {number} distinct
 * @property {number} empty
 * @property {Suggestion} [suggestion]
 */

/**
 * What masque found in a file.
 * @typedef {object} Inspection
 * @property {Dialect} dialect
 * @property {number} rows
 * @property {InspectedColumn[]} columns
 * @property {Array<{kind: string, [field: string]: unknown}>} [warnings]
 * @property {SetAside} [set_aside] the malformed records set aside (absent when none)
 */

/**
 * A key-file object (as `masque keygen` writes it); `key` is secret.
 * @typedef {object} KeyFile
 * @property {number} [version]
 * @property {string} [key]
 * @property {string} [salt]
 * @property {object} [kdf]
 * @property {string} fingerprint
 */

/**
 * What CLEAN applies: the policy `masque apply` reads and, optionally, the
 * configuration `masque anonymise` reads.
 * @typedef {object} CleanRequest
 * @property {object} policy
 * @property {KeyFile | null} key
 * @property {object | null} [anonymise]
 * @property {ReadOptions} [read]
 * @property {boolean} [utf8] write UTF-8 instead of the input's encoding
 * @property {number} [preview_rows]
 * @property {Uint8Array | null} [population_table] the bytes of the population table `anonymise.population_table` names
 *   (a CSV/TSV file or workbook, one row per person, columns named as the output's quasi-identifiers)
 * @property {ReadOptions} [population_read] how to read `population_table` (sniffed by default)
 */

/**
 * The output's classes against the population table (the engine's `PopulationTableReport`).
 * @typedef {object} PopulationTableReport
 * @property {number} rows rows of the population table
 * @property {number} k_map the fewest people of the table a group of the output matches (0: every row suppressed)
 * @property {number | null} [delta_min] the lowest δ (rows of a group / people of the table it matches)
 * @property {number | null} [delta_max] the highest δ
 * @property {boolean} monotone whether these criteria were monotone (the optimal search is a proof either way)
 */

/**
 * What applying the policy did (the engine's apply report; only the fields the page reads).
 * @typedef {object} ApplyReport
 * @property {string} masque_version
 * @property {number} rows_in
 * @property {number} rows_out
 * @property {number} columns_in
 * @property {number} columns_out
 * @property {string | null} [key_fingerprint]
 * @property {Array<{name: string, action: string, detail?: string | null, distinct_in: number, distinct_out: number,
 *   invalid: number, invalid_reasons?: Record<string, number>, replaced?: Record<string, number>, renamed?: string}>} columns
 */

/**
 * The re-identification risk of a table (the engine's risk report; only the fields the page reads).
 * @typedef {object} RiskReport
 * @property {number} k
 * @property {number} classes
 * @property {number} sample_uniques
 * @property {Array<{size: number, records: number}>} [class_sizes]
 * @property {{highest: number, average: number, records_at_risk?: Record<string, number>}} prosecutor
 * @property {Record<string, {l_distinct: number, l_entropy: number, t_closeness: number}>} [sensitive]
 * @property {PopulationRisk} [population] when the file is a sample of a population
 */

/**
 * The population risk of a table (the engine's `PopulationRisk`): each
 * uniqueness estimate is the estimated number of records unique in the
 * population divided by its size, null where the model gave none.
 * @typedef {object} PopulationRisk
 * @property {number} size
 * @property {number} sampling_fraction
 * @property {{pitman: number | null, zayatz: number | null, snb: number | null, dankar: number, dankar_model: 'pitman' | 'zayatz' | 'snb' | null}} uniqueness
 * @property {{highest: number, average: number, records_at_risk?: Record<string, number>}} journalist
 * @property {number} marketer
 */

/**
 * What the anonymisation did (the engine's result; only the fields the page reads).
 * @typedef {object} AnonymiseResult
 * @property {number} [k]
 * @property {number} rows
 * @property {number} [retained] rows in the output
 * @property {number} suppressed
 * @property {string} suppressed_rows `remove` or `mask`
 * @property {boolean} optimal
 * @property {number} nodes_checked
 * @property {number} lattice_size
 * @property {Record<string, number>} levels
 * @property {Record<string, number>} [heights]
 * @property {string} [recoding] `local` or `global`
 * @property {{value: number, columns?: Record<string, number>}} [ncp] information lost (0 to 1)
 * @property {Utility} [utility] what the output kept of the input, measured the same way whatever the method
 * @property {RiskReport | null} risk_before
 * @property {RiskReport | null} risk_after
 * @property {PopulationTableReport | null} [population_table] the output against the population table, when one was given
 */

/**
 * What an output kept of its input (the engine's `Utility`): per quasi-identifier
 * and overall, `granularity` = 1 − NCP (1 every value exact, 0 nothing kept).
 * @typedef {object} Utility
 * @property {number} loss
 * @property {number} granularity
 * @property {number} records
 * @property {number} records_retained
 * @property {number} cells
 * @property {number} cells_suppressed
 * @property {number} tvd
 * @property {Record<string, {loss: number, granularity: number, cells_suppressed: number, tvd: number}>} columns
 */

/**
 * One recoding's run in a COMPARE: its result, or why the engine could not run it.
 * @typedef {{done: CleanResult, error?: undefined} | {error: ErrorData, done?: undefined}} CompareRun
 */

/**
 * The cleaned table as written (the core's `OutputSummary`), counted after the generalisation and the suppression.
 * @typedef {{rows: number, columns: Array<{name: string, distinct: number, empty: number}>, rows_read?: number,
 *   set_aside?: SetAside, rows_suppressed?: number, replaced?: Record<string, number>}} OutputSummary
 */

/**
 * The result of CLEAN.
 * @typedef {object} CleanResult
 * @property {Blob} output the cleaned file
 * @property {ApplyReport} report
 * @property {AnonymiseResult | null} result the anonymisation (risk before and after, ...), null without quasi-identifiers
 * @property {OutputSummary} [output_summary] the output as written: rows, and per column distinct values and empty cells
 * @property {Dialect} dialect
 * @property {string[]} header
 * @property {string[][]} preview
 * @property {Record<string, number>} timings
 */

/**
 * Progress of a read.
 * @typedef {object} ReadProgress
 * @property {'reading'} phase
 * @property {number} [done] bytes read
 * @property {number} [total] bytes in the file
 */

/**
 * Progress of a run.
 * @typedef {object} CleanProgress
 * @property {'reading'|'pseudonymising'|'searching'|'writing'} phase
 * @property {number} [nodes_checked]
 * @property {number} [lattice_size]
 * @property {number} [done] bytes read or written
 * @property {number} [total]
 * @property {'global' | 'local'} [method] in a COMPARE, the recoding running
 * @property {number} [index] in a COMPARE, 0 for the first run, 1 for the second
 */

/**
 * Every request: its payload, its progress reports and its result, by kind.
 * @typedef {{
 *   version: {payload: null | undefined, progress: never, result: string},
 *   inspect: {payload: {file: Blob, options?: ReadOptions}, progress: ReadProgress, result: Inspection},
 *   open: {payload: {file: Blob, token: number, options?: ReadOptions}, progress: ReadProgress, result: Inspection},
 *   rows: {payload: {file: Blob, token: number, start: number, count: number, options?: ReadOptions},
 *          progress: ReadProgress, result: {start: number, rows: string[][]}},
 *   keygen: {payload: null | undefined, progress: never, result: KeyFile},
 *   key_from_passphrase: {payload: {passphrase: string, salt?: string}, progress: never, result: KeyFile},
 *   clean: {payload: {file: Blob, token?: number, request: CleanRequest}, progress: CleanProgress, result: CleanResult},
 *   compare: {payload: {file: Blob, token?: number, requests: {global: CleanRequest, local: CleanRequest}}, progress: CleanProgress,
 *     result: {global: CompareRun, local: CompareRun}},
 *   digest: {payload: {file: Blob}, progress: {phase: 'digest', done: number, total: number}, result: {sha256: string, bytes: number}},
 * }} Requests
 */

/**
 * The worker's side of one kind of request.
 * @template {KindName} K
 * @typedef {(payload: Requests[K]['payload'], ctx: {progress: (p: Requests[K]['progress']) => void})
 *   => Requests[K]['result'] | Promise<Requests[K]['result']>} Handler
 */

/** @typedef {{[K in KindName]: Handler<K>}} Handlers */

/**
 * A message from the page to the worker.
 * @typedef {{id: number, kind: string, payload: unknown}} RequestMessage
 */

/**
 * Plain, cloneable error data.
 * @typedef {{code: string, message: string, fatal?: boolean, detail?: object | null}} ErrorData
 */

/**
 * A message from the worker to the page.
 * @typedef {{id: number, type: 'progress', payload: unknown}
 *   | {id: number, type: 'result', payload: unknown}
 *   | {id: number, type: 'error', error: ErrorData}} ReplyMessage
 */

/** The types of the worker's replies. */
export const Reply = Object.freeze({
  PROGRESS: 'progress',
  RESULT: 'result',
  ERROR: 'error',
});

/** Error codes, each with a translated headline in the page. */
export const ErrorCode = Object.freeze({
  /** The file could not be read as a table (the message names positions, never values). */
  READ: 'read',
  /** The browser could not read the file from disk. */
  FILE: 'file',
  /** The wasm engine could not be loaded. */
  ENGINE: 'engine',
  /** The engine stopped on an internal error; the worker is replaced. */
  INTERNAL: 'internal',
  /** The worker itself failed (script error, crash). */
  WORKER: 'worker',
  /** The request was cancelled by the page. */
  CANCELLED: 'cancelled',
  /** The request was malformed (a programming error). */
  PROTOCOL: 'protocol',
  /** A key could not be made, read or unlocked (the message never holds the key). */
  KEY: 'key',
  /** The file could not be cleaned: a policy, configuration or hierarchy error (positions, never values). */
  CLEAN: 'clean',
  /** payload: {file: File|Blob}. The file is read by chunks and hashed, never held whole.
   *  progress: {phase: 'digest', done, total}. result: {sha256 (lower-case hex), bytes}. */
  DIGEST: 'digest',
});

/**
 * From this file size on, a run cleans the kept table itself instead of a copy
 * (the table takes about 1.3 times the file in wasm memory, which cannot grow
 * past 4 GiB): the preview then reads the file again if asked, and the page
 * runs one recoding rather than comparing both (each comparison run copies the table).
 */
export const TAKE_OVER_BYTES = 128 * 1024 * 1024;

/** A handler's result may list, under this key, the buffers to transfer instead of copying. */
export const TRANSFER = Symbol('transfer');

/** An error with a code from `ErrorCode`, as thrown on both sides of the protocol. */
export class MasqueError extends Error {
  /**
   * @param {string} code one of `ErrorCode`
   * @param {string} message a readable message, never containing cell values
   * @param {{fatal?: boolean, detail?: object | null}} [options] fatal: the worker must
   *   be replaced; detail: for a reading error, its code and position as plain
   *   data ({code: 'field_count', line, record, expected, found}, ...)
   */
  constructor(code, message, { fatal = false, detail = null } = {}) {
    super(message);
    this.name = 'MasqueError';
    this.code = code;
    this.fatal = fatal;
    this.detail = detail;
  }
}

/** The error an aborted request rejects with. */
const cancelled = () => new MasqueError(ErrorCode.CANCELLED, 'cancelled');

/**
 * Turns anything thrown in the worker into plain, cloneable error data.
 * @param {unknown} err
 * @returns {ErrorData}
 */
export function errorData(err) {
  if (err instanceof MasqueError) {
    return { code: err.code, message: err.message, fatal: err.fatal, detail: err.detail };
  }
  if (typeof WebAssembly !== 'undefined' && err instanceof WebAssembly.RuntimeError) {
    // A trap (a Rust panic under panic=abort): the instance cannot be trusted any more.
    return { code: ErrorCode.INTERNAL, message: `internal error in masque (${err.message})`, fatal: true };
  }
  const message = err instanceof Error || (err && typeof (/** @type {any} */ (err)).message === 'string')
    ? /** @type {Error} */ (err).message
    : String(err);
  return { code: ErrorCode.WORKER, message, fatal: false };
}

/**
 * The scope `serve` answers in: a dedicated worker's global scope (or anything
 * with the same two methods).
 * @typedef {object} WorkerScope
 * @property {(type: 'message', listener: (event: MessageEvent) => void) => void} addEventListener
 * @property {(message: unknown, transfer?: Transferable[]) => void} postMessage
 */

/**
 * The worker side: answers requests with `handlers[kind](payload, {progress})`.
 * A handler returns the result (or a promise of it) or throws.
 *
 * @param {WorkerScope} scope the worker's global scope
 * @param {Handlers} handlers
 */
export function serve(scope, handlers) {
  scope.addEventListener('message', async (event) => {
    const { id, kind, payload } = /** @type {RequestMessage} */ (event.data ?? {});
    /** @param {unknown} p */
    const progress = (p) => scope.postMessage({ id, type: Reply.PROGRESS, payload: p });
    try {
      /** @type {((payload: any, ctx: {progress: (p: any) => void}) => unknown) | undefined} */
      const handler = Object.hasOwn(handlers, kind) ? handlers[/** @type {KindName} */ (kind)] : undefined;
      if (!handler) throw new MasqueError(ErrorCode.PROTOCOL, `unknown request kind "${kind}"`);
      const result = await handler(payload, { progress });
      // Symbol-keyed properties are not cloned: TRANSFER only tells postMessage what to move.
      const transfer = result && typeof result === 'object' ? /** @type {any} */ (result)[TRANSFER] : undefined;
      scope.postMessage({ id, type: Reply.RESULT, payload: result }, transfer ?? []);
    } catch (err) {
      scope.postMessage({ id, type: Reply.ERROR, error: errorData(err) });
    }
  });
}

/**
 * The options of one request.
 * @template P the progress reports' type
 * @typedef {object} RequestOptions
 * @property {(progress: P) => void} [onProgress] called with each progress report, never after the request settled
 * @property {AbortSignal} [signal] aborting it cancels this request alone: it rejects with a `cancelled` MasqueError
 * @property {Transferable[]} [transfer] buffers of the payload to move instead of copying
 */

/**
 * One request, from `request()` until it settles.
 * @typedef {object} Job
 * @property {number} id
 * @property {string} kind
 * @property {unknown} payload
 * @property {Transferable[]} transfer
 * @property {((progress: any) => void) | undefined} onProgress
 * @property {AbortSignal | undefined} signal
 * @property {() => void} onAbort the listener on `signal`
 * @property {(result: any) => void} resolve
 * @property {(err: MasqueError) => void} reject
 */

/**
 * The page side: sends requests to a worker, one at a time, and matches
 * replies by id.
 *
 * Each request is cancelled on its own, by aborting the `signal` given with it.
 * A request still waiting its turn is simply taken out of the queue. The one
 * the worker is running cannot be interrupted otherwise (wasm is not
 * interruptible): the worker is terminated and a fresh one started, and the
 * requests waiting go on in it. Requests that relied on the old worker's state
 * (the file kept under a `token`) still complete: a worker that does not hold
 * the token reads the file again.
 *
 * A worker that crashed (script error) is dropped with what it was doing and
 * what was waiting; a new one is started by the next request, never in a loop.
 * A fatal engine error (a trap) fails only the request that hit it: the worker
 * is replaced and the others go on in a fresh one.
 */
export class WorkerClient {
  /** @type {() => Worker} */
  #createWorker;
  /** @type {Worker | null} */
  #worker = null;
  /** @type {Job | null} the request the worker is running */
  #running = null;
  /** @type {Job[]} the requests waiting their turn, oldest first */
  #queue = [];
  #nextId = 1;

  /** @param {() => Worker} createWorker makes a new worker (called again after an abort or a crash) */
  constructor(createWorker) {
    this.#createWorker = createWorker;
    this.#worker = this.#start();
  }

  /**
   * Sends one request (after those sent before it have settled).
   * @template {KindName} K
   * @param {K} kind one of `Kind`
   * @param {Requests[K]['payload']} [payload] structured-cloneable data (a File is passed by reference, not copied)
   * @param {RequestOptions<Requests[K]['progress']>} [options]
   * @returns {Promise<Requests[K]['result']>} the result; rejects with a `MasqueError`
   *   (`cancelled` when `signal` aborts)
   */
  request(kind, payload, { onProgress, signal, transfer = [] } = {}) {
    if (signal?.aborted) return Promise.reject(cancelled());
    return new Promise((resolve, reject) => {
      /** @type {Job} */
      const job = {
        id: this.#nextId++, kind, payload, transfer, onProgress, signal, resolve, reject,
        onAbort: () => this.#abort(job),
      };
      signal?.addEventListener('abort', job.onAbort, { once: true });
      this.#queue.push(job);
      this.#pump();
    });
  }

  /** The number of requests not settled yet (running or waiting). */
  get pending() {
    return this.#queue.length + (this.#running ? 1 : 0);
  }

  /** Stops the worker: every request not settled is rejected as cancelled; a later request starts a new one. */
  terminate() {
    this.#worker?.terminate();
    this.#worker = null;
    this.#failAll(cancelled());
  }

  /** @returns {Worker} */
  #start() {
    const worker = this.#createWorker();
    worker.addEventListener('message', (event) => {
      if (worker === this.#worker) this.#onMessage(event.data);
    });
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      if (worker !== this.#worker) return;
      const detail = event.message || 'the worker script could not be loaded or run';
      this.#crash(new MasqueError(ErrorCode.WORKER, detail));
    });
    worker.addEventListener('messageerror', () => {
      if (worker !== this.#worker) return;
      this.#crash(new MasqueError(ErrorCode.PROTOCOL, 'a reply from the worker could not be read'));
    });
    return worker;
  }

  /** Sends the next waiting request if the worker is free. */
  #pump() {
    while (!this.#running && this.#queue.length) {
      const job = /** @type {Job} */ (this.#queue.shift());
      this.#running = job;
      try {
        this.#worker ??= this.#start();
        this.#worker.postMessage({ id: job.id, kind: job.kind, payload: job.payload }, job.transfer);
      } catch (err) {
        this.#settle(job);
        job.reject(new MasqueError(ErrorCode.PROTOCOL, `the request could not be sent (${err instanceof Error ? err.message : err})`));
      }
    }
  }

  /** Forgets `job` (running or waiting) and its abort listener. */
  #settle(/** @type {Job} */ job) {
    job.signal?.removeEventListener('abort', job.onAbort);
    if (this.#running === job) this.#running = null;
    else this.#queue = this.#queue.filter((j) => j !== job);
  }

  /** `job`'s signal aborted: out of the queue, or (running) the worker is replaced. */
  #abort(/** @type {Job} */ job) {
    if (this.#running === job) {
      // The only way to stop wasm mid-call. The fresh worker takes the waiting requests.
      this.#worker?.terminate();
      this.#worker = this.#start();
    } else if (!this.#queue.includes(job)) {
      return; // settled already
    }
    this.#settle(job);
    job.reject(cancelled());
    this.#pump();
  }

  /** The worker failed as a whole: it is dropped and every request not settled fails with `reason`. */
  #crash(/** @type {MasqueError} */ reason) {
    this.#worker?.terminate();
    this.#worker = null;
    this.#failAll(reason);
  }

  #failAll(/** @type {MasqueError} */ reason) {
    const jobs = [...(this.#running ? [this.#running] : []), ...this.#queue];
    for (const job of jobs) this.#settle(job);
    for (const job of jobs) job.reject(reason);
  }

  /** @param {ReplyMessage} data */
  #onMessage(data) {
    const job = this.#running;
    if (!job || data?.id !== job.id) return; // a late reply to a request already settled
    switch (data.type) {
      case Reply.PROGRESS:
        job.onProgress?.(data.payload);
        return;
      case Reply.RESULT:
        this.#settle(job);
        job.resolve(data.payload);
        break;
      case Reply.ERROR: {
        this.#settle(job);
        const { code, message, fatal, detail } = data.error ?? /** @type {Partial<ErrorData>} */ ({});
        const err = new MasqueError(code ?? ErrorCode.WORKER, message ?? 'unknown error', { fatal, detail });
        if (fatal) {
          // The engine cannot be trusted any more: the next request starts a fresh worker.
          this.#worker?.terminate();
          this.#worker = null;
        }
        job.reject(err);
        break;
      }
      default:
        this.#settle(job);
        job.reject(new MasqueError(ErrorCode.PROTOCOL, `unexpected reply type "${/** @type {any} */ (data).type}"`));
    }
    this.#pump();
  }
}
