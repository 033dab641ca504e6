#!/usr/bin/env bash
# The propagation benchmarks, every contestant in one run (bench/README.md):
# frsim's level policy, the calculus policy, the fair floor (a hand-written
# dynamic engine), the straight-line floor, and the Node.js peers
# alien-signals and @preact/signals-core. Writes bench/results/latest.json and
# bench/results/latest.md, with the harness's own figures (sim, explore, crdt
# and harness suites of frsim_bench) in a "harness" section and the CRDT
# suite's in a "crdt" section.
#
#   scripts/bench.sh [--filter REGEX] [--repetitions N] [--no-node] [--crdt-baseline REV]
#
# --filter REGEX        only shapes whose name matches (e.g. 'deep|cellx')
# --repetitions N       rounds: every benchmark runs once per round, shape by
#                       shape, and its best round counts (default 5)
# --no-node             skip the Node peers (their columns are null, with the reason)
# --crdt-baseline REV   also run the CRDT suite against REV's core
#                       (bench/crdt_baseline.sh) and report it beside, as "before"
#
# Installs what it needs: the build dependencies and Node.js through
# scripts/bootstrap.sh when missing, the npm packages into bench/node.
# Builds frsim_bench with the shared release preset and pins every contestant
# to CPU 0 when taskset is available.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

filter=""
repetitions=5
with_node=1
crdt_baseline=""
while [ $# -gt 0 ]; do
  case "$1" in
    --filter) filter="${2:?--filter needs a regex}"; shift 2 ;;
    --repetitions) repetitions="${2:?--repetitions needs a number}"; shift 2 ;;
    --no-node) with_node=0; shift ;;
    --crdt-baseline) crdt_baseline="${2:?--crdt-baseline needs a revision}"; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown option '$1' (known: --filter --repetitions --no-node --crdt-baseline)" >&2; exit 2 ;;
  esac
done
case "$repetitions" in ''|*[!0-9]*|0) echo "bench.sh: --repetitions must be a positive integer" >&2; exit 2 ;; esac

command_line="scripts/bench.sh"
[ -n "$filter" ] && command_line+=" --filter '$filter'"
command_line+=" --repetitions $repetitions"
[ "$with_node" -eq 0 ] && command_line+=" --no-node"
[ -n "$crdt_baseline" ] && command_line+=" --crdt-baseline $crdt_baseline"

pin=()
pinned="none"
if command -v taskset >/dev/null 2>&1; then
  pin=(taskset -c 0)
  pinned="0"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p bench/results

# ---- frsim, calculus, fair floor, floor: frsim_bench --------------------------
scripts/bootstrap.sh
cmake --preset release >"$work/configure.log" 2>&1 || { cat "$work/configure.log" >&2; exit 1; }
cmake --build --preset release --target frsim_bench
bench_filter='^(frsim|frsim_cutoff|calculus|fair_floor|floor)/'
[ -n "$filter" ] && bench_filter+="($filter)"
# A filter that selects nothing is bad input, not a run that measured nothing.
listed="$(build/release/frsim_bench --benchmark_list_tests=true --benchmark_filter="$bench_filter" 2>/dev/null || true)"
if [ -z "$listed" ]; then
  echo "bench.sh: --filter '$filter' matches no benchmark" >&2
  exit 2
fi
# The Node peers run in the same rounds (below); install them first.
node_status="not run: scripts/bench.sh --no-node"
if [ "$with_node" -eq 1 ]; then
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    scripts/bootstrap.sh --with-node
  fi
  npm install --prefix bench/node --no-audit --no-fund --loglevel=error
  node_status=ok
fi

echo "bench: frsim_bench and the Node peers (filter $bench_filter, $repetitions rounds, CPU $pinned)" >&2
# Round by round, and in each round one shape's contestants one after the
# other — frsim, calculus, the floors, then alien-signals and preact (one Node
# process per shape and round, with its own warm-up) — so that a drift of the
# machine does not land in their ratios (with all of frsim's repetitions first
# and the fair floor's minutes later, it did; the Node peers ran after all of
# frsim until 2026-12-04: bench/results/latest.md). merge_results.py takes
# each benchmark's best round over the files.
shapes="$(printf '%s\n' "$listed" | awk -F/ '!seen[$2]++ {print $2}')"
for round in $(seq 1 "$repetitions"); do
  k=0
  for shape in $shapes; do
    k=$((k + 1))
    # Named so that sorting them gives rounds, then shapes in listed order.
    out="$(printf '%s/frsim-%04d-%04d.json' "$work" "$round" "$k")"
    "${pin[@]}" build/release/frsim_bench \
      --benchmark_filter="^(frsim|frsim_cutoff|calculus|fair_floor|floor)/${shape}(/|\$)" \
      --benchmark_out="$out" --benchmark_out_format=json >/dev/null
    if [ "$node_status" = ok ]; then
      node_out="$(printf '%s/node-%04d-%04d.json' "$work" "$round" "$k")"
      if ! "${pin[@]}" node --expose-gc bench/node/bench.mjs --repetitions 1 --filter "^${shape}\$" \
          >"$node_out"; then
        node_status="bench/node/bench.mjs failed on $shape (exit status $?); see its output above"
      fi
    fi
  done
