// @ts-check
// The example upload form: clean the chosen file with masque-clean.js, then
// post only the cleaned Blob to this page's own origin (`upload`). The policy
// is the one masque suggests (`suggestPolicy`), used unchanged: its
// `anonymise` section generalises every suggested quasi-identifier to k = 11.
// French or English, as the masque page (www/i18n.js).

import { pickLanguage, saveLanguage, storedLanguage, translator } from '../i18n.js';
import { clean, keygen, suggestPolicy } from './masque-clean.js';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const form = /** @type {HTMLFormElement} */ ($('upload'));
const status = $('status');
const error = $('error');
const select = /** @type {HTMLSelectElement} */ ($('lang'));

let lang = pickLanguage({ stored: storedLanguage(), browser: navigator.language });
const t = () => translator(lang);

/** The last message shown, said again when the language changes. */
let shown = /** @type {{status?: [string, Record<string, unknown>?], error?: [string, Record<string, unknown>?]}} */ ({});

function render() {
  document.documentElement.lang = lang;
  select.value = lang;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t()(/** @type {HTMLElement} */ (node).dataset.i18n ?? '');
  status.textContent = shown.status ? t()(...shown.status) : '';
  error.textContent = shown.error ? t()(...shown.error) : '';
}

select.addEventListener('change', () => {
  lang = select.value === 'fr' ? 'fr' : 'en';
  saveLanguage(lang);
  render();
});

/** @param {typeof shown} next */
function show(next) {
  shown = next;
  render();
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const [file] = /** @type {HTMLInputElement} */ ($('file')).files ?? [];
  if (!file) return;
  delete status.dataset.done;
  try {
    show({ status: ['embed.cleaning'] });
    const policy = await suggestPolicy(file);
    // A research platform would use its project key here; this example makes one.
    const key = await keygen();
    const blob = await clean(file, policy, key, { lang, onProgress: (p) => show({ status: ['embed.cleaning_phase', { phase: t()(`run.step.${p.phase}`, { checked: p.nodes_checked ?? '…', size: p.lattice_size ?? '…' }) }] }) });
    show({ status: ['embed.uploading'] });
    const body = new FormData();
    body.append('file', blob, file.name.replace(/\.[^.]*$/, '') + '-clean.csv');
    const response = await fetch(form.action, { method: 'POST', body });
    if (!response.ok) throw new Error(t()('embed.server', { status: response.status }));
    const { report } = blob.masque;
    show({ status: ['embed.uploaded', { bytes: blob.size, suppressed: report.rows.suppressed, k: report.privacy_model?.k_achieved ?? '—' }] });
    status.dataset.done = 'true';
    status.dataset.k = String(report.privacy_model?.k_achieved ?? '');
  } catch (err) {
    show({ error: ['embed.failed', { message: err.message }] });
  }
});

render();
