#!/bin/sh
# Binds the simulated devices: creates the gpio-sim bank that the motor's
# GPIO lookup points at (16 lines, label hy300-sim-gpio, standing in for the
# H713's PH port), then loads the board description, which creates the DT
# nodes and platform devices of the motor and the co-processor.
set -e
cfg=/sys/kernel/config/gpio-sim/hy300
mkdir "$cfg" "$cfg/gpio-bank0"
echo 16 >"$cfg/gpio-bank0/num_lines"
echo hy300-sim-gpio >"$cfg/gpio-bank0/label"
echo 1 >"$cfg/live"
insmod "$HY300_MODULES/hy300_sim_board.ko"
