#!/bin/sh
# Guest half of scripts/bench: N reads of each full metrics file and of a
# one-value sysfs file, interleaved in one run.
readbench "${READBENCH_N:-2000}" /sys/class/hy300/motor/metrics /sys/class/hy300/mips/metrics \
	/sys/class/hy300/tvcap/metrics /sys/class/hy300/motor/position_status /sys/devices/system/cpu/online
