#!/usr/bin/env bash
# Runs every case of inputs.txt against frsim and checks its exit status and
# messages (see inputs.txt for the format). Prints one Markdown table row per
# case (input, exit status, the message a user sees) to TABLE_OUT, and every
# failed check on stderr; exits 1 if any check failed.
#
#   inputs.sh FRSIM INPUTS_TXT DATA_DIR TABLE_OUT
set -uo pipefail
frsim="$1"
cases="$2"
DATA="$3"
table_out="$4"

T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT

# ---- fixtures the cases name --------------------------------------------------
"$frsim" explore bug-local-fold --strategy bfs --quiet --out "$T/bug" >/dev/null
"$frsim" explore chat --strategy bfs --max-states 20 --quiet --out "$T/chat" >/dev/null
"$frsim" explore counter --strategy swarm --max-schedules 5 --quiet --out "$T/swarm" >/dev/null
"$frsim" run counter --seed 1 --trace-out "$T/pass.json" >/dev/null
: >"$T/empty.json"
: >"$T/file"
mkdir -p "$T/foreign" "$T/notreport"
echo "someone else's" >"$T/foreign/notes.txt"
echo '{"format": "something-else"}' >"$T/notreport/report.json"
for f in "$T/bug/counterexample.json" "$T/chat/report.json" "$T/swarm/report.json" "$T/pass.json"; do
  [ -f "$f" ] || { echo "inputs.sh: fixture $f was not made" >&2; exit 1; }
done

# Starts frsim ARGS in the background, waits for its report folder (the
# argument after --out) to exist, lets it explore a moment and sends SIGNAL.
signal_run() {
  local signal="$1" out="" previous=""
  shift
  for word in "$@"; do
    [ "$previous" = "--out" ] && out="$word"
    previous="$word"
  done
  "$frsim" "$@" >"$T/stdout" 2>"$T/stderr" &
  local pid=$!
  for _ in $(seq 1 600); do
    [ -d "$out" ] && break
    sleep 0.1
  done
  sleep 1
  kill "-$signal" "$pid"
  wait "$pid"
}

failures=0
count=0
fail() {
  echo "FAIL [$1]: $2" >&2
  failures=$((failures + 1))
}

{
  echo "| # | input | exit | what the user sees |"
  echo "|---|---|---|---|"
} >"$table_out"

while IFS=$'\t' read -r expected out_regex err_regex args; do
  case "$expected" in ''|'#'*) continue ;; esac
  count=$((count + 1))
  shown="frsim ${args}"
  signal=""
  if [[ "$args" == @INT* || "$args" == @TERM* ]]; then
    signal="${args%% *}"
    signal="${signal#@}"
    args="${args#* }"
    shown="frsim ${args}, then SIG${signal}"
  fi
  eval "set -- $args"
  if [ -n "$signal" ]; then
    signal_run "$signal" "$@"
    status=$?
  else
    timeout 300 "$frsim" "$@" >"$T/stdout" 2>"$T/stderr"
    status=$?
  fi
  stderr_lines=$(wc -l <"$T/stderr")
  if [ "$status" -ne "$expected" ]; then
    fail "$shown" "exit status $status, expected $expected; stderr: $(head -c 400 "$T/stderr")"
  fi
  if [ "$status" -ge 128 ] && [ "$status" -ne 130 ] && [ "$status" -ne 143 ]; then
    fail "$shown" "ended by signal $((status - 128))"
  fi
  if [ "$expected" -eq 2 ] && [ "$stderr_lines" -ne 1 ]; then
    fail "$shown" "$stderr_lines lines on stderr, expected exactly 1: $(head -c 400 "$T/stderr")"
  fi
  if [ "$err_regex" != "-" ] && ! grep -Eq -- "$err_regex" "$T/stderr"; then
    fail "$shown" "stderr does not match /$err_regex/: $(head -c 400 "$T/stderr")"
  fi
  if [ "$out_regex" != "-" ] && ! grep -Eq -- "$out_regex" "$T/stdout"; then
    fail "$shown" "stdout does not match /$out_regex/: $(tail -c 400 "$T/stdout")"
  fi
  # What the user sees: the one line on stderr, else the line of stdout the case checks.
  message="$(head -n 1 "$T/stderr")"
  if [ -z "$message" ] && [ "$out_regex" != "-" ]; then message="$(grep -Em 1 -- "$out_regex" "$T/stdout")"; fi
  [ -z "$message" ] && message="$(tail -n 1 "$T/stdout")"
  shown="${shown//$T/\$T}"
  shown="${shown//$DATA/\$DATA}"
  message="${message//$T/\$T}"
  printf '| %d | `%s` | %d | %s |\n' "$count" "${shown//|/\\|}" "$status" "${message//|/\\|}" >>"$table_out"
done <"$cases"

echo "inputs.sh: $count cases, $failures failed checks; table: $table_out"
[ "$failures" -eq 0 ]
