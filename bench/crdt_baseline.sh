#!/usr/bin/env bash
# Builds this tree's CRDT suite (bench/crdt_bench.cpp) against the core of
# another revision, so that scripts/bench.sh --crdt-baseline REV can run the
# same benchmarks on both cores in one run and report them side by side:
#
#   bench/crdt_baseline.sh REV OUTPUT
#
# Only core/value, core/bytes and core/crdt of REV are compiled (g++ -O3
# -DNDEBUG, as the release preset), with the suite and the allocation counter
# of this tree; the suite uses only the lattices' public API, which both
# sides share.
set -euo pipefail

rev="${1:?usage: bench/crdt_baseline.sh REV OUTPUT}"
output="${2:?usage: bench/crdt_baseline.sh REV OUTPUT}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! git -C "$root" rev-parse --verify --quiet "$rev^{commit}" >/dev/null; then
  echo "crdt_baseline.sh: '$rev' is not a revision of $root" >&2
  exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git -C "$root" archive "$rev" core | tar -x -C "$work"
mkdir -p "$work/bench"
cp "$root/bench/crdt_bench.cpp" "$root/bench/allocation_counter.cpp" "$root/bench/allocation_counter.hpp" "$work/bench/"

compiler=(g++)
command -v ccache >/dev/null 2>&1 && compiler=(ccache g++)
objects=()
for source in "$work"/core/value.cpp "$work"/core/bytes.cpp "$work"/core/crdt/*.cpp \
              "$work"/bench/allocation_counter.cpp "$work"/bench/crdt_bench.cpp; do
  object="$work/$(basename "$(dirname "$source")")_$(basename "$source" .cpp).o"
  "${compiler[@]}" -std=c++20 -O3 -DNDEBUG -I"$work" -c "$source" -o "$object"
  objects+=("$object")
done
g++ "${objects[@]}" -lbenchmark -lbenchmark_main -lpthread -o "$output"
echo "crdt_baseline.sh: $output (CRDT suite against core of $(git -C "$root" rev-parse --short "$rev"))" >&2
