#!/usr/bin/env bash
# Fuzzes the trace reader (fuzz/trace_reader_fuzz.cpp) with libFuzzer.
#
#   scripts/fuzz.sh [SECONDS]      default 60
#
# Builds the fuzz target with the "fuzz" preset (clang, ASan + UBSan,
# build/fuzz), writes a seed corpus of real traces with `frsim run ...
# --trace-out` (the release preset's frsim, or $FRSIM when set) plus a few
# malformed ones, fuzzes for SECONDS, and prints the figures: executions,
# coverage, corpus size, crashes. Exits non-zero if the fuzzer found a crash,
# a leak or a timeout (the reproducer is left in build/fuzz/crashes/).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
case "$seconds" in ''|*[!0-9]*|0) echo "fuzz.sh: SECONDS must be a positive integer" >&2; exit 2 ;; esac

scripts/bootstrap.sh
launcher=()
if command -v ccache >/dev/null 2>&1; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake --preset fuzz "${launcher[@]}" >/dev/null
cmake --build --preset fuzz -j "$(nproc)" --target frsim_trace_fuzz
frsim="${FRSIM:-}"
if [ -z "$frsim" ]; then
  cmake --preset release "${launcher[@]}" >/dev/null
  cmake --build --preset release -j "$(nproc)" --target frsim
  frsim=build/release/frsim
fi

out=build/fuzz
seeds="$out/seeds"
corpus="$out/corpus"
crashes="$out/crashes"
rm -rf "$seeds" "$crashes"
mkdir -p "$seeds" "$corpus" "$crashes"

# Real traces: every kind of transition, faults and healing, several scenarios.
for scenario in counter chat lo-bank cart; do
  for seed in 1 2; do
    "$frsim" run "$scenario" --seed "$seed" --trace-out "$seeds/$scenario-$seed.json" >/dev/null
  done
done
"$frsim" run counter --seed 3 --crashes 1 --grain fine --trace-out "$seeds/counter-fine-crash.json" >/dev/null
# Near misses the reader must reject: wrong version, cut short, not an object.
sed 's/"version": 1/"version": 2/' "$seeds/counter-1.json" >"$seeds/version-2.json"
head -c 300 "$seeds/counter-1.json" >"$seeds/truncated.json"
printf '[]' >"$seeds/array.json"

log="$out/fuzz.log"
status=0
ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
  "$out/frsim_trace_fuzz" "$corpus" "$seeds" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -artifact_prefix="$crashes/" -print_final_stats=1 >"$log" 2>&1 || status=$?

executions="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
coverage="$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1 | sed 's/cov: \([0-9]*\) ft: \([0-9]*\)/\1 edges, \2 features/')"
found="$(find "$crashes" -type f | wc -l)"
echo "fuzz: ${seconds}s, executions ${executions:-?}, coverage ${coverage:-?}," \
  "corpus $(find "$corpus" -type f | wc -l) inputs, crashes $found"
if [ "$status" -ne 0 ] || [ "$found" -ne 0 ]; then
  grep -E 'ERROR|SUMMARY|Test unit written|deadly signal|Timeout' "$log" | head -20 >&2 || true
  echo "fuzz: failed (exit status $status); full log: $log, reproducers: $crashes/" >&2
  echo "fuzz: reproduce with $out/frsim_trace_fuzz <file>" >&2
  exit 1
fi
