#!/usr/bin/env bash
# Benchmarks (not tests): figures for the closing notes and the README.
#   ./dev bench            all of them
#   ./dev bench read       only the reading benchmarks (native + wasm/Node + peak memory)
#   ./dev bench memory     only the peak memory of each command on a 5M-row (1 GB) cohort
#                          (tools/bench/memory.sh; not part of the full run: it takes a while)
# Inputs are generated once into target/bench/ with tools/gen_cohort.py.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$(pwd)/node_modules/.bin:$PATH"
mkdir -p target/bench
only="${1:-}"
if [ "$only" = memory ]; then
  cargo build --quiet --release --bin masque
  exec tools/bench/memory.sh
fi

gen() { # gen FILE ARGS...
  local out=$1; shift
  [ -s "$out" ] || { echo "generating $out"; python3 tools/gen_cohort.py "$@" -o "$out"; }
}
gen target/bench/cohort_1m_quirks.csv --rows 1000000 --seed 1 --quirks
gen target/bench/cohort_1m.csv --rows 1000000 --seed 1

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"

# Native benches: benches/NAME.rs, harness = false, print their own figures.
for bench in benches/*.rs; do
  name=$(basename "$bench" .rs)
  [ -z "$only" ] || [ "$only" = "$name" ] || continue
  cargo bench --quiet --bench "$name"
done

# wasm under Node: a nodejs-target build, then tools/bench/NAME.mjs.
cargo build --quiet --lib --release --target wasm32-unknown-unknown
wasm-bindgen --target nodejs --out-dir target/bench-pkg target/wasm32-unknown-unknown/release/masque.wasm
# The root package.json says "type": "module"; the nodejs glue is CommonJS.
echo '{"type": "commonjs"}' > target/bench-pkg/package.json
for script in tools/bench/*.mjs; do
  name=$(basename "$script" .mjs)
  [ -z "$only" ] || [ "$only" = "$name" ] || continue
  node "$script"
done

# Peak memory of reading the 1M-row file with the command line.
if [ -z "$only" ] || [ "$only" = read ]; then
  cargo build --quiet --release --bin masque
  size=$(stat -c %s target/bench/cohort_1m_quirks.csv)
  rss=$( { /usr/bin/time -f '%M' target/release/masque inspect target/bench/cohort_1m_quirks.csv >/dev/null; } 2>&1 | tail -1)
  awk -v rss="$rss" -v size="$size" 'BEGIN { printf "read peak memory (native CLI inspect): %.0f MB for a %.0f MB file = %.2fx the file size\n", rss*1024/1e6, size/1e6, rss*1024/size }'
fi
