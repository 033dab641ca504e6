#!/usr/bin/env bash
# Instructions per reevaluated node of one contestant on some shapes, counted
# by callgrind (deterministic, unlike wall time on a shared machine).
#
#   bench/count_instructions.sh BINARY CONTESTANT SHAPE...
#
# BINARY is frsim_propagation_bench (or frsim_bench). Each shape runs twice,
# with FRSIM_BENCH_ITERATIONS=a and =b timed iterations; the difference in
# total instructions, divided by (b - a) x nodes per iteration, is the cost of
# the timed loop alone (construction and warm-up cancel out).
set -euo pipefail
[ $# -ge 3 ] || { sed -n '2,10p' "$0"; exit 2; }
binary="$1"; contestant="$2"; shift 2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

instructions() {  # iterations shape -> total Ir
  FRSIM_BENCH_ITERATIONS="$1" valgrind --tool=callgrind --callgrind-out-file="$work/out" \
    "$binary" --benchmark_filter="^$contestant/$2(/|\$)" --benchmark_format=json \
    --benchmark_out="$work/run.json" --benchmark_out_format=json >/dev/null 2>"$work/log" \
    || { cat "$work/log" >&2; exit 1; }
  if grep -q '"error_occurred": true' "$work/run.json"; then
    echo "count_instructions: $contestant/$2 failed its checks" >&2; exit 1
  fi
  awk '/^totals:/ {print $2}' "$work/out"
}

printf '%-22s %12s %14s\n' shape nodes/iter instr/node
for shape in "$@"; do
  case "$shape" in
    grid_*) a=1; b=2 ;;
    cellx*) a=1; b=4 ;;
    *) a=1; b=11 ;;
  esac
  ia="$(instructions "$a" "$shape")"
  nodes="$(python3 -c "import json;print(int(json.load(open('$work/run.json'))['benchmarks'][0]['nodes_per_iteration']))")"
  ib="$(instructions "$b" "$shape")"
  python3 -c "print(f'%-22s %12d %14.1f' % ('$shape', $nodes, ($ib - $ia) / (($b - $a) * $nodes)))"
done
