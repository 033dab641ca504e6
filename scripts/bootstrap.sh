#!/usr/bin/env bash
# Installs, only when missing, every Debian package frsim's build, tests and
# benchmarks need. Idempotent: a second run installs nothing.
#
#   scripts/bootstrap.sh               build dependencies and most test ones
#   scripts/bootstrap.sh --with-chromium   also Chromium: the report tests drive
#                                          report.html's state explorer in it
#                                          (scripts/test.sh asks for it)
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

want_node=0
for arg in "$@"; do
  case "$arg" in
    --with-chromium) packages+=(chromium) ;;  # Debian's; test_reports_chromium fails without it
    --with-node) want_node=1 ;;
    --all) packages+=(chromium); want_node=1 ;;
    *) echo "bootstrap.sh: unknown option '$arg' (known: --with-chromium --with-node --all)" >&2; exit 2 ;;
  esac
done

# Node.js may come from another Debian-compatible source (the machine image
# ships NodeSource's nodejs, which bundles npm and conflicts with Debian's npm
# package): ask for the commands, not for particular packages.
if [ "$want_node" -eq 1 ]; then
  command -v node >/dev/null 2>&1 || packages+=(nodejs)
  command -v npm >/dev/null 2>&1 || packages+=(npm)
fi

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
