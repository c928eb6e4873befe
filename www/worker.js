// The module worker: the only code that loads masque's wasm module.
//
// The engine is imported and instantiated on the first request that needs it,
// once per worker. The page sends the File itself (a reference, not a copy);
// it is read here by chunks (FileReaderSync) straight into the engine's
// columnar table, so the file is never held whole in memory. The file last
// opened is kept in wasm memory (a `PreviewTable`): the page's preview asks it
// for any window of rows, and a run cleans it without reading it again (a
// large file's run takes the kept table over rather than copying it, so the
// next request reads the file again). The cleaned file comes out of the
// engine by chunks, each turned into a Blob at once, and goes back as one Blob
// of them: never held whole in wasm memory nor in this worker's heap.

import { ErrorCode, Kind, MasqueError, serve } from './protocol.js';

let engine = null;

/** The initialised wasm module (`inspect`, `version`, ...), loaded once. */
function loadEngine() {
  engine ??= (async () => {
    try {
      const masque = await import('./pkg/masque.js');
      await masque.default();
      return masque;
    } catch (err) {
      engine = null; // let a later request try again
      throw new MasqueError(ErrorCode.ENGINE, `the masque engine could not be loaded (${err?.message ?? err})`);
    }
  })();
  return engine;
}

/**
 * A `read(offset, length)` callback over a File for the engine's streaming
 * reader: the worker reads the file chunk by chunk with FileReaderSync, so the
 * file is never held whole in memory, neither here nor in wasm memory (only
 * the table is). Errors become an `io` reading error, reported by the engine.
 */
function chunksOf(file, progress) {
  if (!(file instanceof Blob)) throw new MasqueError(ErrorCode.PROTOCOL, 'no file was sent');
  const reader = new FileReaderSync();
  return (offset, length) => {
    progress?.({ phase: 'reading', done: offset, total: file.size });
    return new Uint8Array(reader.readAsArrayBuffer(file.slice(offset, offset + length)));
  };
}

/**
 * Calls into the engine. Its errors name positions, never cell values; a
 * reading error also carries its `code` (e.g. `field_count`) and position
 * fields (`line`, `record`, `expected`, `found`, `byte`, `column`), passed on
 * as `detail` so the page can say it in the reader's language.
 */
function call(fn, code = ErrorCode.READ) {
  try {
    return fn();
  } catch (err) {
    if (err instanceof WebAssembly.RuntimeError || err instanceof MasqueError) throw err;
    if (typeof err?.code !== 'string') throw new MasqueError(code, err?.message ?? String(err));
    // An `io` reading error is the browser failing to read the file (moved, changed).
    // Its own fields are exactly the code and the position, as plain data.
    throw new MasqueError(err.code === 'io' ? ErrorCode.FILE : code, err.message, { detail: { ...err } });
  }
}

/**
 * From this file size on, a run cleans the kept table itself instead of a copy
 * (the table takes about 1.3 times the file in wasm memory, which cannot grow
 * past 4 GiB): the preview then reads the file again if asked.
 */
const TAKE_OVER_BYTES = 128 * 1024 * 1024;

/** The file kept for the preview and the run: {token, options, table: PreviewTable}. */
let kept = null;

/** Reading options as comparable text: the kept table serves only the same ones. */
const optionsKey = (options) => JSON.stringify(options ?? {});

/** Reads `file` (by chunks, reporting how far) into a PreviewTable kept under `token`. */
function keep(m, token, file, options, progress) {
  kept?.table.free();
  kept = null;
  const read = chunksOf(file, progress);
  const table = call(() => m.PreviewTable.fromReader(file.size, read, options ?? {}));
  kept = { token, options: optionsKey(options), table };
  return table;
}

/** The kept table if it is `token`'s, read with `options`; else `file` read and kept. */
async function tableFor(file, token, options, progress) {
  const m = await loadEngine();
  if (kept && kept.token === token && token !== undefined && kept.options === optionsKey(options)) {
    return kept.table;
  }
  progress?.({ phase: 'reading' });
  return keep(m, token, file, options, progress);
}

serve(self, {
  [Kind.VERSION]: async () => {
    const masque = await loadEngine();
    return masque.version();
  },

  [Kind.INSPECT]: async ({ file, options } = {}, { progress }) => {
    const m = await loadEngine();
    progress({ phase: 'reading' });
    const table = call(() => m.PreviewTable.fromReader(file?.size, chunksOf(file, progress), options ?? {}));
    try {
      return call(() => table.inspection());
    } finally {
      table.free();
    }
  },

  [Kind.OPEN]: async ({ file, token, options } = {}, { progress }) => {
    const m = await loadEngine();
    progress({ phase: 'reading' });
    return call(() => keep(m, token, file, options, progress).inspection());
  },

  [Kind.ROWS]: async ({ file, token, start, count, options } = {}) => {
    const table = await tableFor(file, token, options);
    return { start, rows: table.slice(start, count) };
  },

  [Kind.KEYGEN]: async () => {
    const m = await loadEngine();
    return call(() => m.keygen(), ErrorCode.KEY);
  },

  [Kind.KEY_FROM_PASSPHRASE]: async ({ passphrase, salt } = {}) => {
    const m = await loadEngine();
    if (typeof passphrase !== 'string' || passphrase.length === 0) {
      throw new MasqueError(ErrorCode.KEY, 'the passphrase is empty');
    }
    return call(() => m.key_from_passphrase(passphrase, salt ?? undefined), ErrorCode.KEY);
  },

  [Kind.CLEAN]: async ({ file, token, request } = {}, { progress }) => {
    // The file opened for the preview is cleaned without reading it again.
    const table = await tableFor(file, token, request?.read, progress);
    const onProgress = (p) => {
      progress(p);
      return true;
    };
    const parts = [];
    const sink = (chunk) => parts.push(new Blob([chunk]));
    let done;
    if (file instanceof Blob && file.size >= TAKE_OVER_BYTES) {
      // The run consumes the kept table (freed even if it fails).
      if (kept?.table === table) kept = null;
      done = call(() => table.cleanOnce(request ?? {}, onProgress, sink), ErrorCode.CLEAN);
    } else {
      done = call(() => table.clean(request ?? {}, onProgress, sink), ErrorCode.CLEAN);
    }
    return Object.assign(done, { output: new Blob(parts) });
  },
});
