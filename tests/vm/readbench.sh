#!/bin/sh
# Guest half of scripts/bench: the in-kernel render time of each device
# file (logged by the drivers' KUnit benchmark cases when the modules were
# loaded: ktime around the show path's body, no syscall), then RUNS runs of
# N open+read+close of each full metrics file and of the one-value files
# motor/position and cpu/online, interleaved in each run.
fail() { echo "readbench: FAIL: $*"; exit 1; }
log=$(dmesg) || fail "dmesg failed"
lines=$(echo "$log" | grep 'hy300-bench: ') || fail "no hy300-bench line in the kernel log (KUnit off?)"
echo "$lines" | sed 's/^.*hy300-bench: /render: /'
run=1
while [ "$run" -le "${READBENCH_RUNS:-5}" ]; do
	echo "run $run"
	readbench "${READBENCH_N:-2000}" /sys/class/hy300/motor/metrics /sys/class/hy300/mips/metrics \
		/sys/class/hy300/tvcap/metrics /sys/class/hy300/motor/position_status \
		/sys/class/hy300/motor/position /sys/devices/system/cpu/online || fail "readbench failed"
	run=$((run + 1))
done
