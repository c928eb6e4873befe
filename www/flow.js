// @ts-check
// The steps after a file is read: the row preview, the column policy, the
// privacy settings, the key, the run (in the worker, cancellable) and the
// results with their downloads. UI only: every computation is a worker request,
// and the state is the session's (store.js): this module changes it and
// re-renders from it.

import { ErrorCode, Kind, TAKE_OVER_BYTES } from './protocol.js';
import { translator } from './i18n.js';
import {
  DEFAULT_K, DEFAULT_PRIVACY, DEFAULT_SUPPRESSION, KMAP_SIGNIFICANCE, columnsFromSuggestions, hasRiskTarget, hasTableCriterion, loadPolicy, measuredConfig, problemsOf,
  savedPolicyOf, sensitiveOf,
} from './policy.js';
import { METHODS, compareSection, comparisonOf } from './compare.js';
import { columnTable, planItems } from './columns.js';
import { virtualGrid } from './preview.js';
import { reportHtml, reportOf } from './report.js';
import { renderResults, signingFields } from './results.js';
import { el, formats, renderError } from './view.js';
import { availableSteps, shownStep } from './store.js';

/** @typedef {import('./i18n.js').Translate} Translate */
/** @typedef {import('./policy.js').Column} Column */
/** @typedef {import('./store.js').Session} Session */
/** @typedef {import('./store.js').Outcome} Outcome */
/** @typedef {import('./store.js').Store<Session>} SessionStore */

/** An element of the page, by id. */
const $ = (/** @type {string} */ id) => document.getElementById(id);

/**
 * Saves a Blob under a name through a temporary link (nothing is uploaded).
 * @param {Blob} blob
 * @param {string} name
 */
function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const stem = (/** @type {string} */ name) => name.replace(/\.[^.]*$/, '') || 'fichier';

/**
 * Sets up the steps after a file is read; they render on every change of the session.
 * @param {{client: import('./protocol.js').WorkerClient, store: SessionStore}} deps
 */
