// The steps after a file is read: the row preview, the column policy, the
// privacy settings, the key, the run (in the worker, cancellable) and the
// results with their downloads. UI only: every computation is a worker request.

import { ErrorCode, Kind } from './protocol.js';
import { has } from './i18n.js';
import {
  ACTIONS, DEFAULT_K, DEFAULT_SUPPRESSION, HIERARCHIES, ROLES, columnsFromSuggestions, entryOf,
  loadPolicy, problemsOf, sameEntry, savedPolicyOf,
} from './policy.js';
import { virtualGrid } from './preview.js';
import { renderResults, reportHtml } from './results.js';
import { el, formats, renderError } from './view.js';

const $ = (id) => document.getElementById(id);

/** A readable label for a policy entry. */
export function entryLabel(t, lang, entry) {
  const e = entryOf(entry);
  const name = has(lang, `action.${e.action}`) ? t(`action.${e.action}`) : e.action;
  const extras = Object.entries(e).filter(([k]) => k !== 'action').map(([k, v]) => (k === 'kind' && has(lang, `kind.${v}`) ? t(`kind.${v}`) : `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`));
  return extras.length ? `${name} (${extras.join(', ')})` : name;
}

/** Saves a Blob under a name through a temporary link (nothing is uploaded). */
function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const stem = (name) => name.replace(/\.[^.]*$/, '') || 'fichier';

/**
 * @param {{client: import('./protocol.js').WorkerClient, state: object, lang: () => string, t: () => Function}} deps
 */
