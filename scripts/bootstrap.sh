#!/usr/bin/env bash
# Installs, only when missing, every Debian package frsim's build, tests and
# benchmarks need. Idempotent: a second run installs nothing.
#
#   scripts/bootstrap.sh               build + test dependencies
#   scripts/bootstrap.sh --with-chromium   also Chromium (report rendering test)
#   scripts/bootstrap.sh --with-node       also Node.js + npm (peer benchmarks)
#   scripts/bootstrap.sh --all             everything above
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  clang libclang-rt-14-dev          # libFuzzer target for the trace reader
  libboost-graph-dev                # graph validation, levels, cycles, DOT
  librapidcheck-dev                 # property tests and generators
  libgtest-dev libgmock-dev googletest
  libbenchmark-dev                  # Google Benchmark
  libcli11-dev                      # command line
  nlohmann-json3-dev                # traces and reports
  libfmt-dev
  graphviz                          # dataflow graph SVG in reports (optional at run time)
  libxml2-utils                     # xmllint: tests validate junit.xml against tests/reports/junit.xsd
)

for arg in "$@"; do
  case "$arg" in
    --with-chromium) packages+=(chromium) ;;
    --with-node) packages+=(nodejs npm) ;;
    --all) packages+=(chromium nodejs npm) ;;
    *) echo "bootstrap.sh: unknown option '$arg' (known: --with-chromium --with-node --all)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "bootstrap: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "bootstrap: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
