// @ts-check
// The example upload form: clean the chosen file with masque-clean.js, then
// post only the cleaned Blob to this page's own origin (`upload`).

import { clean, keygen, suggestPolicy } from './masque-clean.js';

const form = /** @type {HTMLFormElement} */ (document.getElementById('upload'));
const status = document.getElementById('status');
const error = document.getElementById('error');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.textContent = '';
  const [file] = /** @type {HTMLInputElement} */ (document.getElementById('file')).files ?? [];
  if (!file) return;
  try {
    status.textContent = 'Cleaning in your browser…';
    const policy = await suggestPolicy(file);
    // A research platform would use its project key here; this example makes one.
    const key = await keygen();
    const quasi = Object.keys(policy.columns).filter((name) => ['sexe', 'date_naissance', 'code_postal'].includes(name));
    const anonymise = quasi.length ? {
      quasi_identifiers: Object.fromEntries(quasi.map((name) => [name,
        name === 'date_naissance' ? { builder: { dates: {} } } : name === 'code_postal' ? { builder: { code_postal: {} } } : {}])),
      k: 11, suppression_limit: 0.04, suppressed_rows: 'remove',
    } : null;
    for (const name of quasi) policy.columns[name] = { action: 'keep' }; // generalised by the search instead
    const blob = await clean(file, policy, key, { anonymise, onProgress: ({ phase }) => { status.textContent = `Cleaning in your browser… (${phase})`; } });
    status.textContent = 'Uploading the cleaned file…';
    const body = new FormData();
    body.append('file', blob, file.name.replace(/\.[^.]*$/, '') + '-clean.csv');
    const response = await fetch(form.action, { method: 'POST', body });
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    status.textContent = `Uploaded: ${blob.size} bytes, ${blob.masque.result?.suppressed ?? 0} rows suppressed, k = ${blob.masque.result?.risk_after?.k ?? '—'}.`;
    status.dataset.done = 'true';
  } catch (err) {
    status.textContent = '';
    error.textContent = `The file was not uploaded: ${err.message}`;
  }
});
