// Reading benchmark in wasm under Node: bytes -> columnar table (via `inspect`,
// whose summary is negligible next to the read), from the bytes whole and by
// 1 MiB chunks through a callback (`PreviewTable.fromReader`, the worker's way).
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

// The bytes copied into wasm memory whole, as `inspect(bytes)` takes them.
report('bytes', time(() => masque.inspect(bytes, {}).rows));
// By chunks through a callback, as the page's worker reads a File (FileReaderSync
// there; here, views of the Node buffer copied in): the file is never in wasm memory whole.
report('by chunks', time(() => {
  const table = masque.PreviewTable.fromReader(bytes.length, (offset, length) => bytes.subarray(offset, offset + length), {});
  try {
    return table.inspection().rows;
  } finally {
    table.free();
  }
}));
