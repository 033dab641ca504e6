#!/usr/bin/env bash
# Installs what is missing, builds Release, and runs the main job:
# `frsim explore chat` with its built-in default campaign. Extra arguments go to
# frsim explore (for example: scripts/main.sh --strategy random --seed 7).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
launcher=()
if command -v ccache >/dev/null 2>&1; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake --preset release "${launcher[@]}" >/dev/null
cmake --build --preset release -j "$(nproc)"
exec build/release/frsim explore chat "$@"
