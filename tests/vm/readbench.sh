#!/bin/sh
# Guest half of scripts/bench: the in-kernel render time of each device
# file (logged by the drivers' KUnit benchmark cases when the modules were
# loaded: ktime around the show path's body, no syscall), then RUNS runs of
# N open+read+close of each device's metrics file and its platform
# device's modalias, the motor's position_status and every one-value file
# (the motor's: no other device has one), and
# cpu/online, interleaved in each run. Where the time of a metrics read
# goes (issue 27): the floor of a sysfs read of that size (a file of the
# test board whose show is one copy of a static page: what the bytes
# cost), each metrics page rendered by the hand-written floor and by our
# writer (files of the test board: what rendering it costs at the least,
# and the writer's share), the class device's and the platform device's
# own uevent (the kernel's, two directory levels apart: path cost), and
# kernel files of about the metrics files' size (/proc/zoneinfo,
# /proc/vmstat).
fail() { echo "readbench: FAIL: $*"; exit 1; }
log=$(dmesg) || fail "dmesg failed"
lines=$(echo "$log" | grep 'hy300-bench: ') || fail "no hy300-bench line in the kernel log (KUnit off?)"
echo "$lines" | sed 's/^.*hy300-bench: /render: /'
# The kernel's own floor for each device: the modalias of the same platform
# device (a one-value file the driver core renders), read by its real path
# (no symlink), as are our files (the class device under the platform
# device). "path:" lines name each real path for scripts/bench.
# After them, the device's metrics page as the hand-written floor renders
# it (tests/sim/read_floor.rs: every value 0), read the same way: what
# rendering that page costs a read at the least; and the same page with
# the same values rendered by our writer and the driver's page.rs, from
# the test board: the writer's share of a read, apart from the driver's.
floor=/sys/devices/platform/hy300-read-floor
# The same files two directory levels deeper, as deep as the drivers'
# (a class device of the test board under its platform device).
deep=$floor/hy300-floor/read-floor
files=""
for dev in motor mips tvcap; do
	class=$(readlink -f "/sys/class/hy300/$dev") || fail "no /sys/class/hy300/$dev"
	pdev=$(readlink -f "/sys/class/hy300/$dev/device") || fail "$dev has no parent device"
	[ -r "$pdev/modalias" ] || fail "no $pdev/modalias"
	for f in "$floor/$dev" "$floor/${dev}_writer" "$deep/$dev"; do
		[ -r "$f" ] || fail "no $f (hy300_sim_board not loaded?)"
	done
	echo "path: $dev/metrics $class/metrics"
	echo "path: $dev/modalias $pdev/modalias"
	echo "path: floor/$dev $floor/$dev"
	echo "path: floor/${dev}_writer $floor/${dev}_writer"
	echo "path: deep-floor/$dev $deep/$dev"
	files="$files $class/metrics $pdev/modalias $floor/$dev $floor/${dev}_writer $deep/$dev"
	if [ "$dev" = motor ]; then
		echo "path: motor/position_status $class/position_status"
		echo "path: motor/position $class/position"
		echo "path: motor/homed $class/homed"
		echo "path: motor/max_position $class/max_position"
		echo "path: motor/accelerometer_type $class/accelerometer_type"
		files="$files $class/position_status $class/position $class/homed"
		files="$files $class/max_position $class/accelerometer_type"
		echo "path: motor/class-uevent $class/uevent"
		echo "path: motor/platform-uevent $pdev/uevent"
		files="$files $class/uevent $pdev/uevent"
	fi
done
# The floor of a read of that size (tests/sim/read_floor.rs): a file
# whose show is one copy of a static page smaller than every metrics page,
# and its own platform device's modalias.
[ -r "$floor/page" ] || fail "no $floor/page (hy300_sim_board not loaded?)"
[ -r "$floor/modalias" ] || fail "no $floor/modalias"
echo "path: floor/page $floor/page"
echo "path: floor/modalias $floor/modalias"
echo "path: deep-floor/page $deep/page"
files="$files $floor/page $floor/modalias $deep/page"
echo "path: cpu/online /sys/devices/system/cpu/online"
for f in zoneinfo vmstat; do
	[ -r "/proc/$f" ] || fail "no /proc/$f"
	echo "path: kernel/$f /proc/$f"
	files="$files /proc/$f"
done
run=1
while [ "$run" -le "${READBENCH_RUNS:-5}" ]; do
	echo "run $run"
	# shellcheck disable=SC2086 # the paths have no spaces (sysfs names)
	readbench "${READBENCH_N:-2000}" $files /sys/devices/system/cpu/online || fail "readbench failed"
	run=$((run + 1))
done
