#!/usr/bin/env bash
# The installed package, used as a user would (issue 7, "Library"): installs
# this build tree into a fresh prefix, then configures, builds and runs the
# external project in external/ against it with find_package(frsim).
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
for file in CMakeLists.txt thermostat_test.cpp; do
  if [[ "$readme" != *"$(cat "$here/external/$file")"* ]]; then
    echo "package_test: README.md does not show tests/package/external/$file verbatim"
    exit 1
  fi
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"

cmake --install "$build" --prefix "$prefix" >"$work/install.log" || { cat "$work/install.log"; exit 1; }
for file in include/frsim/core/value.hpp include/frsim/checker/gtest_support.hpp \
            include/frsim/scenarios/list.inc lib/cmake/frsim/frsimConfig.cmake bin/frsim; do
  [ -e "$prefix/$file" ] || { echo "package_test: $file was not installed"; exit 1; }
done

configure=(-S "$here/external" -B "$work/build" -DCMAKE_PREFIX_PATH="$prefix"
           -DCMAKE_CXX_COMPILER="$compiler" -DCMAKE_BUILD_TYPE="$build_type")
[ -n "$launcher" ] && configure+=(-DCMAKE_CXX_COMPILER_LAUNCHER="$launcher")
cmake "${configure[@]}" >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" -j 2
"$work/build/thermostat_test"
