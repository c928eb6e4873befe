// Reading benchmark in wasm under Node: bytes -> columnar table, from the bytes
// whole and by 1 MiB chunks through a callback (`PreviewTable.fromReader`, the
// worker's way); then `inspect`, which adds the summary and the suggestions.
// Median of 5 runs each.
// Run by `./dev bench read` (builds target/bench-pkg first).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const masque = require('../../target/bench-pkg/masque.js');

const path = process.argv[2] ?? 'target/bench/cohort_1m_quirks.csv';
const bytes = readFileSync(path);

/** Median and minimum of 5 runs of `f`, in ms. */
function time(f) {
  const times = [];
  let result;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    result = f();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { median: times[2], min: times[0], result };
}

const mb = bytes.length / 1e6;
const report = (label, { median, min, result }) =>
  console.log(
    `read (wasm, Node ${process.version}, ${label}): ${path}: ${mb.toFixed(1)} MB, ${result} rows: ` +
      `median ${median.toFixed(0)} ms = ${(mb / (median / 1000)).toFixed(0)} MB/s (min ${min.toFixed(0)} ms)`,
  );

// Read into the columnar table, as the native bench measures it:
// - the bytes copied into wasm memory whole (`new PreviewTable(bytes)`);
// - by chunks through a callback, as the page's worker reads a File (FileReaderSync
//   there; here, views of the Node buffer copied in): the file is never in wasm memory whole.
const table = (make) => () => {
  const t = make();
  try {
    return t.rows;
  } finally {
    t.free();
  }
};
report('table, bytes', time(table(() => new masque.PreviewTable(bytes, {}))));
report(
  'table, by chunks',
  time(table(() => masque.PreviewTable.fromReader(bytes.length, (offset, length) => bytes.subarray(offset, offset + length), {}))),
);
// And `inspect(bytes)`: the read plus the summary and role suggestions the page shows.
report('inspect, bytes', time(() => masque.inspect(bytes, {}).rows));
