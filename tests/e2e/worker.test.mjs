// The page/worker split: workbooks read in the worker, the protocol's
// per-request cancellation (AbortSignal) and crash handling, the cancel
// button, and suggestions shown when `inspect` returns them.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { chooseFile, columnRows, dialectFields, fixture, launch, plain, screenshot, serveApp, waitForOutcome } from './harness.mjs';
import { workbook } from './xlsx.mjs';

let server;
before(async () => {
  server = await serveApp();
});
after(() => server?.close());

test('an .xlsx workbook shows its sheet, rows, columns and the CSV dialect it will be written in', async () => {
  const b = await launch({ locale: 'fr-FR' });
  try {
    await b.page.goto(server.url);
    const buffer = workbook('Séjours', [
      ['nom', 'age', 'ville', 'nom'],
      ['DUPONT', 42, 'Lyon', 'x'],
      ['MARTIN', 37, '', 'y'],
      ['MARTIN', 37, 'Lyon', 'z'],
    ]);
    await chooseFile(b.page, { name: 'sejours.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer });
    const fields = await dialectFields(b.page);
    assert.deepEqual(fields, { format: 'classeur', sheet: 'Séjours', rows: '3', columns: '4' });
    assert.equal(
      plain(await b.page.textContent('#result [data-field="output"]')),
      'Le fichier nettoyé sera écrit en CSV : séparateur point-virgule, UTF-8 + BOM, fin de ligne CRLF (Windows).',
    );
    const columns = await columnRows(b.page);
    assert.deepEqual(columns.map((c) => [c.name, c.distinct, c.empty]), [
      ['nom', '2', '0'], ['age', '2', '0'], ['ville', '2', '1'], ['nom_2', '3', '0'],
    ]);
    assert.deepEqual(await b.page.$$eval('#result .warnings li', (l) => l.map((li) => li.dataset.kind)), ['duplicate_header']);
    // A workbook has no delimiter, encoding or ragged line to choose: no "read as".
    assert.equal(await b.page.isHidden('#read-as'), true, 'no "read as" for a workbook');
    await screenshot(b.page, 'workbook-fr');
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('the protocol: aborting the running request rejects it and replaces the worker, bad requests and dead workers give readable errors', async () => {
  const b = await launch({ locale: 'en-US' });
  try {
    await b.page.goto(server.url);
    const out = await b.page.evaluate(async () => {
      const { ErrorCode, Kind, WorkerClient } = await import(new URL('protocol.js', document.baseURI).href);
      const settle = (p) => p.then((v) => ['ok', v], (e) => [e.code, e.message]);
      let created = 0;
      const client = new WorkerClient(() => {
        created += 1;
        return new Worker(new URL('worker.js', document.baseURI), { type: 'module' });
      });
      const csv = new Blob(['a;b\n1;2\n3;4\n']);
      const abort = new AbortController();
      const pending = client.request(Kind.INSPECT, { file: csv }, { signal: abort.signal });
      abort.abort(); // synchronously: the worker cannot have answered yet
      const cancelled = await settle(pending);
      const afterCancel = await settle(client.request(Kind.INSPECT, { file: csv }));
      const unknown = await settle(client.request('frobnicate', {}));
      const noFile = await settle(client.request(Kind.INSPECT, {}));
      const version = await settle(client.request(Kind.VERSION));
      client.terminate();
      const workersBeforeCrash = created;

      // A worker whose script does not exist: the request fails readably and no restart loop starts.
      let broken = 0;
      const dead = new WorkerClient(() => {
        broken += 1;
        return new Worker(new URL('no-such-worker.js', document.baseURI), { type: 'module' });
      });
      const crashed = await settle(dead.request(Kind.VERSION));
      await new Promise((r) => setTimeout(r, 300));
      const brokenAfterWait = broken;
      dead.terminate();
      return {
        codes: ErrorCode, cancelled, rows: afterCancel[1]?.rows, unknown, noFile, version,
        workersBeforeCrash, crashed, brokenAfterWait,
      };
    });
    assert.deepEqual(out.cancelled, [out.codes.CANCELLED, 'cancelled']);
    assert.equal(out.rows, 2, 'the fresh worker answers');
    assert.deepEqual(out.unknown, [out.codes.PROTOCOL, 'unknown request kind "frobnicate"']);
    assert.deepEqual(out.noFile, [out.codes.PROTOCOL, 'no file was sent']);
    assert.equal(out.version[0], 'ok');
    assert.match(out.version[1], /^\d+\.\d+\.\d+/);
    assert.equal(out.workersBeforeCrash, 2, 'one worker, plus one after the abort');
    assert.equal(out.crashed[0], out.codes.WORKER);
    assert.ok(out.crashed[1].length > 0, 'the crash has a message');
    assert.equal(out.brokenAfterWait, 1, 'a dead worker is not restarted in a loop');
  } finally {
    await b.close();
  }
});

test('the protocol: each request is cancelled on its own; the others still complete, even those relying on the kept file', async () => {
  const b = await launch({ locale: 'en-US' });
  try {
    await b.page.goto(server.url);
    const out = await b.page.evaluate(async () => {
      const { Kind, WorkerClient } = await import(new URL('protocol.js', document.baseURI).href);
      const settle = (p) => p.then((v) => ['ok', v], (e) => [e.code, e.message]);
      let created = 0;
      const client = new WorkerClient(() => {
        created += 1;
        return new Worker(new URL('worker.js', document.baseURI), { type: 'module' });
      });
      const csv = new Blob(['a;b\n1;2\n3;4\n']);
      const other = new Blob(['x,y,z\n1,2,3\n4,5,6\n7,8,9\n']);

      // The running request aborted while another waits: the worker is replaced, the other one completes.
      const running = new AbortController();
      const first = client.request(Kind.INSPECT, { file: csv }, { signal: running.signal });
      const second = client.request(Kind.INSPECT, { file: other });
      running.abort();
      const [abortedRunning, waitedOn] = await Promise.all([settle(first), settle(second)]);
      const afterRunning = created;

      // A waiting request aborted: taken out of the queue, the worker is kept and the one before it completes.
      const version = client.request(Kind.VERSION);
      const waiting = new AbortController();
      const queued = client.request(Kind.INSPECT, { file: csv }, { signal: waiting.signal });
      waiting.abort();
      const [versionOk, abortedWaiting] = await Promise.all([settle(version), settle(queued)]);
      const afterWaiting = created;

      // An already aborted signal: rejected at once, nothing sent.
      const already = new AbortController();
      already.abort();
      const abortedBefore = await settle(client.request(Kind.VERSION, null, { signal: already.signal }));

      // A run on the kept file aborted while a preview request for the same file waits:
      // the fresh worker does not hold the file, reads it again and answers the rows.
      const opened = await settle(client.request(Kind.OPEN, { file: other, token: 7 }));
      const run = new AbortController();
      const cleaning = client.request(Kind.CLEAN, {
        file: other, token: 7, request: { policy: { version: 1, default: 'keep', columns: {} }, key: null },
      }, { signal: run.signal, onProgress: () => {} });
      const rows = client.request(Kind.ROWS, { file: other, token: 7, start: 1, count: 5 });
      run.abort();
      const [abortedRun, rowsOk] = await Promise.all([settle(cleaning), settle(rows)]);
      const afterRun = created;
      // Aborting a request that has settled changes nothing.
      run.abort();
      const later = await settle(client.request(Kind.ROWS, { file: other, token: 7, start: 0, count: 1 }));
      const pending = client.pending;
      client.terminate();
      return {
        abortedRunning, waitedOn: waitedOn[0] === 'ok' ? [waitedOn[1].rows, waitedOn[1].columns.map((c) => c.name)] : waitedOn,
        afterRunning, versionOk: versionOk[0], abortedWaiting, afterWaiting, abortedBefore,
        opened: opened[0], abortedRun, rowsOk, afterRun, later, pending, created,
      };
    });
    const cancelled = ['cancelled', 'cancelled'];
    assert.deepEqual(out.abortedRunning, cancelled);
    assert.deepEqual(out.waitedOn, [3, ['x', 'y', 'z']], 'the request waiting behind the aborted one is answered by the fresh worker');
    assert.equal(out.afterRunning, 2, 'one worker, plus one after the running request was aborted');
    assert.equal(out.versionOk, 'ok');
    assert.deepEqual(out.abortedWaiting, cancelled);
    assert.equal(out.afterWaiting, 2, 'aborting a waiting request does not replace the worker');
    assert.deepEqual(out.abortedBefore, cancelled);
    assert.equal(out.opened, 'ok');
    assert.deepEqual(out.abortedRun, cancelled);
    assert.deepEqual(out.rowsOk, ['ok', { start: 1, rows: [['4', '5', '6'], ['7', '8', '9']] }], 'the rows of the kept file, read again');
    assert.equal(out.afterRun, 3, 'the aborted run replaced the worker');
    assert.deepEqual(out.later, ['ok', { start: 0, rows: [['1', '2', '3']] }]);
    assert.equal(out.pending, 0);
    assert.equal(out.created, 3);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('the cancel button stops a read in progress, and the next file is read by a fresh worker', async () => {
  const b = await launch({ locale: 'en-US' });
  try {
    // Hold the wasm back so the first read cannot finish before Cancel is pressed.
    let release;
    const gate = new Promise((resolve) => { release = resolve; });
    let held = 0;
    await b.context.route('**/pkg/masque_bg.wasm', async (route) => {
      held += 1;
      await gate;
      await route.continue().catch(() => {}); // the cancelled worker is gone
    });
    await b.page.goto(server.url);
    await b.page.locator('#file').setInputFiles(fixture('cohort_cp1252_40.csv'));
    await b.page.waitForSelector('#cancel:not([hidden])');
    assert.match(await b.page.textContent('#status'), /^Reading “cohort_cp1252_40\.csv”…$/);
    await screenshot(b.page, 'cancel-busy-en');

    await b.page.focus('#cancel');
    await b.page.keyboard.press('Enter');
    assert.equal(await b.page.textContent('#status'), 'Reading cancelled.');
    assert.equal(await b.page.isHidden('#cancel'), true);
    assert.equal(await b.page.isHidden('#result'), true);
    assert.equal((await b.page.textContent('#error')).trim(), '');
    assert.equal(await b.page.evaluate(() => document.activeElement.id), 'file', 'focus returns to the file input');
    assert.ok(held >= 1, 'the wasm was being held');

    release();
    await chooseFile(b.page, fixture('cohort_cp1252_40.csv'));
    assert.equal((await dialectFields(b.page)).rows, '40');
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('choosing another file while one is read cancels the first', async () => {
  const b = await launch({ locale: 'en-US' });
  try {
    let release;
    const gate = new Promise((resolve) => { release = resolve; });
    await b.context.route('**/pkg/masque_bg.wasm', async (route) => {
      await gate;
      await route.continue().catch(() => {});
    });
    await b.page.goto(server.url);
    await b.page.locator('#file').setInputFiles({ name: 'first.csv', mimeType: 'text/csv', buffer: Buffer.alloc(0) });
    await b.page.waitForSelector('#cancel:not([hidden])');
    await b.page.locator('#file').setInputFiles(fixture('cohort_cp1252_40.csv'));
    release();
    await waitForOutcome(b.page);
    assert.equal((await b.page.textContent('#error')).trim(), '', 'the empty first file was never reported');
    assert.match(await b.page.textContent('#result [data-field="file"]'), /cohort_cp1252_40\.csv/);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('column suggestions are shown when inspect returns them', async () => {
  const b = await launch({ locale: 'fr-FR' });
  try {
    await b.page.goto(server.url);
    // The page's own view module, given an inspection with suggestions (as the
    // detection work adds them to `inspect`): columns without one show a dash.
    // It renders into a section of its own, which the app's state never touches.
    await b.page.evaluate(async () => {
      const { renderInspection } = await import(new URL('view.js', document.baseURI).href);
      const { translator } = await import(new URL('i18n.js', document.baseURI).href);
      const inspection = {
        dialect: { format: 'csv', delimiter: '\t', encoding: 'utf-8', bom: true, line_ending: 'lf', final_newline: true },
        rows: 1234567,
        columns: [
          { name: 'nir', distinct: 1234000, empty: 3, suggestion: { role: 'direct_identifier', action: 'pseudonymise', confidence: 0.97, reason: 'header "nir"; 99 % valid NIR keys' } },
          { name: 'date_naissance', distinct: 20000, empty: 0, suggestion: { role: 'quasi_identifier', action: { action: 'generalise', to: 'year' }, confidence: 'high', reason: 'header "date_naissance"', concept: 'birth_date', values_agree: true } },
          { name: 'poids_kg', distinct: 300, empty: 12 },
          { name: 'code_x', distinct: 5, empty: 0, suggestion: { role: 'future_role', action: 'future_action', confidence: 55, reason: '' } },
        ],
        warnings: [],
      };
      const preview = document.createElement('section');
      preview.id = 'preview';
      preview.className = 'result';
      document.querySelector('main').append(preview);
      renderInspection(preview, { file: { name: 'grand.tsv', size: 215_000_000 }, inspection }, translator('fr'), 'fr');
    });
    const rows = await columnRows(b.page, '#preview');
    assert.deepEqual(rows, [
      { name: 'nir', distinct: '1 234 000', empty: '3', role: 'identifiant direct', action: 'pseudonymiser', confidence: '97 %', reason: 'header "nir"; 99 % valid NIR keys' },
      { name: 'date_naissance', distinct: '20 000', empty: '0', role: 'quasi-identifiant', action: 'généraliser (à l’année)', confidence: 'élevée', reason: 'la colonne contient une date de naissance' },
      { name: 'poids_kg', distinct: '300', empty: '12', role: '—', action: '—', confidence: '—', reason: '—' },
      { name: 'code_x', distinct: '5', empty: '0', role: 'future_role', action: 'future_action', confidence: '55 %', reason: '' },
    ]);
    const fields = await dialectFields(b.page, '#preview');
    assert.deepEqual([fields.delimiter, fields.encoding, fields.bom, fields.line_ending], ['tabulation', 'UTF-8', 'oui', 'LF (Linux, macOS)']);
    assert.equal(fields.rows, '1 234 567');
    assert.equal(plain(await b.page.textContent('#preview [data-field="file"]')), 'Fichier : grand.tsv (215 Mo)');
    assert.deepEqual(
      await b.page.$$eval('#preview thead th', (th) => th.map((h) => h.textContent)),
      ['N°', 'Nom', 'Valeurs distinctes', 'Cellules vides', 'Rôle suggéré', 'Action suggérée', 'Confiance', 'Raison'],
    );
    await screenshot(b.page, 'suggestions-fr');
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});
