#!/bin/sh
# Demo guest: show the loaded modules, drive the simulated hardware a little
# so the counters move, then cat every readable hy300 sysfs file.
echo "== modules"
grep -E '^(hy300|sunxi)' /proc/modules | cut -d' ' -f1
echo "== /sys/class/hy300"
ls -l /sys/class/hy300/

M=/sys/class/hy300/motor
if [ -d "$M" ]; then
	for SIM in /sys/devices/platform/gpio-sim.*/gpiochip*; do break; done
	echo "== motor: close the simulated limit switch, home, move to 150"
	echo pull-down >"$SIM/sim_gpio14/pull"
	echo 1 >"$M/home"
	while grep -q '^hy300_motor_moving 1' "$M/position_status"; do usleep 20000; done
	echo pull-up >"$SIM/sim_gpio14/pull"
	echo 150 >"$M/position"
	while grep -q '^hy300_motor_moving 1' "$M/position_status"; do usleep 20000; done
fi

for dev in /sys/class/hy300/*; do
	[ -d "$dev" ] || continue
	for f in "$dev"/*; do
		[ -f "$f" ] || continue
		case $(basename "$f") in uevent | dev) continue ;; esac
		mode=$(stat -c %a "$f")
		case $mode in
		*[4-7]??)
			echo "== $f ($(stat -c %A "$f"))"
			cat "$f" 2>&1
			;;
		*) echo "== $f ($(stat -c %A "$f")): control file, write-only" ;;
		esac
	done
done
