#!/bin/sh
# V4L2 conformance of sunxi-tvcap on its simulated block: Debian sid's
# v4l2-compliance (scripts/vm puts the guest architecture's build in every
# guest) with streaming (-s) and streaming every format at every frame
# size (-f: the one size of the active DV timings), 0 failures and 0
# warnings required (any "warn:" line fails too), the DV
# timings and event tests run (not "Not Supported"). Exits 77 (a counted
# SKIP) only when the guest has no v4l2-compliance.
fail() { echo "v4l2-compliance: FAIL: $*"; exit 1; }
# shellcheck source=tests/vm/lib/tvcap.sh
. /lib/hy300/tvcap.sh
tvcap_client v4l2-compliance
# A frame with no buffer armed is dropped and skips a sequence number,
# which v4l2-compliance warns about: right for the driver, but a loaded
# TCG host can be slow to requeue at 30 fps. 10 fps leaves it the time.
fps=$(cat $SIM/fps) || fail "cannot read the simulated frame rate"
echo 10 >$SIM/fps || fail "cannot set the simulated frame rate"
usleep 200000
status=0
v4l2-compliance -d "$VIDEO" -s 10 -f >/tmp/compliance.txt 2>&1 || status=$?
head -n 1 /tmp/compliance.txt | sed 's/^/v4l2-compliance: /'
grep -E '^(Total|Grand Total)' /tmp/compliance.txt | sed 's/^/v4l2-compliance: /'
grep -E '(^|[[:space:]])(fail|warn):' /tmp/compliance.txt | head -n 20 | sed 's/^/v4l2-compliance: /'
# The receiver's parts are exercised, not skipped as unsupported.
for t in 'VIDIOC_ENUM/G/S/QUERY_DV_TIMINGS' 'VIDIOC_DV_TIMINGS_CAP' 'VIDIOC_(UN)SUBSCRIBE_EVENT/DQEVENT'; do
	grep -F "test $t: OK" /tmp/compliance.txt | sed 's/^\s*/v4l2-compliance: /'
	grep -qxF "	test $t: OK" /tmp/compliance.txt || fail "$t: $(grep -F "test $t:" /tmp/compliance.txt)"
done
echo "$fps" >$SIM/fps || fail "cannot restore the simulated frame rate"
grep -qE '^Total for .*Failed: 0, Warnings: 0$' /tmp/compliance.txt || fail "failures or warnings (exit status $status)"
! grep -qE '(^|[[:space:]])(fail|warn):' /tmp/compliance.txt || fail "a fail: or warn: line (exit status $status)"
# -f ran: each format streamed at the active size.
grep -E 'test MMAP for Format .*, Frame Size' /tmp/compliance.txt | sed 's/^\s*/v4l2-compliance: /'
for f in YUYV YU12 RGB3; do
	grep -qE "test MMAP for Format .*$f.*, Frame Size 1280x720:" /tmp/compliance.txt ||
		fail "-f did not stream $f at the active size 1280x720"
done
[ "$status" -eq 0 ] || fail "exit status $status"
# Every buffer v4l2-compliance asked for must have fitted in the CMA pool
# (scripts/vm sizes it): a failed allocation makes its results depend on
# memory state, and a pass would be luck.
if dmesg | grep -q 'cma: .*alloc failed'; then
	dmesg | grep 'cma: .*alloc failed' | tail -n 3 | sed 's/^/v4l2-compliance: /'
	fail "CMA allocations failed during the run: the guest's cma= pool is too small for the queue"
fi
echo "v4l2-compliance: ok"
