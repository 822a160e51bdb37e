#!/bin/sh
# Guest half of the monitoring end-to-end test (tests/e2e/monitoring.sh).
# Moves the motor so its values are not all zero, then:
# - the collector way: runs the shipped collector and prints the published
#   hy300.prom between markers;
# - the symlink way: links hy300-<device>.prom to the kernel's metrics files
#   as tools/monitoring/hy300-textfile.conf does (the host checks the same
#   targets), reads the pages through the links while the modules are
#   loaded, after rmmod of the motor driver (its link must dangle) and after
#   insmod again, and prints each read between markers.
M=/sys/class/hy300/motor
for SIM in /sys/devices/platform/gpio-sim.*/gpiochip*; do break; done
echo pull-down >"$SIM/sim_gpio14/pull"
echo 1 >"$M/home" || exit 1
while grep -q '^hy300_motor_moving 1' "$M/position_status"; do usleep 20000; done
echo pull-up >"$SIM/sim_gpio14/pull"
echo 77 >"$M/position" || exit 1
while grep -q '^hy300_motor_moving 1' "$M/position_status"; do usleep 20000; done
mkdir -p /tmp/textfile
hy300-textfile-collector /tmp/textfile || exit 1
echo "===HY300-PROM-BEGIN==="
cat /tmp/textfile/hy300.prom || exit 1
echo "===HY300-PROM-END==="

mkdir -p /tmp/links
for d in motor mips; do
	ln -s "/sys/class/hy300/$d/metrics" "/tmp/links/hy300-$d.prom" || exit 1
	echo "===HY300-LINK hy300-$d.prom -> /sys/class/hy300/$d/metrics==="
done
# dump PHASE DEVICE...: each device's page read through its link.
dump() {
	phase=$1
	shift
	for d in "$@"; do
		echo "===HY300-PAGE-BEGIN $phase $d==="
		cat "/tmp/links/hy300-$d.prom" || exit 1
		echo "===HY300-PAGE-END $phase $d==="
	done
}
dump loaded motor mips
rmmod hy300_keystone_motor || exit 1
if cat /tmp/links/hy300-motor.prom >/dev/null 2>&1; then
	echo "hy300-motor.prom still reads after rmmod"
	exit 1
fi
[ -L /tmp/links/hy300-motor.prom ] || exit 1
echo "===HY300-MOTOR-UNLOADED (link dangles)==="
insmod /lib/modules/hy300/hy300-keystone-motor.ko || exit 1
# The link resolves again once the driver has probed (up to 5 s).
i=0
until [ -r /tmp/links/hy300-motor.prom ]; do
	i=$((i + 1))
	[ "$i" -le 50 ] || { echo "hy300-motor.prom does not resolve after insmod"; exit 1; }
	usleep 100000
done
dump reloaded motor mips
