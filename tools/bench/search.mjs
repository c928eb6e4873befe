// Anonymisation search benchmark in wasm under Node: the same measurements as
// benches/search.rs (median of RUNS, default 5). Build the package first:
//   cargo build --lib --release --target wasm32-unknown-unknown
//   wasm-bindgen --target nodejs --out-dir target/bench-pkg target/wasm32-unknown-unknown/release/masque.wasm
//   node tools/bench/search.mjs [RUNS]
//
// The search is timed on an `AnonymiseTable` (the file read once, as the
// native benchmark reads it once): `table.search(config)` parses and checks
// the hierarchies, groups the bottom node and searches the lattice, like
// `masque::search::search`. The one-call `anonymise(bytes, config)` (read,
// search, output table, risk reports, writing) is timed too.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// MASQUE_BENCH_PKG overrides the package (an absolute path to another nodejs-target build).
const require = createRequire(import.meta.url);
const masque = require(process.env.MASQUE_BENCH_PKG ?? '../../target/bench-pkg/masque.js');

const runs = Math.max(1, Number.parseInt(process.argv[2] ?? '5', 10) || 5);
const ADULT = 'tests/fixtures/adult/adult.csv';
const ADULT_QI = ['age', 'sex', 'race', 'marital-status', 'education', 'native-country', 'workclass', 'occupation'];
const COHORT = 'target/bench/cohort_1m.csv';

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

// The configuration as JSON text, so that the quasi-identifiers keep their order.
function adultConfig(k, limit, sensitive) {
  const qi = ADULT_QI.map((q) => {
    const hierarchy = readFileSync(`tests/fixtures/adult/adult_hierarchy_${q}.csv`, 'utf8');
    return `${JSON.stringify(q)}: ${JSON.stringify({ hierarchy })}`;
  });
  const extra = sensitive ? `, "sensitive": ${JSON.stringify(sensitive)}` : '';
  return `{"quasi_identifiers": {${qi.join(', ')}}, "k": ${k}, "suppression_limit": ${limit}${extra}}`;
}

const COHORT_CONFIG = JSON.stringify({
  quasi_identifiers: {
    sexe: { builder: { mask: { levels: 1 } } },
    date_naissance: { builder: { dates: {} } },
    code_postal: { builder: { code_postal: {} } },
    date_entree: { builder: { dates: {} } },
    mode_entree: { builder: { order: { values: ['Domicile', 'Urgences', 'Mutation', 'Transfert'], sizes: [2] } } },
    diag_principal: { builder: { mask: { levels: 3 } } },
  },
  k: 11,
  suppression_limit: 0.01,
  metric: 'loss',
});

function bench(label, path, n, config) {
  const bytes = readFileSync(path);
  const table = new masque.AnonymiseTable(bytes, {});
  const search = time(n, () => table.search(config));
  table.free();
  const once = time(Math.min(n, 3), () => masque.anonymise(bytes, config));
  const c = search.result;
  const r = once.result.result;
  const levels = Object.entries(c.levels).map(([q, l]) => `${q} ${l}`).join(', ');
  console.log(
    `search (wasm, Node ${process.version}): ${label}: ${r.rows} rows, lattice ${c.lattice_size} nodes, ` +
      `${c.nodes_checked} checked, optimal ${c.optimal}: levels [${levels}], ${r.suppressed} suppressed, ` +
      `${r.classes} classes, ${r.metric.name} ${c.metric.toFixed(10)}: search median ${search.median.toFixed(1)} ms ` +
      `(min ${search.min.toFixed(1)} ms, ${n} runs); anonymise(bytes) median ${once.median.toFixed(0)} ms`,
  );
}

bench('adult k=5, 0 %', ADULT, runs, adultConfig(5, 0));
bench('adult k=5, 4 %', ADULT, runs, adultConfig(5, 0.04));
bench('adult k=5, 4 %, salary-class distinct 2-diverse', ADULT, runs,
  adultConfig(5, 0.04, { 'salary-class': { l_distinct: 2 } }));
if (existsSync(COHORT)) {
  bench('cohort 1M, 6 QIs, k=11, 1 %', COHORT, runs, COHORT_CONFIG);
} else {
  console.log(`search (wasm): ${COHORT} not found; make it with ` +
    `\`python3 tools/gen_cohort.py --rows 1000000 --seed 1 -o ${COHORT}\``);
}