export function startFlow({ client, lang, t }) {
  const ui = {
    rowsSection: $('rows-section'), rows: $('rows'), setup: $('setup'), policyTable: $('policy-table'),
    accept: $('accept'), policySave: $('policy-save'), policyFile: $('policy-file'),
    k: $('k'), suppression: $('suppression'), suppressedRows: $('suppressed-rows'), l: $('l'), t: $('t'),
    keyGenerate: $('key-generate'), keyFile: $('key-file'), keyExport: $('key-export'), passphrase: $('passphrase'),
    keyDerive: $('key-derive'), keyStatus: $('key-status'),
    encoding: $('output-encoding'), run: $('run'), runCancel: $('run-cancel'), progress: $('run-progress'),
    runStatus: $('run-status'), runError: $('run-error'),
    outcome: $('outcome'), outcomeBody: $('outcome-body'),
    dlOutput: $('download-output'), dlHtml: $('download-report-html'), dlJson: $('download-report-json'), dlPolicy: $('download-policy'),
  };

  const s = {
    file: null, token: 0, inspection: null, readOptions: {}, columns: [], grid: null,
    key: null, keySource: null, keyBusy: false,
    /** 'idle' | 'running' | 'done' | 'cancelled' | 'failed' */
    run: 'idle', step: null, nodes: null, started: 0,
    error: null, notice: null, outcome: null, urls: [],
  };
  let runJob = 0;

  function privacy() {
    const num = (input) => (input.value.trim() === '' ? null : Number(input.value));
    return {
      k: num(ui.k) ?? DEFAULT_K,
      suppression: num(ui.suppression) ?? DEFAULT_SUPPRESSION,
      suppressedRows: ui.suppressedRows.value,
      l: num(ui.l),
      t: num(ui.t),
    };
  }

  // ---- the column policy table ---------------------------------------------

  function policyTable(tr, lng) {
    const fmt = formats(lng);
    const rows = s.columns.map((c, i) => {
      const choices = [...ACTIONS];
      for (const extra of [c.suggestion?.action, c.entry]) {
        if (extra && !choices.some((a) => sameEntry(a, extra))) choices.push(entryOf(extra));
      }
      const selected = choices.findIndex((a) => sameEntry(a, c.entry));
      const roleId = `role-${i}`; const actionId = `action-${i}`; const hierId = `hierarchy-${i}`;
      const role = el('select', { id: roleId, dataset: { column: c.name, control: 'role' } },
        ROLES.map((r) => el('option', { value: r, selected: r === c.role }, tr(`role.${r}`))));
      role.addEventListener('change', () => setRole(i, role.value));
      const action = el('select', { id: actionId, dataset: { column: c.name, control: 'action' } },
        choices.map((a, j) => el('option', { value: String(j), selected: j === selected }, entryLabel(tr, lng, a))));
      action.addEventListener('change', () => {
        s.columns[i] = { ...s.columns[i], entry: choices[Number(action.value)] };
        changed();
      });
      const isQi = c.role === 'quasi_identifier';
      const hierarchy = el('select', { id: hierId, disabled: !isQi, dataset: { column: c.name, control: 'hierarchy' } },
        Object.keys(HIERARCHIES).map((h) => el('option', { value: h, selected: h === c.hierarchy }, tr(`hierarchy.${h}`))));
      hierarchy.addEventListener('change', () => {
        s.columns[i] = { ...s.columns[i], hierarchy: hierarchy.value };
        changed();
      });
      const suggested = c.suggestion
        ? `${tr(`role.${c.suggestion.role}`)} · ${entryLabel(tr, lng, c.suggestion.action)} (${fmt.percent(c.suggestion.confidence > 1 ? c.suggestion.confidence / 100 : c.suggestion.confidence)})`
        : tr('columns.none');
      return el('tr', { dataset: { column: c.name } },
        el('th', { scope: 'row' }, c.name),
        el('td', {}, el('label', { for: roleId, class: 'visually-hidden' }, tr('policy.role_of', { name: c.name })), role),
        el('td', {}, el('label', { for: actionId, class: 'visually-hidden' }, tr('policy.action_of', { name: c.name })), action),
        el('td', {}, el('label', { for: hierId, class: 'visually-hidden' }, tr('policy.hierarchy_of', { name: c.name })), isQi ? hierarchy : el('span', { class: 'muted' }, '—')),
        el('td', { class: 'reason', title: c.suggestion?.reason ?? '' }, suggested));
    });
    return el('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-labelledby': 'policy-caption' },
      el('table', { class: 'policy', id: 'policy' },
        el('caption', { id: 'policy-caption' }, tr('policy.caption')),
        el('thead', {}, el('tr', {}, ['policy.column', 'policy.role', 'policy.action', 'policy.hierarchy', 'policy.suggested'].map((k) => el('th', { scope: 'col' }, tr(k))))),
        el('tbody', {}, rows)));
  }

  function setRole(i, role) {
    const c = s.columns[i];
    const next = { ...c, role };
    // A quasi-identifier is generalised by the search: the policy keeps it.
    if (role === 'quasi_identifier' && entryOf(c.entry).action === 'drop') next.entry = { action: 'keep' };
    s.columns[i] = next;
    changed();
    $(`role-${i}`)?.focus();
  }

  function changed() {
    if (s.run === 'done') clearOutcome();
    render();
  }

  // ---- key ---------------------------------------------------------------

  async function keyRequest(kind, payload, source) {
    s.keyBusy = true;
    s.error = null;
    render();
    try {
      const key = await client.request(kind, payload);
      s.key = key;
      s.keySource = source;
    } catch (err) {
      if (err.code !== ErrorCode.CANCELLED) s.error = { code: err.code, message: err.message, detail: err.detail };
    } finally {
      s.keyBusy = false;
      changed();
    }
  }

  ui.keyGenerate.addEventListener('click', () => keyRequest(Kind.KEYGEN, null, 'generated'));
  ui.keyDerive.addEventListener('click', () => {
    const passphrase = ui.passphrase.value;
    if (!passphrase) {
      s.error = { code: 'key', message: t()('key.empty_passphrase') };
      render();
      ui.passphrase.focus();
      return;
    }
    keyRequest(Kind.KEY_FROM_PASSPHRASE, { passphrase }, 'passphrase').then(() => { ui.passphrase.value = ''; });
  });
  ui.keyFile.addEventListener('change', async () => {
    const [file] = ui.keyFile.files;
    ui.keyFile.value = '';
    if (!file) return;
    try {
      const key = JSON.parse(await file.text());
      if (!key || typeof key !== 'object' || typeof key.fingerprint !== 'string' || (!key.key && !key.salt)) {
        throw new Error(t()('key.bad_file'));
      }
      if (!key.key) throw new Error(t()('key.salt_only'));
      s.key = key;
      s.keySource = 'imported';
      s.error = null;
    } catch (err) {
      s.error = { code: 'key', message: err instanceof SyntaxError ? t()('key.bad_file') : err.message };
    }
    changed();
  });
  ui.keyExport.addEventListener('click', () => {
    if (!s.key) return;
    saveBlob(new Blob([JSON.stringify(s.key, null, 2) + '\n'], { type: 'application/json' }), `masque-cle-${s.key.fingerprint.slice(0, 8)}.json`);
  });

  // ---- policy save / load --------------------------------------------------

  ui.accept.addEventListener('click', () => {
    if (!s.inspection) return;
    s.columns = columnsFromSuggestions(s.inspection);
    ui.k.value = String(DEFAULT_K);
    ui.suppression.value = String(DEFAULT_SUPPRESSION);
    s.notice = t()('setup.accepted');
    changed();
  });
  ui.policySave.addEventListener('click', () => {
    const policy = savedPolicyOf(s.columns, privacy());
    saveBlob(new Blob([JSON.stringify(policy, null, 2) + '\n'], { type: 'application/json' }), `${stem(s.file?.name ?? 'masque')}-politique.json`);
  });
  ui.policyFile.addEventListener('change', async () => {
    const [file] = ui.policyFile.files;
    ui.policyFile.value = '';
    if (!file) return;
    try {
      const { columns, missing, privacy: saved, unknown } = loadPolicy(s.columns, JSON.parse(await file.text()));
      if (missing.length) throw new Error(t()('setup.missing', { names: missing.join(', ') }));
      s.columns = columns;
      if (saved) {
        ui.k.value = String(saved.k);
        ui.suppression.value = String(saved.suppression);
        ui.suppressedRows.value = saved.suppressedRows;
        ui.l.value = saved.l === null ? '' : String(saved.l);
        ui.t.value = saved.t === null ? '' : String(saved.t);
      }
      s.error = null;
      s.notice = t()('setup.loaded', { name: file.name })
        + (unknown.length ? ` ${t()('setup.unknown_hierarchy', { names: unknown.join(', ') })}` : '');
    } catch (err) {
      s.error = { code: 'policy', message: err instanceof SyntaxError ? t()('setup.bad_json') : err.message };
    }
    changed();
  });
  for (const input of [ui.k, ui.suppression, ui.suppressedRows, ui.l, ui.t]) input.addEventListener('change', changed);

  // ---- run ---------------------------------------------------------------

  ui.run.addEventListener('click', () => run());
  ui.runCancel.addEventListener('click', () => {
    if (s.run !== 'running') return;
    runJob += 1;
    client.cancel();
    Object.assign(s, { run: 'cancelled', step: null });
    render();
    ui.run.focus();
  });

  async function run() {
    if (s.run === 'running' || !s.file) return;
    const p = privacy();
    const problems = problemsOf(s.columns, p, s.key);
    if (problems.length) {
      s.error = { code: 'settings', message: problems.map((x) => t()(`problem.${x.code}`)).join(' ') };
      render();
      return;
    }
    clearOutcome();
    const mine = ++runJob;
    // The policy offered for download after the run holds the anonymisation too.
    const saved = savedPolicyOf(s.columns, p);
    const { anonymise: config = null, ...policy } = saved;
    const request = { policy, key: s.key, anonymise: config, read: s.readOptions, utf8: ui.encoding.value === 'utf8', preview_rows: 50 };
    Object.assign(s, { run: 'running', step: 'reading', nodes: null, error: null, started: performance.now() });
    render();
    try {
      const done = await client.request(Kind.CLEAN, { file: s.file, token: s.token, request }, {
        onProgress: (progress) => {
          if (mine !== runJob) return;
          s.step = progress.phase;
          if (progress.lattice_size) s.nodes = { checked: progress.nodes_checked, size: progress.lattice_size };
          render();
        },
      });
      if (mine !== runJob) return;
      const seconds = (performance.now() - s.started) / 1000;
      finish({ ...done, policy: saved, config, seconds, file: { name: s.file.name }, finishedAt: Date.now() });
    } catch (err) {
      if (mine !== runJob) return;
      if (err.code === ErrorCode.CANCELLED) s.run = 'cancelled';
      else Object.assign(s, { run: 'failed', error: { code: err.code, message: err.message, detail: err.detail } });
      render();
    }
  }

  function link(a, blob, name) {
    const url = URL.createObjectURL(blob);
    s.urls.push(url);
    a.href = url;
    a.download = name;
  }

  function finish(outcome) {
    s.outcome = outcome;
    s.run = 'done';
    const tr = t();
    const lng = lang();
    const d = outcome.dialect;
    const ext = d.delimiter === '\t' ? 'tsv' : 'csv';
    const base = stem(outcome.file.name);
    const type = d.delimiter === '\t' ? 'text/tab-separated-values' : 'text/csv';
    link(ui.dlOutput, new Blob([outcome.output], { type }), `${base}-masque.${ext}`);
    link(ui.dlHtml, new Blob([reportHtml(outcome, tr, lng)], { type: 'text/html' }), `${base}-rapport.html`);
    const json = { masque_version: outcome.report.masque_version, file: outcome.file.name, finished_at: new Date(outcome.finishedAt).toISOString(),
      policy: outcome.policy, anonymise: outcome.config, apply_report: outcome.report, anonymise_result: outcome.result, timings: outcome.timings };
    link(ui.dlJson, new Blob([JSON.stringify(json, null, 2) + '\n'], { type: 'application/json' }), `${base}-rapport.json`);
    link(ui.dlPolicy, new Blob([JSON.stringify(outcome.policy, null, 2) + '\n'], { type: 'application/json' }), `${base}-politique.json`);
    ui.dlOutput.dataset.ready = 'true';
    render();
    ui.outcome.querySelector('h2')?.focus?.();
  }

  function clearOutcome() {
    for (const url of s.urls) URL.revokeObjectURL(url);
    s.urls = [];
    s.outcome = null;
    if (s.run === 'done') s.run = 'idle';
    delete ui.dlOutput.dataset.ready;
  }

  // ---- rendering ---------------------------------------------------------

  let lastLang = null;
  let lastColumns = null;
  let lastOutcome = null;

  function render(tr = t()) {
    const lng = lang();
    const open = Boolean(s.inspection);
    ui.rowsSection.hidden = !open;
    ui.setup.hidden = !open;
    if (!open) {
      ui.outcome.hidden = true;
      return;
    }
    if (lastColumns !== s.columns || lastLang !== lng) {
      // Rebuilt only when the columns or the language change, so focus stays put while typing.
      const focused = document.activeElement?.id;
      ui.policyTable.replaceChildren(policyTable(tr, lng));
      if (focused && ui.policyTable.contains($(focused))) $(focused).focus();
      lastColumns = s.columns;
    }
    if (lastLang !== lng && s.grid) openGrid(tr, lng);
    lastLang = lng;

    ui.keyExport.disabled = !s.key;
    for (const b of [ui.keyGenerate, ui.keyDerive]) b.disabled = s.keyBusy;
    ui.keyStatus.textContent = s.keyBusy ? tr('key.busy') : s.key
      ? tr(`key.ready_${s.keySource ?? 'imported'}`, { fingerprint: s.key.fingerprint })
      : tr('key.none');

    const running = s.run === 'running';
    ui.run.disabled = running;
    ui.runCancel.hidden = !running;
    ui.progress.hidden = !running;
    if (running && s.nodes && s.step === 'searching') {
      ui.progress.max = s.nodes.size;
      ui.progress.value = Math.min(s.nodes.checked, s.nodes.size);
    } else if (running) {
      ui.progress.removeAttribute('value');
    }
    const fmt = formats(lng);
    const status = {
      idle: s.notice ?? '',
      running: tr(`run.step.${s.step ?? 'reading'}`, s.nodes ? { checked: fmt.number(s.nodes.checked), size: fmt.number(s.nodes.size) } : {}),
      done: s.outcome && tr('run.done', { seconds: new Intl.NumberFormat(lng, { maximumFractionDigits: 1 }).format(s.outcome.seconds) }),
      cancelled: tr('run.cancelled'),
      failed: tr('run.failed'),
    }[s.run];
    if (ui.runStatus.textContent !== status) ui.runStatus.textContent = status ?? '';
    if (s.error) renderError(ui.runError, s.error, tr, lng);
    else ui.runError.replaceChildren();

    ui.outcome.hidden = s.run !== 'done' || !s.outcome;
    if (s.outcome && (lastOutcome !== s.outcome || ui.outcomeBody.dataset.lang !== lng)) {
      renderResults(ui.outcomeBody, s.outcome, tr, lng);
      ui.outcomeBody.dataset.lang = lng;
      lastOutcome = s.outcome;
      ui.dlOutput.textContent = tr('downloads.output', { name: ui.dlOutput.download });
    }
  }

  function openGrid(tr, lng) {
    s.grid?.destroy();
    const fmt = formats(lng);
    const { file, token } = s;
    s.grid = virtualGrid(ui.rows, {
      header: s.inspection.columns.map((c) => c.name),
      rows: s.inspection.rows,
      label: tr('rows.label', { rows: fmt.number(s.inspection.rows) }),
      rowLabel: (n) => fmt.number(n),
      fetchRows: (start, count) => client.request(Kind.ROWS, { file, token, start, count, options: s.readOptions }).then((r) => r.rows),
    });
  }

  return {
    /** A file was read: show its rows and set up the policy from the suggestions. */
    opened({ file, token, inspection, options = {} }) {
      clearOutcome();
      Object.assign(s, { file, token, inspection, readOptions: options, columns: columnsFromSuggestions(inspection), run: 'idle', error: null, notice: null });
      openGrid(t(), lang());
      render();
    },
    /** Another file is being read: forget this one. */
    closed() {
      runJob += 1;
      clearOutcome();
      s.grid?.destroy();
      ui.rows.replaceChildren();
      Object.assign(s, { file: null, inspection: null, columns: [], grid: null, run: 'idle', error: null, notice: null });
      lastColumns = null;
      render();
    },
    busy: () => s.run === 'running',
    render,
  };
}
