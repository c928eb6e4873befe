// The module worker: the only code that loads masque's wasm module.
//
// The engine is imported and instantiated on the first request that needs it,
// once per worker. The page sends the File itself (a reference, not a copy);
// it is read here by chunks (FileReaderSync) straight into the engine's
// columnar table, so the file is never held whole in memory. The file last
// opened is kept in wasm memory (a `PreviewTable`): the page's preview asks it
// for any window of rows, and a run cleans it without reading it again.
// Cleaned output goes back as a transferred ArrayBuffer, never copied.

import { ErrorCode, Kind, MasqueError, TRANSFER, serve } from './protocol.js';

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
    const done = call(() => table.clean(request ?? {}, (p) => {
      progress(p);
      return true;
    }), ErrorCode.CLEAN);
    const output = done.output.buffer;
    return Object.assign(done, { output, [TRANSFER]: [output] });
  },
});
