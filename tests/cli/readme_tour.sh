#!/usr/bin/env bash
# README.md's five-minute tour says it is real output; this keeps it so. Every
# `$ frsim …` command of the tour's blocks runs, in order, in a scratch folder
# (later commands read what earlier ones wrote), and every line the README
# shows under it must appear in its output in the same order (a line `…` is a
# cut); `$ echo $?` and the line under it give the exit status. Elapsed times
# (`0.0s`) are masked everywhere, and every number in the output of a
# time-budgeted run (`--time-limit`), whose counts depend on the machine;
# runs of spaces count as one.
#
#   readme_tour.sh FRSIM README_MD
set -uo pipefail
frsim="$(realpath "$1")"
readme="$(realpath "$2")"

T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1

failures=0
differing=0  # commands with at least one failure
fail() {
  echo "readme_tour: $*" >&2
  failures=$((failures + 1))
}

# stdbuf works by LD_PRELOAD, which a sanitizer build's runtime refuses to
# follow unless told that the order does not matter here.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

# The tour: from its heading to the next level-2 heading.
sed -n '/^## A five-minute tour/,/^## /p' "$readme" >"$T/tour.md"
[ -s "$T/tour.md" ] || { echo "readme_tour: no '## A five-minute tour' section in $readme" >&2; exit 1; }

normalize() {  # normalize MASK_ALL_NUMBERS < text
  if [ "$1" = yes ]; then
    sed -E 's/[0-9]+(\.[0-9]+)?/#/g; s/ +/ /g; s/ +$//'
  else
    sed -E 's/[0-9]+\.[0-9]+s\b/#s/g; s/ +/ /g; s/ +$//'
  fi
}

commands=0
# Runs the pending command and checks its expected lines (in $T/expected).
check() {
  [ -n "$command" ] || return 0
  commands=$((commands + 1))
  local mask=no before=$failures
  case "$command" in *--time-limit*) mask=yes ;; esac
  # Line-buffered, so stdout and stderr interleave as on a terminal.
  eval "stdbuf -oL -eL \"\$frsim\" ${command#frsim }" >"$T/output" 2>&1
  status=$?
  normalize "$mask" <"$T/output" >"$T/got"
  local at=0 line n
  while IFS= read -r line; do
    [ "$line" = "…" ] && continue
    line="$(printf '%s\n' "$line" | normalize "$mask")"
    # The first occurrence at or after the previous match.
    n="$(tail -n +"$((at + 1))" "$T/got" | grep -n -x -F -m1 -- "$line" | cut -d: -f1)"
    if [ -z "$n" ]; then
      fail "\`$command\`: README shows a line the output does not have (in this order):"
      echo "    README: $line" >&2
      echo "    output was:" >&2
      sed 's/^/      /' "$T/output" >&2
      break
    fi
    at=$((at + n))
  done <"$T/expected"
  if [ -n "$expected_status" ] && [ "$expected_status" != "$status" ]; then
    fail "\`$command\`: README says exit status $expected_status, it was $status"
  fi
  [ "$failures" -eq "$before" ] || differing=$((differing + 1))
  command=""
  expected_status=""
}

command=""
expected_status=""
in_block=no
want_status=no
while IFS= read -r line; do
  if [[ "$line" == '```'* ]]; then
    if [ "$in_block" = yes ]; then check; in_block=no; else in_block=yes; fi
    continue
  fi
  [ "$in_block" = yes ] || continue
  if [ "$want_status" = yes ]; then
    expected_status="$line"
    want_status=no
  elif [ "$line" = '$ echo $?' ]; then
    want_status=yes
  elif [[ "$line" == '$ frsim'* ]]; then
    check
    command="${line#\$ }"
    : >"$T/expected"
  elif [ -n "$command" ]; then
    printf '%s\n' "$line" >>"$T/expected"
  fi
done <"$T/tour.md"
check

[ "$commands" -ge 5 ] || fail "only $commands commands found in the tour (the parser no longer reads it)"
if [ "$failures" -gt 0 ]; then
  echo "readme_tour: $differing of $commands tour commands differ from README.md" >&2
  exit 1
fi
echo "readme_tour: all $commands tour commands print what README.md shows"
