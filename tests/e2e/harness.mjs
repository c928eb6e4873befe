// Shared set-up for the end-to-end tests: checks that the web app is built,
// serves www/ on 127.0.0.1 under a sub-path, and launches Debian's Chromium
// through playwright-core (never a downloaded browser) with every network
// request outside 127.0.0.1 made impossible.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { startServer } from './server.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const WWW = path.join(ROOT, 'www');
export const FIXTURES = path.join(ROOT, 'tests/fixtures');
export const ARTEFACTS = path.join(ROOT, 'test-results/e2e');
export const CHROMIUM = process.env.MASQUE_CHROMIUM ?? '/usr/bin/chromium';

/** The sub-path the app is served under, to prove it uses relative URLs only. */
export const BASE = '/hopital/outils/masque/';

export const fixture = (name) => path.join(FIXTURES, name);

/** The 19 columns of tests/fixtures/cohort_cp1252_40.csv, in order. */
export const COHORT_COLUMNS = Object.freeze([
  'nir', 'nom', 'prenom', 'sexe', 'date_naissance', 'adresse', 'code_postal', 'commune', 'telephone',
  'email', 'finess', 'rpps_medecin', 'date_entree', 'date_sortie', 'mode_entree', 'diag_principal',
  'libelle_diag', 'poids_kg', 'commentaire',
]);

/** Fails with a message saying what to do when the wasm package or the browser is missing. */
export function requireBuild() {
  const missing = ['pkg/masque.js', 'pkg/masque_bg.wasm'].filter((f) => !existsSync(path.join(WWW, f)));
  if (missing.length) {
    throw new Error(
      `www/${missing.join(' and www/')} missing: the web app is not built. ` +
      'Run `./dev build` first (`./dev test` builds it, then runs these tests).',
    );
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (\`./dev test\` does it).`);
  }
}

/** Serves www/ under BASE; call `close()` when done. */
export function serveApp() {
  requireBuild();
  return startServer({ root: WWW, base: BASE });
}

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

/**
 * Launches headless Chromium with a fresh profile.
 * Returns the context, its first page, every request URL seen (page and
 * workers), and the page's uncaught errors and console errors.
 * @param {{locale?: string}} [options]
 */
