#!/usr/bin/env bash
# Installs what is missing (Chromium too: the report tests drive report.html
# in it headlessly), builds, and runs the whole test suite.
#   scripts/test.sh            the release preset
#   scripts/test.sh asan       the same under ASan + UBSan
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
case "$preset" in release|debug|asan) ;; *) echo "test.sh: unknown preset '$preset' (release, debug, asan)" >&2; exit 2 ;; esac
scripts/bootstrap.sh --with-chromium
launcher=()
if command -v ccache >/dev/null 2>&1; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake --preset "$preset" "${launcher[@]}" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"
ctest --preset "$preset"
