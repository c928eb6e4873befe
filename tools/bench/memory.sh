#!/usr/bin/env bash
# Peak memory (maximum resident set size, /usr/bin/time) of each command of
# the command line on a large synthetic cohort, as a multiple of the file's size.
#   tools/bench/memory.sh [ROWS] [MASQUE]
# ROWS defaults to 5000000 (about 1 GB, generated once into target/bench/: it
# takes several minutes); MASQUE to target/release/masque, built if missing.
# Outputs go to a temporary folder, removed at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
rows="${1:-5000000}"
masque="${2:-target/release/masque}"
data="${BENCH_DATA:-target/bench}"
mkdir -p "$data"
input="$data/cohort_${rows}_cp1252.csv"
[ -s "$input" ] || {
  echo "generating $input"
  python3 tools/gen_cohort.py --rows "$rows" --seed 1 --sep ';' --encoding cp1252 -o "$input.part"
  mv "$input.part" "$input"
}
[ -x "$masque" ] || cargo build --quiet --release --bin masque
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$masque" keygen -o "$out/key.json" >/dev/null 2>&1

size=$(stat -L -c %s "$input")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GB"
echo "input: $input, $rows rows, $(awk -v s="$size" 'BEGIN { printf "%.0f MiB", s / 1048576 }')"
measure() { # measure NAME ARGS...
  local name=$1; shift
  local stats
  /usr/bin/time -o "$out/time" -f '%M %e' "$masque" "$@" >/dev/null 2>"$out/stderr" || {
    echo "$name failed:"; cat "$out/stderr"; return 1; }
  stats=$(tail -1 "$out/time")
  awk -v name="$name" -v rss="${stats% *}" -v s="${stats#* }" -v size="$size" 'BEGIN {
    printf "%-10s peak %6.0f MiB = %.2fx the file, %6.1f s\n", name, rss / 1024, rss * 1024 / size, s }'
}
measure inspect inspect "$input"
measure analyse analyse "$input" --qi sexe,date_naissance,code_postal --sensitive diag_principal
measure apply apply "$input" --policy tests/fixtures/policies/cohort.json --key "$out/key.json" -o "$out/apply.csv"
measure anonymise anonymise "$input" --config tests/fixtures/anonymise/cohort_builders.json -o "$out/anon.csv"
