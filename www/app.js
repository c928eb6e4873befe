// The page: choosing or dropping a file, showing what masque found, the
// language switch, and (flow.js) the policy, privacy settings, key, run,
// results and downloads. It never imports the wasm module: every computation
// is a request to the worker through protocol.js.

import { ErrorCode, Kind, WorkerClient } from './protocol.js';
import { LANGUAGES, pickLanguage, saveLanguage, storedLanguage, translator } from './i18n.js';
import { renderError, renderInspection } from './view.js';
import { startFlow } from './flow.js';

const $ = (id) => document.getElementById(id);
const ui = {
  lang: $('lang'),
  drop: $('drop'),
  file: $('file'),
  status: $('status'),
  cancel: $('cancel'),
  error: $('error'),
  result: $('result'),
  version: $('version'),
  sample: $('sample'),
  readAs: $('read-as'),
  readDelimiter: $('read-delimiter'),
  readEncoding: $('read-encoding'),
  readAgain: $('read-again'),
};

const client = new WorkerClient(() => new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }));

/** Everything the page shows; `render()` rebuilds the view from it. */
const state = {
  lang: pickLanguage({ stored: storedLanguage(), browser: navigator.language }),
  /** 'idle' | 'busy' | 'done' | 'failed' | 'cancelled' */
  phase: 'idle',
  /** the share of the file read, from 0 to 1, while busy (null: not known yet) */
  progress: null,
  /** {name, size} of the file shown or being read */
  file: null,
  /** the File itself, to read it again with other options */
  source: null,
  inspection: null,
  /** {code, message} of the last failure, shown in the alert region */
  error: null,
  /** 'loading' | 'ready' | 'failed' */
  engine: 'loading',
  version: null,
};

let job = 0; // the number of the latest file request; older answers are ignored
let flow = null; // set below: the steps after a file is read

function render() {
  const t = translator(state.lang);
  document.documentElement.lang = state.lang;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
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
  ui.readAs.hidden = !state.source || state.phase === 'busy' || state.phase === 'idle';
  ui.drop.setAttribute('aria-busy', String(state.phase === 'busy'));

  if (state.error) renderError(ui.error, state.error, t, state.lang);
  else ui.error.replaceChildren();

  if (state.phase === 'done' && state.inspection) {
    renderInspection(ui.result, { file: state.file, inspection: state.inspection }, t, state.lang);
    ui.result.hidden = false;
  } else {
    ui.result.replaceChildren();
    ui.result.hidden = true;
  }

  flow?.render(t);

  ui.version.textContent = {
    loading: t('footer.loading'),
    ready: t('footer.version', { version: state.version }),
    failed: t('footer.unavailable'),
  }[state.engine];
}

/** Asks the worker for masque's version, which also loads the engine early. */
async function loadVersion() {
  state.engine = 'loading';
  render();
  try {
    state.version = await client.request(Kind.VERSION);
    state.engine = 'ready';
  } catch (err) {
    if (err.code === ErrorCode.CANCELLED) return loadVersion(); // the worker was replaced
    state.engine = 'failed';
    if (state.phase !== 'busy') state.error = { code: err.code, message: err.message, detail: err.detail };
  }
  render();
}

/** The reading options the user chose ("read as"); detection for the rest. */
function readOptions() {
  const options = {};
  if (ui.readDelimiter.value) options.delimiter = ui.readDelimiter.value;
  if (ui.readEncoding.value) options.encoding = ui.readEncoding.value;
  return options;
}

/** Reads one file in the worker and shows what masque found; `again` keeps the "read as" choices. */
async function open(file, { again = false } = {}) {
  if (state.phase === 'busy' || flow?.busy()) client.cancel();
  flow?.closed();
  if (!again) {
    ui.readDelimiter.value = '';
    ui.readEncoding.value = '';
  }
  const options = readOptions();
  const mine = ++job;
  Object.assign(state, { phase: 'busy', progress: null, file: { name: file.name, size: file.size }, source: file, inspection: null, error: null });
  render();
  try {
    const inspection = await client.request(Kind.OPEN, { file, token: mine, options }, {
      onProgress: ({ done, total }) => {
        if (mine !== job) return;
        state.progress = total > 0 && done >= 0 ? done / total : null;
        render();
      },
    });
    if (mine !== job) return;
    Object.assign(state, { phase: 'done', inspection });
    flow.opened({ file, token: mine, inspection, options });
  } catch (err) {
    if (mine !== job) return;
    if (err.code === ErrorCode.CANCELLED) Object.assign(state, { phase: 'cancelled' });
    else Object.assign(state, { phase: 'failed', error: { code: err.code, message: err.message, detail: err.detail } });
  }
  if (state.engine === 'failed' && state.phase === 'done') loadVersion(); // the engine works after all
  render();
}

ui.file.addEventListener('change', () => {
  const [file] = ui.file.files;
  ui.file.value = ''; // choosing the same file again still triggers a change
  if (file) open(file);
});

ui.readAgain.addEventListener('click', () => {
  if (state.source) open(state.source, { again: true });
});

ui.cancel.addEventListener('click', () => {
  if (state.phase !== 'busy') return;
  job += 1;
  client.cancel();
  Object.assign(state, { phase: 'cancelled' });
  render();
  ui.file.focus();
});

ui.lang.addEventListener('change', () => {
  if (!LANGUAGES.includes(ui.lang.value)) return;
  state.lang = ui.lang.value;
  saveLanguage(state.lang);
  render();
});

// Dropping a file anywhere in the page reads it; the browser must never open it instead.
const hasFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes('Files');
for (const type of ['dragenter', 'dragover']) {
  window.addEventListener(type, (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
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
  const [file] = event.dataTransfer.files;
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
    Object.assign(state, { phase: 'failed', file: { name: 'cohort-exemple.csv', size: 0 }, error: { code: ErrorCode.FILE, message: err.message } });
    render();
  }
});

flow = startFlow({ client, state, lang: () => state.lang, t: () => translator(state.lang) });

render();
loadVersion().then(() => {
  // Once the engine works, cache the app shell and the wasm for offline use.
  if ('serviceWorker' in navigator && state.engine === 'ready') {
    navigator.serviceWorker.register('sw.js').catch(() => {});
  }
});