export async function launch({ locale = 'fr-FR' } = {}) {
  requireBuild();
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'masque-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    locale,
    args: [...FLAGS, `--lang=${locale}`],
    viewport: { width: 1200, height: 900 },
  });
  const requests = [];
  context.on('request', (request) => requests.push({ url: request.url(), method: request.method() }));
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  return {
    context,
    page,
    requests,
    errors,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot under test-results/e2e/. */
export async function screenshot(page, name) {
  mkdirSync(ARTEFACTS, { recursive: true });
  const file = path.join(ARTEFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Waits until the footer shows the engine's version (the wasm is loaded). */
export async function waitForEngine(page) {
  await page.waitForFunction(() => /masque \d+\.\d+\.\d+/.test(document.getElementById('version')?.textContent ?? ''));
}

/** Waits until a file has been read: either a result or an error is shown. */
export async function waitForOutcome(page) {
  await page.waitForFunction(() => {
    const result = document.getElementById('result');
    const error = document.getElementById('error');
    return (result && !result.hidden && result.querySelector('[data-field="rows"]')) || (error && error.textContent.trim() !== '');
  });
}

/** Chooses a file through the page's file input (a path or {name, mimeType, buffer}). */
export async function chooseFile(page, file) {
  await page.locator('#file').setInputFiles(file);
  await waitForOutcome(page);
}

/** Text as a test compares it: no-break spaces (French digit groups, « ») become plain spaces. */
export const plain = (text) => text.replace(/[\u00a0\u202f]/g, ' ').trim();

/** The text of each `[data-field=NAME]` in the result, by name (spaces made plain). */
export async function dialectFields(page, root = '#result') {
  const fields = await page.$$eval(`${root} dd[data-field]`, (nodes) => nodes.map((n) => [n.dataset.field, n.textContent]));
  return Object.fromEntries(fields.map(([k, v]) => [k, plain(v)]));
}

/** The columns table as [{name, distinct, empty, role?, action?, confidence?, reason?}] (spaces made plain). */
export async function columnRows(page, root = '#result') {
  const rows = await page.$$eval(`${root} table.columns tbody tr`, (trs) => trs.map((tr) =>
    [...tr.querySelectorAll('[data-field]')].map((c) => [c.dataset.field, c.textContent])));
  return rows.map((cells) => Object.fromEntries(cells.map(([k, v]) => [k, plain(v)])));
}

/** The fixture's bytes, for building variants. */
export const readFixture = (name) => readFileSync(fixture(name));

/** The masque command line the page is checked against: MASQUE_BIN, else the release build. */
export const MASQUE = process.env.MASQUE_BIN ? path.resolve(ROOT, process.env.MASQUE_BIN) : path.join(ROOT, 'target/release/masque');

/** Runs the masque command line with `args`; its standard output as text. */
export const masque = (...args) => execFileSync(MASQUE, args, { encoding: 'utf8', maxBuffer: 64 << 20 });

/**
 * Writes a synthetic French cohort (tools/gen_cohort.py; every value invented) to `file`:
 * `;`-separated Windows-1252 unless told otherwise.
 * @param {string} file
 * @param {{rows: number, seed: number, quirks?: boolean, sep?: string, encoding?: string, bom?: boolean}} options
 */
export function generateCohort(file, { rows, seed, quirks = false, sep, encoding, bom = false }) {
  const args = ['--rows', String(rows), '--seed', String(seed), ...(quirks ? ['--quirks'] : []),
    ...(sep ? ['--sep', sep] : []), ...(encoding ? ['--encoding', encoding] : []), ...(bom ? ['--bom'] : []), '-o', file];
  execFileSync('python3', [path.join(ROOT, 'tools/gen_cohort.py'), ...args]);
}

/**
 * The rows of a delimited file (quoted fields allowed), as objects by header,
 * read independently of masque.
 * @param {string} file
 * @param {{sep?: string, encoding?: 'latin1' | 'utf8'}} [options] `;` and Windows-1252 (as Latin-1) by default
 */
export function readCsv(file, { sep = ';', encoding = 'latin1' } = {}) {
  const text = readFileSync(file).toString(encoding).replace(/^\ufeff/, '');
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === sep) { row.push(field); field = ''; } else if (ch === '\n') { row.push(field.replace(/\r$/, '')); rows.push(row); row = []; field = ''; } else field += ch;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  const [header, ...body] = rows;
  return { header, rows: body.map((r) => Object.fromEntries(header.map((h, j) => [h, r[j]]))) };
}

/** Days since the epoch of a `dd/mm/yyyy` or `yyyy-mm-dd` date, or null. */
export function day(value) {
  let m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value ?? '');
  if (m) return Date.UTC(Number(m[3]), Number(m[2]) - 1, Number(m[1])) / 86_400_000;
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value ?? '');
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000 : null;
}

/** Shows one of the page's steps (`file`, `columns`, `protection`, `key`, `result`) through its nav. */
export async function step(page, name) {
  await page.click(`#steps button[data-step="${name}"]`);
  await page.waitForSelector(`main .step[data-step="${name}"]:not([hidden])`);
}

/** Once the file is read, goes to the columns step and waits for the column table. */
export async function toColumns(page, { timeout = 60_000 } = {}) {
  await page.waitForSelector('#steps button[data-step="columns"]:not([disabled])', { state: 'attached', timeout });
  await step(page, 'columns');
  await page.waitForSelector('#setup:not([hidden]) #policy tbody tr');
}

/** Opens `file` in the page served at `url` and waits until it is read (the key step can be shown). */
export async function openFile(page, url, file) {
  await page.goto(url);
  await waitForEngine(page);
  await page.locator('#file').setInputFiles(file);
  await page.waitForSelector('#steps button[data-step="key"]:not([disabled])', { state: 'attached', timeout: 60_000 });
}

/**
 * Generates a key (always with `newKey`, else only if the page has none), runs the
 * clean and waits for the downloads; the run must end without an error shown.
 */
export async function runClean(page, { newKey = false } = {}) {
  await step(page, 'key');
  if (newKey || await page.isDisabled('#key-export')) {
    await page.click('#key-generate');
    await page.waitForFunction(() => !document.getElementById('key-export').disabled);
  }
  await page.click('#run');
  await page.waitForSelector('#download-output[data-ready="true"]', { timeout: 300_000 });
  assert.equal((await page.textContent('#run-error')).trim(), '');
}

/** Downloads through `selector` into `file`; returns `file`. */
export async function download(page, selector, file) {
  const [event] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  await event.saveAs(file);
  return file;
}
