#!/usr/bin/env bash
# The host's reading of a guest console (scripts/vm console), on a saved
# console where a flood of kernel records broke the guest's lines: the
# kernel prints a record wherever the cursor is, so a test's marker came as
# "===HY300-TEST-BE[    3.221935] sunxi_tvcap: ..." and the test was
# reported "never started" though it ran and passed (seen under the mutant
# help-line-dropped). Checks: the guest's verdict, the test's log, status
# and kernel log window are found, the test passes its verdict, and every
# kernel record is a line of its own in console.txt.
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"
cd "$HY300_ROOT"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "vm-console: FAIL: $*"; exit 1; }
cp tests/vm-console/interleaved.log "$out/console.log"
status=0
scripts/vm console "$out" || status=$?
[ "$status" -eq 0 ] || fail "scripts/vm console exited $status, expected 0 (the guest passed)"
scripts/guest-verdict test "$out" metrics-idle || fail "metrics-idle's verdict failed on an interleaved console"
# The kernel's records while a test ran stay in its log, as lines of their
# own; the guest's line is whole.
[ -f "$out/tests/metrics-idle.log" ] || fail "no metrics-idle.log"
got=$(grep -vE '^\[ *[0-9]+\.[0-9]{6}\] ' "$out/tests/metrics-idle.log") || fail "metrics-idle.log holds no guest line"
[ "$got" = "metrics-idle: every file read" ] || fail "metrics-idle.log's guest lines are '$got', expected 'metrics-idle: every file read'"
for n in 1 2 3 4 5 6 7; do
	grep -qx "\[    3\.[0-9]*\] sunxi_tvcap: flood $n" "$out/console.txt" ||
		fail "kernel record 'flood $n' is not a line of its own in console.txt"
done
if grep -E '.\[ *[0-9]+\.[0-9]{6}\] ' "$out/console.txt"; then
	fail "a kernel record is still inside a guest line in console.txt"
fi
echo "vm-console: guest lines put back together around 7 kernel records; metrics-idle found and judged"
