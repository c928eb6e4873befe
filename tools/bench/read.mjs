// Reading benchmark in wasm under Node: bytes -> columnar table (via `inspect`,
// whose summary is negligible next to the read). Median of 5 runs.
// Run by `./dev bench read` (builds target/bench-pkg first).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const masque = require('../../target/bench-pkg/masque.js');

const path = process.argv[2] ?? 'target/bench/cohort_1m_quirks.csv';
const bytes = readFileSync(path);
const times = [];
let rows = 0;
for (let i = 0; i < 5; i++) {
  const start = performance.now();
  rows = masque.inspect(bytes, {}).rows;
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
const median = times[2];
const mb = bytes.length / 1e6;
console.log(
  `read (wasm, Node ${process.version}): ${path}: ${mb.toFixed(1)} MB, ${rows} rows: ` +
    `median ${median.toFixed(0)} ms = ${(mb / (median / 1000)).toFixed(0)} MB/s (min ${times[0].toFixed(0)} ms)`,
);
