#!/usr/bin/env bash
# The installed package, used as a user would (issue 7, "Library"; issue 16,
# "your scenarios, our command line"): installs this build tree into a fresh
# prefix, then configures, builds and runs the external project in external/
# against it with find_package(frsim): its GoogleTest, and its own frsim
# (thermostat-frsim, frsim::cli::run over its scenario) driven through
# explore, the report folder, replay and shrink.
#
#   package_test.sh BUILD_DIR CXX_COMPILER BUILD_TYPE [LAUNCHER]
#
# Exit 77 (ctest: skipped) when BUILD_DIR has no install rules (configured
# with -DFRSIM_INSTALL=OFF). Downloads nothing.
set -euo pipefail
build="$1"
compiler="$2"
build_type="${3:-Release}"
launcher="${4:-}"
here="$(cd "$(dirname "$0")" && pwd)"

if [ ! -f "$build/frsimConfig.cmake" ]; then
  echo "package_test: skipped, $build was configured without install rules (FRSIM_INSTALL=OFF)"
  exit 77
fi

# README.md's "Writing your own scenario" shows this very project: keep it so.
readme="$(cat "$here/../../README.md")"
for file in CMakeLists.txt thermostat.hpp thermostat_test.cpp thermostat_frsim.cpp; do
  if [[ "$readme" != *"$(cat "$here/external/$file")"* ]]; then
    echo "package_test: README.md does not show tests/package/external/$file verbatim"
    exit 1
  fi
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"

cmake --install "$build" --prefix "$prefix" >"$work/install.log" || { cat "$work/install.log"; exit 1; }
for file in include/frsim/core/value.hpp include/frsim/checker/gtest_support.hpp include/frsim/cli/cli.hpp \
            include/frsim/reports/report.hpp include/frsim/scenarios/list.inc lib/cmake/frsim/frsimConfig.cmake \
            bin/frsim; do
  [ -e "$prefix/$file" ] || { echo "package_test: $file was not installed"; exit 1; }
done

configure=(-S "$here/external" -B "$work/build" -DCMAKE_PREFIX_PATH="$prefix"
           -DCMAKE_CXX_COMPILER="$compiler" -DCMAKE_BUILD_TYPE="$build_type")
[ -n "$launcher" ] && configure+=(-DCMAKE_CXX_COMPILER_LAUNCHER="$launcher")
cmake "${configure[@]}" >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" -j 2
"$work/build/thermostat_test"

# ---- the user's own frsim ------------------------------------------------------
tf="$work/build/thermostat-frsim"
expect() {  # expect STATUS COMMAND...: COMMAND must exit with STATUS
  local expected="$1" status=0
  shift
  "$@" >"$work/out.log" 2>&1 || status=$?
  if [ "$status" -ne "$expected" ]; then
    echo "package_test: '$*' exited $status, expected $expected:"
    cat "$work/out.log"
    exit 1
  fi
}
contains() {  # contains FILE TEXT
  grep -qF -- "$2" "$1" || { echo "package_test: $1 does not contain '$2':"; head -c 2000 "$1"; exit 1; }
}
expect 0 "$tf" --version
contains "$work/out.log" "thermostat-frsim: frsim 0.1.0 (commit "
expect 0 "$tf" list
contains "$work/out.log" "thermostat  a reading, its Fahrenheit display"
# The default campaign, as `frsim explore` runs it: complete, every property holds.
(cd "$work" && expect 0 "$tf" explore thermostat --quiet)
for file in report.json report.html junit.xml; do
  [ -f "$work/frsim-out/thermostat/$file" ] || { echo "package_test: frsim-out/thermostat/$file was not written"; exit 1; }
done
contains "$work/frsim-out/thermostat/report.json" '"verdict": "holds"'
contains "$work/frsim-out/thermostat/report.json" '"command_line": ['
# A broken engine: a violation, its counterexample replays and shrinks through the user's binary.
expect 1 "$tf" explore thermostat --mutant mutant-snapshot-no-folds --strategy bfs --quiet --out "$work/broken"
contains "$work/broken/report.json" '"verdict": "violated"'
contains "$work/broken/report.json" "\"replay\": \"thermostat-frsim replay $work/broken/counterexample.json\""
contains "$work/broken/report.html" 'class="explorer" id="explorer-1" data-states="1"'
expect 1 "$tf" replay "$work/broken/counterexample.json"
contains "$work/out.log" "violated: "
expect 0 "$tf" shrink "$work/broken/counterexample.json" -o "$work/shrunk.json"
expect 1 "$tf" replay "$work/shrunk.json"
# A trace of a scenario this program does not have is bad input, one line.
expect 0 "$build/frsim" run counter --seed 1 --trace-out "$work/counter.json"
expect 2 "$tf" replay "$work/counter.json"
contains "$work/out.log" "unknown scenario 'counter' (known: thermostat)"
echo "package_test: thermostat_test and thermostat-frsim (explore, report, replay, shrink) passed"
