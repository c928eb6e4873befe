// Risk-analysis benchmark in wasm under Node: the same measurements as
// benches/analyse.rs. Run by `./dev bench analyse` (builds target/bench-pkg first):
//   cargo build --lib --release --target wasm32-unknown-unknown
//   wasm-bindgen --target nodejs --out-dir target/bench-pkg target/wasm32-unknown-unknown/release/masque.wasm
//   node tools/bench/analyse.mjs [RUNS]
//
// The analysis is timed on an `AnalysisTable` (the file read once, as the
// native benchmark reads it once); the read and the one-call
// `analyse(bytes, options)` (read + analysis) are timed too.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// MASQUE_BENCH_PKG overrides the package (an absolute path to another nodejs-target build).
const require = createRequire(import.meta.url);
const masque = require(process.env.MASQUE_BENCH_PKG ?? '../../target/bench-pkg/masque.js');

const runs = Math.max(1, Number.parseInt(process.argv[2] ?? '15', 10) || 15);
const ADULT = 'tests/fixtures/adult/adult.csv';
const ADULT_QI = ['age', 'sex', 'race', 'marital-status', 'education', 'native-country', 'workclass', 'occupation'];
const COHORT = 'target/bench/cohort_1m.csv';
const COHORT_QI = ['sexe', 'date_naissance', 'code_postal', 'date_entree', 'mode_entree', 'diag_principal'];

function time(n, f) {
  const times = [];
  let result;
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    result = f();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(n / 2)], min: times[0], result };
}

function options(qi, sensitive, checks) {
  const o = { qi, sensitive, thresholds: [0.2, 0.1, 1 / 11] };
  if (checks) Object.assign(o, { l: 2, c: 3, t: 0.2 });
  return o;
}

function bench(label, path, n, o) {
  const bytes = readFileSync(path);
  const read = time(Math.min(n, 5), () => {
    const t = new masque.AnalysisTable(bytes, {});
    t.free();
  });
  const table = new masque.AnalysisTable(bytes, {});
  const analysis = time(n, () => table.analyse(o));
  table.free();
  const once = time(Math.min(n, 3), () => masque.analyse(bytes, o));
  const r = analysis.result;
  const sensitive = o.sensitive.length ? ` + sensitive ${o.sensitive.join(', ')}` : '';
  console.log(
    `analyse (wasm, Node ${process.version}): ${label}: ${r.rows} rows, ${o.qi.length} QIs${sensitive}: ` +
      `${r.classes} classes, k=${r.k}: median ${analysis.median.toFixed(1)} ms (min ${analysis.min.toFixed(1)} ms, ` +
      `${n} runs); read median ${read.median.toFixed(0)} ms; analyse(bytes) median ${once.median.toFixed(0)} ms`,
  );
}

bench('adult', ADULT, runs, options(ADULT_QI, ['salary-class'], true));
bench('adult (k and risks only)', ADULT, runs, options(ADULT_QI, [], false));
if (existsSync(COHORT)) {
  const n = Math.min(runs, 7);
  bench('cohort 1M', COHORT, n, options(COHORT_QI, [], false));
  bench('cohort 1M', COHORT, n, options(COHORT_QI, ['poids_kg'], true));
} else {
  console.log(`analyse (wasm): ${COHORT} not found; make it with ` +
    `\`python3 tools/gen_cohort.py --rows 1000000 --seed 1 -o ${COHORT}\``);
}
