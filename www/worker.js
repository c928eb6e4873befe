// The module worker: the only code that loads masque's wasm module.
//
// The engine is imported and instantiated on the first request that needs it,
// once per worker. The page sends the File itself (a reference, not a copy);
// the bytes are read here, so a large file is never copied through the page.
// The file last opened is kept in wasm memory (a `PreviewTable`) so the page's
// preview can ask for any window of rows; cleaned output goes back as a
// transferred ArrayBuffer, never copied.

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

/** Reads a File or Blob into bytes. */
async function readBytes(file) {
  if (!(file instanceof Blob)) throw new MasqueError(ErrorCode.PROTOCOL, 'no file was sent');
  try {
    return new Uint8Array(await file.arrayBuffer());
  } catch (err) {
    throw new MasqueError(ErrorCode.FILE, `the browser could not read the file (${err?.name ?? err})`);
  }
}

/** Calls into the engine; its errors (JsError) name positions, never cell values. */
function call(fn, code = ErrorCode.READ) {
  try {
    return fn();
  } catch (err) {
    if (err instanceof WebAssembly.RuntimeError || err instanceof MasqueError) throw err;
    throw new MasqueError(code, err?.message ?? String(err));
  }
}

/** The file kept for the preview: {token, table: PreviewTable}. */
let kept = null;

function keep(m, token, bytes, options) {
  kept?.table.free();
  kept = null;
  const table = call(() => new m.PreviewTable(bytes, options ?? {}));
  kept = { token, table };
  return table;
}

/** The engine loading while the file is read; both awaited by the caller. */
async function engineAndBytes(file, progress) {
  const masque = loadEngine();
  masque.catch(() => {}); // awaited below; do not report it twice
  progress?.({ phase: 'reading' });
  const bytes = await readBytes(file);
  return { m: await masque, bytes };
}

serve(self, {
  [Kind.VERSION]: async () => {
    const masque = await loadEngine();
    return masque.version();
  },

  [Kind.INSPECT]: async ({ file, options } = {}, { progress }) => {
    const { m, bytes } = await engineAndBytes(file, progress);
    progress({ phase: 'parsing' });
    return call(() => m.inspect(bytes, options ?? {}));
  },

  [Kind.OPEN]: async ({ file, token, options } = {}, { progress }) => {
    const { m, bytes } = await engineAndBytes(file, progress);
    progress({ phase: 'parsing' });
    const inspection = call(() => m.inspect(bytes, options ?? {}));
    keep(m, token, bytes, options);
    return inspection;
  },

  [Kind.ROWS]: async ({ file, token, start, count, options } = {}) => {
    let table = kept?.token === token ? kept.table : null;
    if (!table) {
      const { m, bytes } = await engineAndBytes(file);
      table = keep(m, token, bytes, options);
    }
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

  [Kind.CLEAN]: async ({ file, request } = {}, { progress }) => {
    const { m, bytes } = await engineAndBytes(file, progress);
    const done = call(() => m.clean(bytes, request ?? {}, (p) => {
      progress(p);
      return true;
    }), ErrorCode.CLEAN);
    const output = done.output.buffer;
    return Object.assign(done, { output, [TRANSFER]: [output] });
  },
});
