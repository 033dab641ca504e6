#!/bin/sh
# expect_exit.sh STATUS COMMAND...: passes iff COMMAND exits with STATUS and
# writes exactly one line to stderr.
expected=$1
shift
err=$(mktemp)
"$@" >/dev/null 2>"$err"
status=$?
lines=$(wc -l <"$err")
cat "$err"
rm -f "$err"
if [ "$status" -ne "$expected" ]; then echo "exit status $status, expected $expected"; exit 1; fi
if [ "$lines" -ne 1 ]; then echo "$lines lines on stderr, expected 1"; exit 1; fi
exit 0
