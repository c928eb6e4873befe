// @ts-check
// The page: choosing or dropping a file, showing what masque found, the
// language switch, and (flow.js) the policy, privacy settings, key, run,
// results and downloads. It never imports the wasm module: every computation
// is a request to the worker through protocol.js.

import { ErrorCode, Kind, WorkerClient } from './protocol.js';
import { LANGUAGES, pickLanguage, saveLanguage, storedLanguage, translator } from './i18n.js';
import { columnsFromSuggestions } from './policy.js';
import { createStore, initialSession, readingFile } from './store.js';
import { el, renderError, renderInspection } from './view.js';
import { startFlow } from './flow.js';

/** @typedef {import('./store.js').Session} Session */

/** An element of the page, by id. */
const $ = (/** @type {string} */ id) => document.getElementById(id);
const ui = {
  lang: /** @type {HTMLSelectElement} */ ($('lang')),
  drop: $('drop'),
  file: /** @type {HTMLInputElement} */ ($('file')),
  status: $('status'),
  cancel: /** @type {HTMLButtonElement} */ ($('cancel')),
  error: $('error'),
  result: $('result'),
  version: $('version'),
  sample: /** @type {HTMLButtonElement} */ ($('sample')),
  readAs: $('read-as'),
  readDelimiter: /** @type {HTMLSelectElement} */ ($('read-delimiter')),
  readEncoding: /** @type {HTMLSelectElement} */ ($('read-encoding')),
  readMalformed: /** @type {HTMLSelectElement} */ ($('read-malformed')),
  readAgain: /** @type {HTMLButtonElement} */ ($('read-again')),
};

const client = new WorkerClient(() => new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }));

/** The session: everything the page shows (see store.js); the views re-render on each change. */
const store = createStore(initialSession(pickLanguage({ stored: storedLanguage(), browser: navigator.language })));

/** Cancels the file being read, if any (its own request only). */
let reading = /** @type {AbortController | null} */ (null);

/** @param {{code: string, message: string, detail?: object | null}} err */
const shown = ({ code, message, detail }) => ({ code, message, detail });

/** The file part of the page (the steps after it: flow.js), from the session. */
function render(/** @type {Session} */ state) {
  const t = translator(state.lang);
  document.documentElement.lang = state.lang;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(/** @type {HTMLElement} */ (node).dataset.i18n);
  ui.lang.value = state.lang;

  const name = state.file?.name ?? '';
  const status = {
    idle: '',
    busy: state.progress === null
      ? t('status.reading', { name })
      : t('status.reading_percent', {
        name,
        percent: new Intl.NumberFormat(state.lang, { style: 'percent' }).format(Math.min(state.progress, 0.99)),
      }),
    done: state.inspection && t('status.done', {
      name,
      rows: new Intl.NumberFormat(state.lang).format(state.inspection.rows),
      columns: new Intl.NumberFormat(state.lang).format(state.inspection.columns?.length ?? 0),
    }),
    failed: t('status.failed', { name }),
    cancelled: t('status.cancelled'),
  }[state.phase];
  if (ui.status.textContent !== status) ui.status.textContent = status;
  ui.cancel.hidden = state.phase !== 'busy';
  // A workbook has no delimiter, encoding or ragged rows to choose: no "read as" for it.
  const workbook = state.inspection?.dialect?.format === 'workbook' || /\.xlsx$/i.test(name);
  ui.readAs.hidden = !state.source || state.phase === 'busy' || state.phase === 'idle' || workbook;
  ui.drop.setAttribute('aria-busy', String(state.phase === 'busy'));

  if (state.error) {
    renderError(ui.error, state.error, t, state.lang);
    // Rows with the wrong number of fields: offer to set them aside and read again.
    if (state.error.detail && /** @type {any} */ (state.error.detail).code === 'field_count' && state.source) {
      const button = el('button', { type: 'button', class: 'button secondary', id: 'set-aside' }, t('readas.set_aside_again'));
      button.addEventListener('click', () => {
        const { source } = store.get();
        ui.readMalformed.value = 'set_aside';
        if (source) open(source, { again: true });
      });
      ui.error.append(el('p', {}, button));
    }
  } else ui.error.replaceChildren();

  if (state.phase === 'done' && state.inspection) {
    // The suggestions are shown once, in the columns step (flow.js).
    renderInspection(ui.result, { file: state.file, inspection: state.inspection, suggestions: false }, t, state.lang);
    ui.result.hidden = false;
  } else {
    ui.result.replaceChildren();
    ui.result.hidden = true;
  }

  ui.version.textContent = {
    loading: t('footer.loading'),
    ready: t('footer.version', { version: state.version }),
    failed: t('footer.unavailable'),
  }[state.engine];
}