export function startFlow({ client, store }) {
  const ui = {
    rowsSection: $('rows-section'), rows: $('rows'), setup: $('setup'), policyTable: $('policy-table'),
    accept: /** @type {HTMLButtonElement} */ ($('accept')), policySave: /** @type {HTMLButtonElement} */ ($('policy-save')),
    policyFile: /** @type {HTMLInputElement} */ ($('policy-file')),
    k: /** @type {HTMLInputElement} */ ($('k')), suppression: /** @type {HTMLInputElement} */ ($('suppression')),
    suppressedRows: /** @type {HTMLSelectElement} */ ($('suppressed-rows')),
    recoding: /** @type {HTMLSelectElement} */ ($('recoding')), plan: $('plan'),
    l: /** @type {HTMLInputElement} */ ($('l')), t: /** @type {HTMLInputElement} */ ($('t')),
    populationWhole: /** @type {HTMLInputElement} */ ($('population-whole')), populationFrance: /** @type {HTMLInputElement} */ ($('population-france')),
    populationNumber: /** @type {HTMLInputElement} */ ($('population-number')), populationSize: /** @type {HTMLInputElement} */ ($('population-size')),
    targetUniqueness: /** @type {HTMLInputElement} */ ($('target-uniqueness')), targetAverage: /** @type {HTMLInputElement} */ ($('target-average')),
    targetSample: /** @type {HTMLInputElement} */ ($('target-sample')), targetKmap: /** @type {HTMLInputElement} */ ($('target-kmap')),
    targetKmapEstimator: /** @type {HTMLSelectElement} */ ($('target-kmap-estimator')), targetKmapEstimatorHelp: $('target-kmap-estimator-help'),
    targetRecoding: $('target-recoding'), kmapTableOption: /** @type {HTMLOptionElement} */ ($('target-kmap-table')),
    ptableFile: /** @type {HTMLInputElement} */ ($('ptable-file')), ptableClear: /** @type {HTMLButtonElement} */ ($('ptable-clear')),
    ptableStatus: $('ptable-status'), ptableCriteria: $('ptable-criteria'),
    deltaMin: /** @type {HTMLInputElement} */ ($('delta-min')), deltaMax: /** @type {HTMLInputElement} */ ($('delta-max')),
    keyGenerate: /** @type {HTMLButtonElement} */ ($('key-generate')), keyFile: /** @type {HTMLInputElement} */ ($('key-file')),
    keyExport: /** @type {HTMLButtonElement} */ ($('key-export')), passphrase: /** @type {HTMLInputElement} */ ($('passphrase')),
    keyDerive: /** @type {HTMLButtonElement} */ ($('key-derive')), keyStatus: $('key-status'),
    encoding: /** @type {HTMLSelectElement} */ ($('output-encoding')), run: /** @type {HTMLButtonElement} */ ($('run')),
    runCancel: /** @type {HTMLButtonElement} */ ($('run-cancel')), progress: /** @type {HTMLProgressElement} */ ($('run-progress')),
    runStatus: $('run-status'), runError: $('run-error'), setupStatus: $('setup-status'), setupError: $('setup-error'),
    outcome: $('outcome'), outcomeBody: $('outcome-body'),
    dlOutput: /** @type {HTMLAnchorElement} */ ($('download-output')), dlHtml: /** @type {HTMLAnchorElement} */ ($('download-report-html')),
    dlJson: /** @type {HTMLAnchorElement} */ ($('download-report-json')), dlPolicy: /** @type {HTMLAnchorElement} */ ($('download-policy')),
  };

  const get = store.get;
  const t = () => translator(get().lang);

  /** What the report needs beyond the outcome: the files' SHA-256, the columns' roles, the input's size. */
  const reportInputs = /** @type {WeakMap<Outcome, {digests: {input: string, output: string}, roles: Record<string, string>, size: number}>} */ (new WeakMap());
  /** What the person signing typed (purpose, controller, recipient, key holder), kept across runs. */
  const signing = /** @type {Record<'purpose' | 'controller' | 'recipient' | 'key_holder', string>} */ ({ purpose: '', controller: '', recipient: '', key_holder: '' });

  /** Cancels the run in progress (its own request only), with the token of the file it cleans. */
  let running = /** @type {{controller: AbortController, token: number} | null} */ (null);

  /** @param {{code: string, message: string, detail?: object | null}} err */
  const shown = ({ code, message, detail }) => ({ code, message, detail });

  /** @returns {import('./policy.js').Privacy} */
  function privacy() {
    const num = (/** @type {HTMLInputElement} */ input) => (input.value.trim() === '' ? null : Number(input.value));
    return {
      k: num(ui.k) ?? DEFAULT_K,
      suppression: num(ui.suppression) ?? DEFAULT_SUPPRESSION,
      suppressedRows: ui.suppressedRows.value,
      l: num(ui.l),
      t: num(ui.t),
      // `compare`: both recodings run, side by side in the result (the saved config says local).
      recoding: ui.recoding.value === 'global' ? 'global' : ui.recoding.value === 'local' ? 'local' : 'compare',
      // What the file is a sample of: a typed size is checked before the run (problemsOf).
      population: ui.populationFrance.checked ? /** @type {const} */ ('france') : ui.populationNumber.checked ? (num(ui.populationSize) ?? NaN) : null,
      uniqueness: num(ui.targetUniqueness),
      average: num(ui.targetAverage),
      sampleUniqueness: num(ui.targetSample),
      kmap: num(ui.targetKmap),
      kmapEstimator: ui.targetKmapEstimator.value,
      // The population table chosen (its bytes go with the run), and δ-presence in percent.
      populationTable: get().populationTable?.name ?? null,
      deltaMin: num(ui.deltaMin),
      deltaMax: num(ui.deltaMax),
    };
  }

  /**
   * Shows settings restored or reset in the protection step's fields.
   * @param {Partial<import('./policy.js').Privacy>} p
   */
  function showPopulation(p) {
    const population = p.population ?? null;
    ui.populationWhole.checked = population === null;
    ui.populationFrance.checked = population === 'france';
    ui.populationNumber.checked = typeof population === 'number';
    ui.populationSize.value = typeof population === 'number' ? String(population) : '';
    ui.targetUniqueness.value = p.uniqueness ? String(p.uniqueness) : '';
    ui.targetAverage.value = p.average ? String(p.average) : '';
    ui.targetSample.value = p.sampleUniqueness ? String(p.sampleUniqueness) : '';
    ui.targetKmap.value = p.kmap ? String(p.kmap) : '';
    ui.targetKmapEstimator.value = p.kmapEstimator === 'zero_truncated_poisson' || p.kmapEstimator === 'table' ? p.kmapEstimator : 'poisson';
    ui.deltaMin.value = p.deltaMin === null || p.deltaMin === undefined ? '' : String(p.deltaMin);
    ui.deltaMax.value = p.deltaMax === null || p.deltaMax === undefined ? '' : String(p.deltaMax);
  }

  /**
   * Changes the settings: a finished run's outcome no longer matches them and is dropped.
   * @param {Partial<Session>} patch
   */
  function changed(patch = {}) {
    store.update((s) => ({ ...(s.run === 'done' ? { outcome: null, run: 'idle' } : {}), ...patch }));
  }

  /** The columns with column `i` replaced by `column`. */
  const withColumn = (/** @type {number} */ i, /** @type {Column} */ column) => get().columns.map((c, j) => (j === i ? column : c));

  // ---- the column table ----------------------------------------------------

  /**
   * Changes column `i` by `update` (given the column as it is now).
   * @param {number} i
   * @param {(column: Column) => Column} update
   */
  const onChange = (i, update) => changed({ columns: withColumn(i, update(get().columns[i])) });

  // ---- key ---------------------------------------------------------------

  /**
   * @param {Promise<import('./protocol.js').KeyFile>} request
   * @param {'generated' | 'passphrase'} source
   */
  async function keyRequest(request, source) {
    store.update({ keyBusy: true, runError: null });
    try {
      const key = await request;
      changed({ key, keySource: source, keyBusy: false });
    } catch (err) {
      changed({ keyBusy: false, ...(err.code === ErrorCode.CANCELLED ? {} : { runError: shown(err) }) });
    }
  }

  ui.keyGenerate.addEventListener('click', () => keyRequest(client.request(Kind.KEYGEN, null), 'generated'));
  ui.keyDerive.addEventListener('click', () => {
    const passphrase = ui.passphrase.value;
    if (!passphrase) {
      store.update({ runError: { code: 'key', message: t()('key.empty_passphrase'), said: true } });
      ui.passphrase.focus();
      return;
    }
    keyRequest(client.request(Kind.KEY_FROM_PASSPHRASE, { passphrase }), 'passphrase').then(() => { ui.passphrase.value = ''; });
  });
  ui.keyFile.addEventListener('change', async () => {
    const [file] = ui.keyFile.files ?? [];
    ui.keyFile.value = '';
    if (!file) return;
    try {
      const key = JSON.parse(await file.text());
      if (!key || typeof key !== 'object' || typeof key.fingerprint !== 'string' || (!key.key && !key.salt)) {
        throw new Error(t()('key.bad_file'));
      }
      if (!key.key) throw new Error(t()('key.salt_only'));
      changed({ key, keySource: 'imported', runError: null });
    } catch (err) {
      changed({ runError: { code: 'key', message: err instanceof SyntaxError ? t()('key.bad_file') : err.message, said: true } });
    }
  });
  ui.keyExport.addEventListener('click', () => {
    const { key } = get();
    if (!key) return;
    saveBlob(new Blob([JSON.stringify(key, null, 2) + '\n'], { type: 'application/json' }), `masque-cle-${key.fingerprint.slice(0, 8)}.json`);
  });

  // ---- policy save / load --------------------------------------------------

  ui.accept.addEventListener('click', () => {
    const { inspection } = get();
    if (!inspection) return;
    ui.k.value = String(DEFAULT_K);
    ui.suppression.value = String(DEFAULT_SUPPRESSION);
    ui.recoding.value = DEFAULT_PRIVACY.recoding ?? 'compare';
    showPopulation(DEFAULT_PRIVACY);
    changed({ columns: columnsFromSuggestions(inspection), notice: t()('setup.accepted') });
  });
  ui.policySave.addEventListener('click', () => {
    const policy = savedPolicyOf(get().columns, privacy(), { utf8: ui.encoding.value === 'utf8' });
    saveBlob(new Blob([JSON.stringify(policy, null, 2) + '\n'], { type: 'application/json' }), `${stem(get().file?.name ?? 'masque')}-politique.json`);
  });
  ui.policyFile.addEventListener('change', async () => {
    const [file] = ui.policyFile.files ?? [];
    ui.policyFile.value = '';
    if (!file) return;
    try {
      const { columns, missing, privacy: saved, unknown, utf8 } = loadPolicy(get().columns, JSON.parse(await file.text()));
      if (missing.length) throw new Error(t()('setup.missing', { names: missing.join(', ') }));
      if (saved) {
        ui.k.value = String(saved.k);
        ui.suppression.value = String(saved.suppression);
        ui.suppressedRows.value = saved.suppressedRows;
        ui.l.value = saved.l === null ? '' : String(saved.l);
        ui.t.value = saved.t === null ? '' : String(saved.t);
        ui.recoding.value = saved.recoding === 'global' ? 'global' : 'local';
        showPopulation(saved);
      }
      // The output's encoding: UTF-8 if the policy says so, else the input's.
      ui.encoding.value = utf8 ? 'utf8' : 'same';
      // A policy naming a population table: its file is chosen again (its bytes are not in the policy).
      const table = saved?.populationTable && saved.populationTable !== get().populationTable?.name ? saved.populationTable : null;
      const notice = t()('setup.loaded', { name: file.name })
        + (unknown.length ? ` ${t()('setup.unknown_hierarchy', { names: unknown.join(', ') })}` : '')
        + (table ? ` ${t()('ptable.named', { name: table })}` : '');
      changed({ columns, runError: null, notice });
    } catch (err) {
      const message = err instanceof SyntaxError ? t()('setup.bad_json') : err.code ? t()(`policy.${err.code}`) : err.message;
      changed({ runError: { code: 'policy', message, said: true } });
    }
  });
  for (const input of [ui.k, ui.suppression, ui.suppressedRows, ui.recoding, ui.l, ui.t, ui.encoding,
    ui.populationWhole, ui.populationFrance, ui.populationNumber, ui.populationSize, ui.targetUniqueness, ui.targetAverage,
    ui.targetSample, ui.targetKmap, ui.targetKmapEstimator, ui.deltaMin, ui.deltaMax]) input.addEventListener('change', () => changed());
  // Typing a size chooses "a population of N people".
  ui.populationSize.addEventListener('input', () => { if (!ui.populationNumber.checked) { ui.populationNumber.checked = true; changed(); } });

  // ---- population table ----------------------------------------------------

  // Read here (File -> ArrayBuffer), kept in the session, sent to the worker with the run: never uploaded.
  ui.ptableFile.addEventListener('change', async () => {
    const [file] = ui.ptableFile.files ?? [];
    ui.ptableFile.value = '';
    if (!file) return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    // A table chosen counts k-map in it (the estimate stays a choice of the list).
    ui.targetKmapEstimator.value = 'table';
    changed({ populationTable: { name: file.name, size: file.size, bytes }, runError: null });
  });
  ui.ptableClear.addEventListener('click', () => {
    if (ui.targetKmapEstimator.value === 'table') ui.targetKmapEstimator.value = 'poisson';
    ui.deltaMin.value = '';
    ui.deltaMax.value = '';
    changed({ populationTable: null });
    ui.ptableFile.focus();
  });

  // ---- run ---------------------------------------------------------------

  // The skip link passes the column table's controls, to the next step's button.
  $('skip-policy')?.addEventListener('click', (event) => {
    event.preventDefault();
    $('next-protection')?.focus();
  });

  ui.run.addEventListener('click', () => run());
  ui.runCancel.addEventListener('click', () => {
    if (get().run !== 'running' || !running) return;
    running.controller.abort();
    running = null;
    store.update({ run: 'cancelled', step: null });
    ui.run.focus();
  });

  async function run() {
    const s = get();
    if (s.run === 'running' || !s.source || !s.inspection) return;
    const p = privacy();
    const problems = problemsOf(s.columns, p, s.key, s.inspection.rows);
    if (problems.length) {
      const fmt = formats(s.lang);
      const words = (/** @type {{code: string, params?: Record<string, unknown>}} */ x) => t()(`problem.${x.code}`,
        Object.fromEntries(Object.entries(x.params ?? {}).map(([name, v]) => [name, typeof v === 'number' ? fmt.number(v) : v])));
      store.update({ runError: { code: 'settings', message: problems.map(words).join(' '), said: true } });
      return;
    }
    const controller = new AbortController();
    const { source: file, token } = s;
    running = { controller, token };
    const roles = Object.fromEntries(s.columns.map((c) => [c.name, c.role]));
    const utf8 = ui.encoding.value === 'utf8';
    /**
     * The request of one recoding (`recoding` null: as the settings say), and the policy saved with its outcome.
     * @param {'global' | 'local' | null} recoding
     */
    const requestOf = (recoding) => {
      // The policy offered for download after the run holds the anonymisation too.
      const saved = savedPolicyOf(s.columns, recoding ? { ...p, recoding } : p, { utf8 });
      const { anonymise: written = null, ...policy } = saved;
      // Local recoding is asked even with a risk target: the engine's refusal is the reason shown.
      const config = written && recoding === 'local' ? { ...written, recoding: 'local' } : written;
      /** @type {import('./protocol.js').CleanRequest} */
      // Every sensitive column is measured (its l-diversity in the report), required or not.
      const request = { policy, key: s.key, anonymise: measuredConfig(config, sensitiveOf(s.columns)), read: s.readOptions, utf8, preview_rows: 50 };
      // The population table's bytes (copied to the worker with the request) when the configuration names it.
      if (config?.population_table && s.populationTable) request.population_table = s.populationTable.bytes;
      return { saved: config === written ? saved : { ...saved, anonymise: config ?? undefined }, config, request };
    };
    // Both recodings side by side unless one is chosen, or the file is too large to clean twice.
    const wanted = p.recoding === 'compare' && savedPolicyOf(s.columns, p).anonymise;
    const compare = Boolean(wanted) && file.size < TAKE_OVER_BYTES;
    const started = performance.now();
    store.update({ outcome: null, run: 'running', step: 'reading', nodes: null, method: null, runError: null, started });
    const onProgress = (/** @type {import('./protocol.js').CleanProgress} */ progress) => store.update({
      step: progress.phase,
      ...(progress.method ? { method: { method: progress.method, index: progress.index ?? 0 } } : {}),
      ...(progress.lattice_size ? { nodes: { checked: progress.nodes_checked ?? 0, size: progress.lattice_size } } : {}),
      // A new method's run starts its own search.
      ...(progress.method && progress.method !== get().method?.method ? { nodes: null } : {}),
    });
    try {
      // The SHA-256 of the input and of the cleaned file, read by chunks in the worker.
      const digest = (/** @type {Blob} */ blob) => client.request(Kind.DIGEST, { file: blob }, {
        signal: controller.signal, onProgress: () => { if (get().step !== 'digest') store.update({ step: 'digest', method: null }); },
      }).then((d) => d.sha256);
      /**
       * One run's outcome, kept with what its reports need.
       * @param {import('./protocol.js').CleanResult} done
       * @param {ReturnType<typeof requestOf>} asked
       * @param {{input: string, output: string}} digests
       * @param {number} seconds
       * @param {Pick<Outcome, 'comparison' | 'compareSkipped'>} extra
       * @returns {Outcome}
       */
      const outcomeOf = (done, asked, digests, seconds, extra) => {
        const outcome = { ...done, policy: asked.saved, config: asked.config, seconds, file: { name: file.name }, finishedAt: Date.now(), ...extra };
        reportInputs.set(outcome, { digests, roles, size: file.size });
        return outcome;
      };
      /** @type {Record<string, Outcome>} */
      const outcomes = {};
      let current;
      if (compare) {
        const each = { global: requestOf('global'), local: requestOf('local') };
        const runs = await client.request(Kind.COMPARE, { file, token, requests: { global: each.global.request, local: each.local.request } }, { signal: controller.signal, onProgress });
        const input = await digest(file);
        const seconds = (performance.now() - started) / 1000;
        const first = comparisonOf(runs);
        for (const method of METHODS) {
          const done = runs[method].done;
          if (!done) continue;
          const digests = { input, output: await digest(done.output) };
          outcomes[method] = outcomeOf(done, each[method], digests, seconds, { comparison: { ...first, chosen: method } });
        }
        current = outcomes[first.chosen];
      } else {
        const asked = requestOf(null);
        const done = await client.request(Kind.CLEAN, { file, token, request: asked.request }, { signal: controller.signal, onProgress });
        const digests = { input: await digest(file), output: await digest(done.output) };
        current = outcomeOf(done, asked, digests, (performance.now() - started) / 1000, { comparison: null, compareSkipped: Boolean(wanted) });
      }
      variants = outcomes;
      store.update({ run: 'done', step: null, method: null, outcome: current, view: 'result' });
      $('outcome-title')?.focus();
    } catch (err) {
      if (controller.signal.aborted) return; // whoever aborted it has said what happens next
      store.update(err.code === ErrorCode.CANCELLED ? { run: 'cancelled', method: null } : { run: 'failed', method: null, runError: shown(err) });
    } finally {
      if (running?.controller === controller) running = null;
    }
  }

  /** The outcomes of the last comparison, by method: choosing one shows it (its file, report and policy). */
  let variants = /** @type {Record<string, Outcome>} */ ({});
  /** Whether the choice just changed (the focus goes back to its radio once re-rendered). */
  let chose = /** @type {string | null} */ (null);

  /** @param {'global' | 'local'} method */
  function choose(method) {
    const outcome = variants[method];
    if (!outcome || get().outcome === outcome) return;
    chose = method;
    store.update({ outcome });
  }

  // ---- steps ---------------------------------------------------------------

  /** The nav's buttons and the steps' containers, by step. */
  const stepButtons = /** @type {HTMLButtonElement[]} */ ([...document.querySelectorAll('#steps button[data-step]')]);
  const stepPanels = /** @type {HTMLElement[]} */ ([...document.querySelectorAll('main .step[data-step]')]);

  /**
   * Shows `step` and moves the focus to its heading (keyboard and screen-reader users land on it).
   * @param {string} step
   */
  function go(step) {
    const s = get();
    if (!availableSteps(s).includes(/** @type {import('./store.js').Step} */ (step))) return;
    store.update({ view: /** @type {import('./store.js').Step} */ (step) });
    const heading = /** @type {HTMLElement | null} */ (stepPanels.find((p) => p.dataset.step === step)?.querySelector('h1, h2') ?? null);
    if (heading) {
      if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
      heading.focus();
    }
  }
  for (const button of [...stepButtons, ...document.querySelectorAll('button[data-go]')]) {
    button.addEventListener('click', () => go(/** @type {HTMLElement} */ (button).dataset.step ?? /** @type {HTMLElement} */ (button).dataset.go ?? 'file'));
  }

  /** One step at a time; the nav says which (aria-current) and offers only the steps that can be shown. */
  function renderSteps(/** @type {Session} */ s, /** @type {Translate} */ tr) {
    const shown = shownStep(s);
    const available = availableSteps(s);
    for (const panel of stepPanels) panel.hidden = panel.dataset.step !== shown;
    stepButtons.forEach((button, i) => {
      const step = /** @type {import('./store.js').Step} */ (button.dataset.step);
      button.disabled = !available.includes(step);
      if (step === shown) button.setAttribute('aria-current', 'step');
      else button.removeAttribute('aria-current');
      button.textContent = `${i + 1}. ${tr(`steps.${step}`)}`;
    });
    const next = $('next-columns-p');
    if (next) next.hidden = !s.inspection;
    // Before a file is read there is one step only: no nav to pass.
    const nav = $('steps');
    if (nav) nav.hidden = !s.inspection;
  }

  // ---- rendering ---------------------------------------------------------

  /** The object URLs of the download links, revoked when their outcome goes. */
  let urls = /** @type {string[]} */ ([]);
  /** The object URLs of the two report links (made again when the signing fields change). */
  let reportUrls = /** @type {string[]} */ ([]);
  let linkedOutcome = /** @type {Outcome | null} */ (null);
  /** The preview grid, for the inspection (and language) it was built for. */
  let grid = /** @type {{destroy: () => void} | null} */ (null);
  let gridInspection = /** @type {import('./protocol.js').Inspection | null} */ (null);
  let lastLang = /** @type {string | null} */ (null);
  let lastColumns = /** @type {Column[] | null} */ (null);
  let lastOutcome = /** @type {Outcome | null} */ (null);

  /**
   * @param {HTMLAnchorElement} a
   * @param {Blob} blob
   * @param {string} name
   */
  function link(a, blob, name) {
    const url = URL.createObjectURL(blob);
    urls.push(url);
    a.href = url;
    a.download = name;
  }

  /** The download links of `outcome` (none when null); the previous ones are revoked. */
  function linkOutcome(/** @type {Outcome | null} */ outcome, /** @type {Translate} */ tr, /** @type {string} */ lng) {
    for (const url of [...urls, ...reportUrls]) URL.revokeObjectURL(url);
    urls = [];
    reportUrls = [];
    linkedOutcome = outcome;
    if (!outcome) {
      delete ui.dlOutput.dataset.ready;
      return;
    }
    const d = outcome.dialect;
    const ext = d.delimiter === '\t' ? 'tsv' : 'csv';
    const base = stem(outcome.file.name);
    const type = d.delimiter === '\t' ? 'text/tab-separated-values' : 'text/csv';
    link(ui.dlOutput, new Blob([outcome.output], { type }), `${base}-masque.${ext}`);
    linkReports(outcome, lng);
    link(ui.dlPolicy, new Blob([JSON.stringify(outcome.policy, null, 2) + '\n'], { type: 'application/json' }), `${base}-politique.json`);
    ui.dlOutput.dataset.ready = 'true';
  }

  /** The report of `outcome` in `lng`, with what the person signing typed. */
  function reportFor(/** @type {Outcome} */ outcome, /** @type {string} */ lng) {
    const extra = reportInputs.get(outcome);
    return reportOf({
      done: outcome, file: { name: outcome.file.name, size: extra?.size }, digests: extra?.digests, policy: outcome.policy,
      config: outcome.config, roles: extra?.roles, finishedAt: outcome.finishedAt, lang: lng, signing, comparison: outcome.comparison ?? null,
    });
  }

  /** The report links (HTML, JSON) of `outcome`, made again when the signing fields change. */
  function linkReports(/** @type {Outcome} */ outcome, /** @type {string} */ lng) {
    for (const url of reportUrls) URL.revokeObjectURL(url);
    const report = reportFor(outcome, lng);
    const base = stem(outcome.file.name);
    const before = urls.length;
    link(ui.dlHtml, new Blob([reportHtml(report)], { type: 'text/html' }), `${base}-rapport.html`);
    link(ui.dlJson, new Blob([JSON.stringify(report, null, 2) + '\n'], { type: 'application/json' }), `${base}-rapport.json`);
    reportUrls = urls.splice(before);
  }

  /** The preview of the session's file (rows fetched from the worker by blocks). */
  function openGrid(/** @type {Session} */ s, /** @type {Translate} */ tr, /** @type {string} */ lng) {
    grid?.destroy();
    grid = null;
    gridInspection = s.inspection;
    if (!s.inspection || !s.source) {
      ui.rows.replaceChildren();
      return;
    }
    const fmt = formats(lng);
    const { source: file, token, readOptions: options } = s;
    grid = virtualGrid(ui.rows, {
      header: s.inspection.columns.map((c) => c.name),
      rows: s.inspection.rows,
      label: tr('rows.label', { rows: fmt.number(s.inspection.rows) }),
      rowLabel: (n) => fmt.number(n),
      fetchRows: (start, count) => client.request(Kind.ROWS, { file, token, start, count, options }).then((r) => r.rows),
    });
  }

  /** @param {Session} s */
  function render(s) {
    const tr = translator(s.lang);
    const lng = s.lang;
    // A run belongs to the file it cleans: another file, and it is cancelled.
    if (running && running.token !== s.token) {
      running.controller.abort();
      running = null;
    }
    if (linkedOutcome !== s.outcome) linkOutcome(s.outcome, tr, lng);
    if (gridInspection !== s.inspection || (s.inspection && lastLang !== lng)) openGrid(s, tr, lng);

    const open = Boolean(s.inspection);
    ui.rowsSection.hidden = !open;
    renderSteps(s, tr);
    if (!open) {
      lastColumns = null;
      lastLang = lng;
      return;
    }
    if (lastColumns !== s.columns || lastLang !== lng) {
      // Rebuilt only when the columns or the language change, so focus stays put while typing.
      const focused = document.activeElement?.id;
      ui.policyTable.replaceChildren(columnTable(s.columns, tr, lng, onChange));
      if (focused && ui.policyTable.contains($(focused))) $(focused).focus();
      lastColumns = s.columns;
    }
    lastLang = lng;
    const p = privacy();
    const plan = planItems(s.columns, p, tr, lng);
    // A risk target needs global recoding: said where the recoding is chosen.
    // A population-table criterion too, said as such.
    const noteKey = hasTableCriterion(p) ? 'ptable' : 'target';
    const recodingNote = !hasRiskTarget(p) ? '' : p.recoding === 'local' ? tr(`${noteKey}.global`) : p.recoding === 'compare' ? tr(`${noteKey}.global_compare`) : '';
    if (ui.targetRecoding.textContent !== recodingNote) ui.targetRecoding.textContent = recodingNote;
    ui.populationSize.required = ui.populationNumber.checked;
    // The population table: what was chosen, and the criteria it allows.
    const table = s.populationTable;
    ui.kmapTableOption.disabled = !table && ui.targetKmapEstimator.value !== 'table';
    ui.ptableCriteria.hidden = !table && !hasTableCriterion(p);
    ui.ptableClear.hidden = !table;
    const tableStatus = table ? tr('ptable.chosen', { name: table.name, size: formats(lng).size(table.size) })
      : hasTableCriterion(p) && p.populationTable === null ? tr('ptable.missing') : '';
    if (ui.ptableStatus.textContent !== tableStatus) ui.ptableStatus.textContent = tableStatus;
    const estimatorHelp = ui.targetKmapEstimator.value === 'table' ? tr('target.kmap_table_help') : tr('target.kmap_estimator_help', { significance: new Intl.NumberFormat(lng, { style: 'percent', maximumSignificantDigits: 21 }).format(KMAP_SIGNIFICANCE) });
    if (ui.targetKmapEstimatorHelp.textContent !== estimatorHelp) ui.targetKmapEstimatorHelp.textContent = estimatorHelp;
    if (ui.plan.textContent !== plan.map((li) => li.textContent).join('')) ui.plan.replaceChildren(...plan);

    ui.keyExport.disabled = !s.key;
    for (const b of [ui.keyGenerate, ui.keyDerive]) b.disabled = s.keyBusy;
    ui.keyStatus.textContent = s.keyBusy ? tr('key.busy') : s.key
      ? tr(`key.ready_${s.keySource ?? 'imported'}`, { fingerprint: s.key.fingerprint })
      : tr('key.none');

    const isRunning = s.run === 'running';
    ui.run.disabled = isRunning;
    ui.runCancel.hidden = !isRunning;
    ui.progress.hidden = !isRunning;
    if (isRunning && s.nodes && s.step === 'searching') {
      ui.progress.max = s.nodes.size;
      ui.progress.value = Math.min(s.nodes.checked, s.nodes.size);
    } else if (isRunning) {
      ui.progress.removeAttribute('value');
    }
    const fmt = formats(lng);
    const stepWords = s.step === 'searching' && !s.nodes ? tr(s.method?.method === 'global' ? 'run.step.searching_global' : 'run.step.searching_local')
      : tr(`run.step.${s.step ?? 'reading'}`, s.nodes ? { checked: fmt.number(s.nodes.checked), size: fmt.number(s.nodes.size) } : {});
    const status = {
      idle: s.notice ?? '',
      // In a comparison, which recoding is running (1 of 2, 2 of 2).
      running: s.method ? tr('run.method', { method: tr(`compare.method.${s.method.method}`), n: fmt.number(s.method.index + 1), total: fmt.number(METHODS.length), step: stepWords }) : stepWords,
      done: s.outcome && tr('run.done', { seconds: new Intl.NumberFormat(lng, { maximumFractionDigits: 1 }).format(s.outcome.seconds) }),
      cancelled: tr('run.cancelled'),
      failed: tr('run.failed'),
    }[s.run];
    if (ui.runStatus.textContent !== status) ui.runStatus.textContent = status ?? '';
    // A policy file's failure and the notices are said in the columns step, where it was loaded; the others by the run button.
    const inSetup = s.runError?.code === 'policy';
    if (s.runError && !inSetup) renderError(ui.runError, s.runError, tr, lng);
    else ui.runError.replaceChildren();
    if (s.runError && inSetup) renderError(ui.setupError, s.runError, tr, lng);
    else ui.setupError.replaceChildren();
    const setupNotice = s.run === 'idle' ? s.notice ?? '' : '';
    if (ui.setupStatus.textContent !== setupNotice) ui.setupStatus.textContent = setupNotice;

    if (s.outcome && (lastOutcome !== s.outcome || ui.outcomeBody.dataset.lang !== lng)) {
      renderResults(ui.outcomeBody, s.outcome, tr, lng);
      const outcome = s.outcome;
      // Global and local side by side, under the title; the choice shows the other outcome.
      if (outcome.comparison) {
        ui.outcomeBody.firstElementChild?.after(compareSection(outcome.comparison, tr, lng, choose));
      } else if (outcome.compareSkipped) {
        ui.outcomeBody.firstElementChild?.after(el('p', { class: 'note', id: 'compare-skipped' }, tr('compare.large', { size: fmt.size(TAKE_OVER_BYTES) })));
      }
      ui.outcomeBody.append(signingFields(signing, tr, (name, value) => {
        signing[name] = value;
        if (linkedOutcome === outcome) linkReports(outcome, get().lang);
      }));
      // The language changed: the reports are said in the new one.
      if (lastOutcome === outcome && linkedOutcome === outcome && ui.outcomeBody.dataset.lang !== lng) linkReports(outcome, lng);
      ui.outcomeBody.dataset.lang = lng;
      lastOutcome = s.outcome;
      ui.dlOutput.textContent = tr('downloads.output', { name: ui.dlOutput.download });
      // The choice re-rendered the section: the focus goes back to the radio chosen.
      if (chose) /** @type {HTMLElement | null} */ (document.getElementById(`use-${chose}`))?.focus();
      chose = null;
    }
  }

  store.subscribe(render);
  render(get());
}
