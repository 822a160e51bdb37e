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
# The board's parameters on the kernel command line (scripts/vm's
# hy300_sim_board.mips_base), as modprobe would pass them.
# shellcheck disable=SC2046 # one word per parameter
insmod "$HY300_MODULES/hy300_sim_board.ko" $(tr ' ' '\n' </proc/cmdline | sed -n 's/^hy300_sim_board\.//p')
