#!/bin/sh
# V4L2 conformance of sunxi-tvcap on its simulated block: Debian sid's
# v4l2-compliance (scripts/vm puts the guest architecture's build in every
# guest) with streaming (-s), 0 failures and 0 warnings required, the DV
# timings and event tests run (not "Not Supported"). Exits 77 (a counted
# SKIP) only when the guest has no v4l2-compliance.
SIM=/sys/kernel/debug/hy300-tvcap-sim
fail() { echo "v4l2-compliance: FAIL: $*"; exit 1; }
if ! command -v v4l2-compliance >/dev/null; then
	echo "SKIP v4l2-compliance is not in this guest"
	exit 77
fi
# shellcheck source=tests/vm/lib/tvcap.sh
. /lib/hy300/tvcap.sh
VIDEO=$(tvcap_video)
[ -c "$VIDEO" ] || fail "no sunxi-tvcap video device"
echo 1 >$SIM/connected || fail "cannot connect the simulated source"
usleep 200000
status=0
v4l2-compliance -d "$VIDEO" -s 10 >/tmp/compliance.txt 2>&1 || status=$?
head -n 1 /tmp/compliance.txt | sed 's/^/v4l2-compliance: /'
grep -E '^(Total|Grand Total)' /tmp/compliance.txt | sed 's/^/v4l2-compliance: /'
grep -E '^\s*(fail|warn):' /tmp/compliance.txt | head -n 20 | sed 's/^/v4l2-compliance: /'
# The receiver's parts are exercised, not skipped as unsupported.
for t in 'VIDIOC_ENUM/G/S/QUERY_DV_TIMINGS' 'VIDIOC_DV_TIMINGS_CAP' 'VIDIOC_(UN)SUBSCRIBE_EVENT/DQEVENT'; do
	grep -F "test $t: OK" /tmp/compliance.txt | sed 's/^\s*/v4l2-compliance: /'
	grep -qxF "	test $t: OK" /tmp/compliance.txt || fail "$t: $(grep -F "test $t:" /tmp/compliance.txt)"
done
grep -qE '^Total for .*Failed: 0, Warnings: 0$' /tmp/compliance.txt || fail "failures or warnings (exit status $status)"
[ "$status" -eq 0 ] || fail "exit status $status"
# Every buffer v4l2-compliance asked for must have fitted in the CMA pool
# (scripts/vm sizes it): a failed allocation makes its results depend on
# memory state, and a pass would be luck.
if dmesg | grep -q 'cma: .*alloc failed'; then
	dmesg | grep 'cma: .*alloc failed' | tail -n 3 | sed 's/^/v4l2-compliance: /'
	fail "CMA allocations failed during the run: the guest's cma= pool is too small for the queue"
fi
echo "v4l2-compliance: ok"