done

# ---- the harness's own throughput: one repetition (figures, not a contest) --
harness_filter='^(BM_SimChat|BM_explore_dfs|BM_explore_reduction|BM_explore_random_walk|BM_Harness)'
harness_command="frsim_bench --benchmark_filter='$harness_filter' --benchmark_repetitions=1"
echo "bench: harness suites (filter $harness_filter, CPU $pinned)" >&2
if "${pin[@]}" build/release/frsim_bench \
    --benchmark_filter="$harness_filter" \
    --benchmark_out="$work/harness.json" --benchmark_out_format=json \
    --benchmark_repetitions=1 >/dev/null; then
  harness_args=(--harness "$work/harness.json" --harness-command "$harness_command")
else
  harness_args=(--harness-missing "frsim_bench failed on the harness suites (exit status $?)")
fi

# ---- the CRDT suite, and against an older core right after ------------------
# Both with glibc's heap trimming off: every join frees a state of up to
# hundreds of kB that the next allocates again, and glibc would hand the top
# of the heap back to the kernel (brk, TLB flush) on every iteration of the
# timed loop, measuring the allocator instead of the join. For the same
# reason no buffer is mmapped: a single buffer above glibc's mmap threshold
# (128 kB: the 20k Values of a sorted-vector union, an EwFlag of 10k dots)
# would be mapped and page-faulted in again on every iteration. The baseline's
# builds stop at n = 10k: an O(n^2) core takes minutes at 100k.
crdt_tunables="glibc.malloc.trim_threshold=1073741824:glibc.malloc.mmap_threshold=1073741824"
crdt_filter='^BM_(Merge|MergeDecoded|MergeDelta|Build|Bytes)_'
echo "bench: CRDT suite (filter $crdt_filter, CPU $pinned)" >&2
crdt_args=()
if GLIBC_TUNABLES="$crdt_tunables" "${pin[@]}" build/release/frsim_bench \
    --benchmark_filter="$crdt_filter" \
    --benchmark_out="$work/crdt.json" --benchmark_out_format=json \
    --benchmark_repetitions=1 >/dev/null; then
  crdt_args=(--crdt "$work/crdt.json")
fi
if [ -n "$crdt_baseline" ]; then
  bench/crdt_baseline.sh "$crdt_baseline" "$work/crdt_baseline"
  echo "bench: CRDT suite against $crdt_baseline's core (CPU $pinned)" >&2
  if GLIBC_TUNABLES="$crdt_tunables" "${pin[@]}" "$work/crdt_baseline" \
      --benchmark_filter='^BM_(Merge|MergeDecoded|MergeDelta)_|^BM_Build_.*/(1000|10000)$' \
      --benchmark_out="$work/crdt_baseline.json" --benchmark_out_format=json \
      --benchmark_repetitions=1 >/dev/null; then
    crdt_args+=(--crdt-baseline "$work/crdt_baseline.json" --crdt-baseline-label "$crdt_baseline")
  fi
fi

# ---- the Node peers: measured in the rounds above -----------------------------
if [ "$node_status" = ok ]; then
  node_args=(--node "$work"/node-*.json)
else
  node_args=(--node-missing "$node_status")
fi

# ---- merge --------------------------------------------------------------------
cpu="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)"
python3 bench/merge_results.py \
  --frsim "$work"/frsim-*.json "${node_args[@]}" "${harness_args[@]}" "${crdt_args[@]}" \
  --cpu "${cpu:-unknown}" --cores "$(nproc)" --date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  --pinned "$pinned" --repetitions "$repetitions" --command "$command_line" \
  --out-json bench/results/latest.json --out-md bench/results/latest.md
cat bench/results/latest.md
