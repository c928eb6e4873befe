// The module worker: the only code that loads masque's wasm module.
//
// The engine is imported and instantiated on the first request that needs it,
// once per worker. The page sends the File itself (a reference, not a copy);
// the bytes are read here, so a large file is never copied through the page.

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
function call(fn) {
  try {
    return fn();
  } catch (err) {
    if (err instanceof WebAssembly.RuntimeError || err instanceof MasqueError) throw err;
    throw new MasqueError(ErrorCode.READ, err?.message ?? String(err));
  }
}

serve(self, {
  [Kind.VERSION]: async () => {
    const masque = await loadEngine();
    return masque.version();
  },

  [Kind.INSPECT]: async ({ file, options } = {}, { progress }) => {
    const masque = loadEngine(); // starts loading while the file is read
    masque.catch(() => {}); // awaited below; do not report it twice
    progress({ phase: 'reading' });
    const bytes = await readBytes(file);
    const m = await masque;
    progress({ phase: 'parsing' });
    return call(() => m.inspect(bytes, options ?? {}));
  },
});
