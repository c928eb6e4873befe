// Policy benchmark in wasm under Node: the counterpart of benches/apply.rs.
// `apply` reports its own phase timings (read, apply, write, from performance.now()),
// so the transform is timed without the read, as natively. Median of 5 runs.
// Build first:
//   cargo build --lib --release --target wasm32-unknown-unknown
//   wasm-bindgen --target nodejs --out-dir target/bench-pkg target/wasm32-unknown-unknown/release/masque.wasm
// then: node tools/bench/apply.mjs [FILE]   (default target/bench/cohort_1m.csv)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// wasm-bindgen's nodejs target is CommonJS, but the repository's package.json
// says "type": "module": mark the package directory as CommonJS.
const pkg = new URL('../../target/bench-pkg/', import.meta.url);
if (!existsSync(new URL('package.json', pkg))) {
  writeFileSync(new URL('package.json', pkg), '{"type": "commonjs"}\n');
}
const require = createRequire(import.meta.url);
const masque = require('../../target/bench-pkg/masque.js');

const path = process.argv[2] ?? 'target/bench/cohort_1m.csv';
const bytes = readFileSync(path);
const policy = readFileSync(new URL('../../tests/fixtures/policies/bench.json', import.meta.url), 'utf8');
// The key of the native benchmark and the frozen test vectors: bytes 0, 1, ..., 31.
const key = {
  version: 1,
  key: Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, '0')).join(''),
  fingerprint: '047a-5a85-6f2e-532d',
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const runs = [];
let result;
for (let i = 0; i < 5; i++) {
  result = masque.apply(bytes, policy, key, {});
  runs.push(result.timings);
  result = { rows: result.report.rows_in, out: result.output.length };
}
const apply = median(runs.map((t) => t.apply_ms));
const read = median(runs.map((t) => t.read_ms));
const write = median(runs.map((t) => t.write_ms));
const min = Math.min(...runs.map((t) => t.apply_ms));
console.log(`apply (wasm, Node ${process.version}): ${path}: ${result.rows} rows; read ${read.toFixed(0)} ms (excluded)`);
console.log(
  `  transform, 1 thread: median ${apply.toFixed(0)} ms = ${(result.rows / (apply / 1000) / 1e6).toFixed(2)} M rows/s ` +
    `(min ${min.toFixed(0)} ms); write ${write.toFixed(0)} ms (${(result.out / 1e6).toFixed(1)} MB)`,
);
