#!/bin/sh
# replay_case.sh FRSIM DIR MUTANT SEED: `frsim pbt --mutant MUTANT` finds a
# failure and prints `replay: frsim replay FILE`; that command, run as
# printed, exits 1 with the same violated property (and so does the alias
# `frsim pbt --replay FILE`); the case file, corrupted, diverging or
# truncated, makes `frsim replay` exit 2 with one line on stderr.
frsim=$1
dir=$2
mutant=$3
seed=$4
mkdir -p "$dir"
case_file="$dir/$mutant.json"
fail() { echo "FAIL: $*"; exit 1; }

found=$("$frsim" pbt --cases 1000 --max-size 16 --seed "$seed" --mutant "$mutant" -o "$case_file")
status=$?
echo "$found"
[ "$status" -eq 1 ] || fail "frsim pbt exited $status, expected 1"
property=$(echo "$found" | grep '^violated: ')
[ -n "$property" ] || fail "frsim pbt names no violated property"
replay_line=$(echo "$found" | grep '^replay: ')
[ "$replay_line" = "replay: frsim replay $case_file" ] || fail "replay line is '$replay_line'"

# Run the printed command, with this build's binary.
set -- ${replay_line#replay: frsim }
replayed=$("$frsim" "$@")
status=$?
[ "$status" -eq 1 ] || fail "frsim replay exited $status, expected 1"
echo "$replayed" | grep -qxF "$property" || fail "frsim replay does not report '$property'"
aliased=$("$frsim" pbt --replay "$case_file")
status=$?
[ "$status" -eq 1 ] || fail "frsim pbt --replay exited $status, expected 1"
echo "$aliased" | grep -qxF "$property" || fail "frsim pbt --replay does not report '$property'"

expect_bad() {  # FILE WHAT: exit 2, exactly one line on stderr
  err=$("$frsim" replay "$1" 2>&1 >/dev/null)
  status=$?
  echo "$2: $err"
  [ "$status" -eq 2 ] || fail "$2: frsim replay exited $status, expected 2"
  [ "$(echo "$err" | wc -l)" -eq 1 ] || fail "$2: more than one line on stderr"
}
# An unknown node kind (the first node's).
sed '0,/"kind": "[a-z_]*"/s//"kind": "teleport"/' "$case_file" >"$dir/$mutant.kind.json"
grep -q teleport "$dir/$mutant.kind.json" || fail "corruption did not apply"
expect_bad "$dir/$mutant.kind.json" "unknown node kind"
# A node that reads itself: every node's inputs must be earlier nodes.
sed 's/"inputs": \[\]/"inputs": [0]/' "$case_file" >"$dir/$mutant.cycle.json"
expect_bad "$dir/$mutant.cycle.json" "a node reading itself"
# Another event hash: the replay diverges.
sed 's/"event_hash": "[0-9a-f]*"/"event_hash": "0123456789abcdef"/' "$case_file" >"$dir/$mutant.hash.json"
grep -q 0123456789abcdef "$dir/$mutant.hash.json" || fail "the case file has no event hash"
expect_bad "$dir/$mutant.hash.json" "diverging"
# Cut off in the middle.
head -c 120 "$case_file" >"$dir/$mutant.truncated.json"
expect_bad "$dir/$mutant.truncated.json" "truncated"
echo "ok: $property"
