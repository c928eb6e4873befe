// The messages between the page and the worker, shared by both sides.
//
// Page -> worker:   {id, kind, payload}
// Worker -> page:   {id, type: 'progress', payload}   zero or more times, then
//                   {id, type: 'result', payload}     or
//                   {id, type: 'error', error: {code, message, fatal, detail}}
//
// The page talks to the worker only through `WorkerClient`; the worker answers
// through `serve`. Neither side knows the other's internals, and only the
// worker knows the wasm module. Errors travel as plain data (code + message)
// so they survive structured cloning and can be shown to a person.

/** The requests the worker understands. */
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
});

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
});

/** A handler's result may list, under this key, the buffers to transfer instead of copying. */
export const TRANSFER = Symbol('transfer');

/** An error with a code from `ErrorCode`, as thrown on both sides of the protocol. */
export class MasqueError extends Error {
  /**
   * @param {string} code one of `ErrorCode`
   * @param {string} message a readable message, never containing cell values
   * @param {{fatal?: boolean, detail?: object}} [options] fatal: the worker must
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

/** Turns anything thrown in the worker into plain, cloneable error data. */
export function errorData(err) {
  if (err instanceof MasqueError) {
    return { code: err.code, message: err.message, fatal: err.fatal, detail: err.detail };
  }
  if (typeof WebAssembly !== 'undefined' && err instanceof WebAssembly.RuntimeError) {
    // A trap (a Rust panic under panic=abort): the instance cannot be trusted any more.
    return { code: ErrorCode.INTERNAL, message: `internal error in masque (${err.message})`, fatal: true };
  }
  const message = err && typeof err.message === 'string' ? err.message : String(err);
  return { code: ErrorCode.WORKER, message, fatal: false };
}

/**
 * The worker side: answers requests with `handlers[kind](payload, {progress})`.
 * A handler returns the result (or a promise of it) or throws.
 *
 * @param {DedicatedWorkerGlobalScope} scope the worker's global scope
 * @param {Record<string, (payload: any, ctx: {progress: (p: any) => void}) => any>} handlers
 */
export function serve(scope, handlers) {
  scope.addEventListener('message', async (event) => {
    const { id, kind, payload } = event.data ?? {};
    const progress = (p) => scope.postMessage({ id, type: Reply.PROGRESS, payload: p });
    try {
      const handler = Object.hasOwn(handlers, kind) ? handlers[kind] : undefined;
      if (!handler) throw new MasqueError(ErrorCode.PROTOCOL, `unknown request kind "${kind}"`);
      const result = await handler(payload, { progress });
      // Symbol-keyed properties are not cloned: TRANSFER only tells postMessage what to move.
      scope.postMessage({ id, type: Reply.RESULT, payload: result }, result?.[TRANSFER] ?? []);
    } catch (err) {
      scope.postMessage({ id, type: Reply.ERROR, error: errorData(err) });
    }
  });
}

/**
 * The page side: sends requests to a worker and matches replies by id.
 *
 * `cancel()` terminates the worker (the only way to stop wasm mid-call), rejects
 * every pending request with a `cancelled` error and starts a fresh worker.
 * A worker that crashed (script error, fatal engine error) is dropped and a new
 * one is started by the next request, never in a loop.
 */
export class WorkerClient {
  #createWorker;
  #worker = null;
  #pending = new Map();
  #nextId = 1;

  /** @param {() => Worker} createWorker makes a new worker (called again after cancel or a crash) */
  constructor(createWorker) {
    this.#createWorker = createWorker;
    this.#worker = this.#start();
  }

  /**
   * Sends one request.
   * @param {string} kind one of `Kind`
   * @param {any} payload structured-cloneable data (a File is passed by reference, not copied)
   * @param {{onProgress?: (p: any) => void, transfer?: Transferable[]}} [options]
   * @returns {Promise<any>} the result; rejects with a `MasqueError`
   */
  request(kind, payload, { onProgress, transfer = [] } = {}) {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, onProgress });
      try {
        this.#worker ??= this.#start();
        this.#worker.postMessage({ id, kind, payload }, transfer);
      } catch (err) {
        this.#pending.delete(id);
        reject(new MasqueError(ErrorCode.PROTOCOL, `the request could not be sent (${err.message})`));
      }
    });
  }

  /** Stops whatever the worker is doing and replaces it with a fresh one. */
  cancel() {
    this.#drop(new MasqueError(ErrorCode.CANCELLED, 'cancelled'));
    this.#worker = this.#start();
  }

  /** Stops the worker (pending requests are rejected as cancelled; a later request starts a new one). */
  terminate() {
    this.#drop(new MasqueError(ErrorCode.CANCELLED, 'cancelled'));
  }

  #start() {
    const worker = this.#createWorker();
    worker.addEventListener('message', (event) => {
      if (worker === this.#worker) this.#onMessage(event.data);
    });
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      if (worker !== this.#worker) return;
      const detail = event.message || 'the worker script could not be loaded or run';
      this.#drop(new MasqueError(ErrorCode.WORKER, detail));
    });
    worker.addEventListener('messageerror', () => {
      if (worker !== this.#worker) return;
      this.#drop(new MasqueError(ErrorCode.PROTOCOL, 'a reply from the worker could not be read'));
    });
    return worker;
  }

  /** Terminates the current worker and rejects everything it was doing. */
  #drop(reason) {
    this.#worker?.terminate();
    this.#worker = null;
    this.#rejectAll(reason);
  }

  #rejectAll(reason) {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(reason);
  }

  #onMessage(data) {
    const entry = this.#pending.get(data?.id);
    if (!entry) return; // a late reply to a request already settled
    switch (data.type) {
      case Reply.PROGRESS:
        entry.onProgress?.(data.payload);
        return;
      case Reply.RESULT:
        this.#pending.delete(data.id);
        entry.resolve(data.payload);
        return;
      case Reply.ERROR: {
        this.#pending.delete(data.id);
        const { code, message, fatal, detail } = data.error ?? {};
        const err = new MasqueError(code ?? ErrorCode.WORKER, message ?? 'unknown error', { fatal, detail });
        if (fatal) this.#drop(err);
        entry.reject(err);
        return;
      }
      default:
        this.#pending.delete(data.id);
        entry.reject(new MasqueError(ErrorCode.PROTOCOL, `unexpected reply type "${data.type}"`));
    }
  }
}