/** Asks the worker for masque's version, which also loads the engine early. */
async function loadVersion() {
  store.update({ engine: 'loading' });
  try {
    const version = await client.request(Kind.VERSION);
    store.update({ engine: 'ready', version });
  } catch (err) {
    const busy = store.get().phase === 'busy';
    store.update({ engine: 'failed', ...(busy ? {} : { error: shown(err) }) });
  }
}

/** The reading options the user chose ("read as"); detection for the rest. */
function readOptions() {
  /** @type {import('./protocol.js').ReadOptions} */
  const options = {};
  if (ui.readDelimiter.value) options.delimiter = ui.readDelimiter.value;
  if (ui.readEncoding.value) options.encoding = ui.readEncoding.value;
  if (ui.readMalformed.value === 'set_aside') options.malformed_rows = 'set_aside';
  return options;
}

/**
 * Reads one file in the worker and shows what masque found; `again` keeps the
 * "read as" choices. A file being read is cancelled; a run of the previous
 * file is cancelled by flow.js when the session's file changes.
 * @param {File} file
 * @param {{again?: boolean}} [options]
 */
async function open(file, { again = false } = {}) {
  reading?.abort();
  const controller = new AbortController();
  reading = controller;
  if (!again) {
    ui.readDelimiter.value = '';
    ui.readEncoding.value = '';
    ui.readMalformed.value = '';
  }
  const options = readOptions();
  const token = store.get().token + 1;
  store.update(readingFile(file, token));
  try {
    const inspection = await client.request(Kind.OPEN, { file, token, options }, {
      signal: controller.signal,
      onProgress: ({ done, total }) => store.update({ progress: total > 0 && done >= 0 ? done / total : null }),
    });
    store.update({ phase: 'done', inspection, readOptions: options, columns: columnsFromSuggestions(inspection) });
  } catch (err) {
    if (controller.signal.aborted) return; // whoever aborted it has said what happens next
    store.update(err.code === ErrorCode.CANCELLED ? { phase: 'cancelled' } : { phase: 'failed', error: shown(err) });
  } finally {
    if (reading === controller) reading = null;
  }
  if (store.get().engine === 'failed' && store.get().phase === 'done') loadVersion(); // the engine works after all
}

ui.file.addEventListener('change', () => {
  const [file] = ui.file.files ?? [];
  ui.file.value = ''; // choosing the same file again still triggers a change
  if (file) open(file);
});

ui.readAgain.addEventListener('click', () => {
  const { source } = store.get();
  if (source) open(source, { again: true });
});

ui.cancel.addEventListener('click', () => {
  if (store.get().phase !== 'busy' || !reading) return;
  reading.abort();
  reading = null;
  store.update({ phase: 'cancelled' });
  ui.file.focus();
});

ui.lang.addEventListener('change', () => {
  if (!LANGUAGES.includes(ui.lang.value)) return;
  saveLanguage(ui.lang.value);
  store.update({ lang: ui.lang.value });
});

// Dropping a file anywhere in the page reads it; the browser must never open it instead.
const hasFiles = (/** @type {DragEvent} */ event) => [...(event.dataTransfer?.types ?? [])].includes('Files');
for (const type of /** @type {const} */ (['dragenter', 'dragover'])) {
  window.addEventListener(type, (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    ui.drop.classList.add('dragging');
  });
}
window.addEventListener('dragleave', (event) => {
  if (event.relatedTarget === null) ui.drop.classList.remove('dragging');
});
window.addEventListener('drop', (event) => {
  if (!hasFiles(event)) return;
  event.preventDefault();
  ui.drop.classList.remove('dragging');
  const [file] = event.dataTransfer?.files ?? [];
  if (file) open(file);
});

ui.sample.addEventListener('click', async () => {
  // The bundled synthetic extract (invented patients), from this page's own origin.
  try {
    const response = await fetch(new URL('sample/cohort.csv', document.baseURI));
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const blob = await response.blob();
    open(new File([blob], 'cohort-exemple.csv', { type: 'text/csv' }));
  } catch (err) {
    store.update({ phase: 'failed', file: { name: 'cohort-exemple.csv', size: 0 }, error: { code: ErrorCode.FILE, message: err.message } });
  }
});

store.subscribe(render); // before the flow's: its texts win over the data-i18n ones
startFlow({ client, store });

render(store.get());
loadVersion().then(() => {
  // Once the engine works, cache the app shell and the wasm for offline use.
  if ('serviceWorker' in navigator && store.get().engine === 'ready') {
    navigator.serviceWorker.register('sw.js').catch(() => {});
  }
});
