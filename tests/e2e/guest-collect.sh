#!/bin/sh
# Guest half of the monitoring end-to-end test: move the motor so its
# values are not all zero, unload nothing, run the shipped collector, and
# print the published hy300.prom between markers for the host.
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
cat /tmp/textfile/hy300.prom
echo "===HY300-PROM-END==="
