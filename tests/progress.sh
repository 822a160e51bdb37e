#!/usr/bin/env bash
# with_progress (scripts/lib.sh), which the kernel build and the guest runs
# use: while the command runs, a line every HY300_PROGRESS_INTERVAL seconds
# with the label, the elapsed time and the phase; the command's status is
# returned; no line for a command shorter than the interval.
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
phase() { echo "phase $(date +%s)"; }
slow() { sleep 5.5; }
HY300_PROGRESS_INTERVAL=1 with_progress "demo build" phase slow 2>"$out"
n=$(grep -cE '^\[hy300\] demo build: 0m0[1-9]s elapsed, phase [0-9]+$' "$out") || n=0
[ "$n" -ge 3 ] || { echo "progress: $n lines in 5.5 s at a 1 s interval:"; cat "$out"; exit 1; }
[ "$(wc -l <"$out")" -eq "$n" ] || { echo "progress: unexpected output:"; cat "$out"; exit 1; }
echo "progress: $n lines in 5.5 s (interval 1 s): $(tail -n 1 "$out")"
status=0
HY300_PROGRESS_INTERVAL=1 with_progress "demo" : false 2>"$out" || status=$?
[ "$status" -eq 1 ] || { echo "progress: status $status, not the command's 1"; exit 1; }
[ ! -s "$out" ] || { echo "progress: a line for a command shorter than the interval:"; cat "$out"; exit 1; }
echo "progress: the command's status is returned; no line for a short command"
