#!/usr/bin/env bash
# with_progress (scripts/lib.sh), which the kernel build and the guest runs
# use: while the command runs, a line every HY300_PROGRESS_INTERVAL seconds
# with the label, the elapsed time and the phase; the command's status is
# returned; no line for a command shorter than the interval. Then
# run_logged (below).
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

# run_logged (scripts/lib.sh), which every install and download of
# scripts/install-deps and scripts/kernel goes through: the progress line
# names the command's last output line; a failure shows the end of the
# command's output (its reason) and returns its status; the log is kept.
dir=$(mktemp -d)
trap 'rm -f "$out"; rm -rf "$dir"' EXIT
chatty() { for i in 1 2 3 4; do echo "fetching part $i"; sleep 1.2; done; }
HY300_PROGRESS_INTERVAL=1 run_logged "demo download" "$dir/ok.log" chatty 2>"$out"
grep -qE '^\[hy300\] demo download: 0m0[1-9]s elapsed, fetching part [1-4]$' "$out" ||
	{ echo "progress: run_logged's lines do not name the command's output:"; cat "$out"; exit 1; }
grep -qx 'fetching part 4' "$dir/ok.log" || { echo "progress: run_logged did not keep the output"; exit 1; }
echo "progress: run_logged: $(grep -c elapsed "$out") lines naming the command's output; the log is kept"
broken() { echo "E: Unable to locate package no-such-package" >&2; return 3; }
status=0
run_logged "demo install" "$dir/bad.log" broken 2>"$out" || status=$?
[ "$status" -eq 3 ] || { echo "progress: run_logged returned $status, not the command's 3"; exit 1; }
if ! grep -q 'demo install failed (exit 3)' "$out" || ! grep -q 'E: Unable to locate package no-such-package' "$out"; then
	echo "progress: a failing run_logged does not show why:"
	cat "$out"
	exit 1
fi
echo "progress: a failing run_logged shows the command's error output and returns its status"

# No install or download throws its output away.
if quiet=$(grep -nE '(apt-get (update|install|download)|cargo install|pip (install|download))[^#]*(>/dev/null|2>&1)' "$HY300_ROOT/scripts/install-deps" "$HY300_ROOT/scripts/kernel"); then
	echo "progress: installs or downloads with their output thrown away:"
	echo "$quiet"
	exit 1
fi
echo "progress: scripts/install-deps and scripts/kernel throw no install's or download's output away"
