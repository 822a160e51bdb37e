#!/bin/sh
# Guest half of scripts/bench's reader storm (a benchmark: it measures,
# it asserts no time). sunxi-tvcap streams from the simulated source while
# the simulation records, for each frame, the time from its tick raising
# the line with FRAME_DONE pending to the driver's return from completing
# the buffer in its interrupt handler (vb2_buffer_done): debugfs
# hy300-tvcap-sim/irq_latency, read and cleared per phase. Phases of
# PHASE_S seconds alternate, ROUNDS times: "idle" (nothing else reads) and
# "readers" (one readbench per CPU reading every Prometheus file of every
# device, open+read+close in a loop). One line per phase:
#   irqbench: PHASE frames N p50_ns A p99_ns B max_ns C
# shellcheck source=tests/vm/lib/tvcap.sh
. /lib/hy300/tvcap.sh
fail() { echo "irqbench: FAIL: $*"; exit 1; }
VIDEO=$(tvcap_video)
[ -c "$VIDEO" ] || fail "no sunxi-tvcap video device"
[ -r "$SIM/irq_latency" ] || fail "no $SIM/irq_latency (not the simulation's build?)"
files=""
for f in motor/metrics motor/position_status motor/calibration_state motor/movement_counters \
	motor/gpio_status motor/step_timing mips/metrics mips/memory_stats \
	mips/register_access_count mips/firmware_status mips/communication_errors \
	tvcap/metrics tvcap/capture_stats tvcap/buffer_status tvcap/signal_detection \
	tvcap/frame_metrics; do
	real=$(readlink -f "/sys/class/hy300/$f") || fail "no /sys/class/hy300/$f"
	files="$files $real"
done
phase_s=${IRQBENCH_PHASE_S:-5}
rounds=${IRQBENCH_ROUNDS:-2}
cpus=$(grep -c '^processor' /proc/cpuinfo) || fail "cannot count the CPUs"
# Frames for every phase and a margin; the capture is stopped at the end.
capture "$VIDEO" 100000 1280 720 >/tmp/irqbench-capture.txt 2>&1 &
streamer=$!
i=0
until grep -q '^hy300_tvcap_streaming 1$' /sys/class/hy300/tvcap/metrics; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "not streaming 2 s after the capture started: $(cat /tmp/irqbench-capture.txt)"
	usleep 20000
done
sleep 1
cat "$SIM/irq_latency" >/dev/null || fail "cannot read $SIM/irq_latency"
phase() {
	sleep "$phase_s"
	line=$(cat "$SIM/irq_latency") || fail "cannot read $SIM/irq_latency"
	case $line in
	"frames 0 "*) fail "$1: no frame completed in $phase_s s ($line)" ;;
	esac
	echo "irqbench: $1 $line"
}
round=1
while [ "$round" -le "$rounds" ]; do
	phase idle
	readers=""
	n=0
	while [ "$n" -lt "$cpus" ]; do
		# shellcheck disable=SC2086 # the paths have no spaces (sysfs names)
		readbench 100000000 $files >/dev/null &
		readers="$readers $!"
		n=$((n + 1))
	done
	# The readers' first reads land before the phase's own count starts.
	usleep 200000
	cat "$SIM/irq_latency" >/dev/null || fail "cannot read $SIM/irq_latency"
	phase readers
	# shellcheck disable=SC2086 # process ids
	kill $readers || fail "a reader had stopped early"
	for r in $readers; do
		wait "$r"
	done
	cat "$SIM/irq_latency" >/dev/null || fail "cannot read $SIM/irq_latency"
	round=$((round + 1))
done
kill "$streamer" || fail "the capture had stopped early: $(cat /tmp/irqbench-capture.txt)"
wait "$streamer"
echo "irqbench: $rounds rounds of idle and readers, $phase_s s each, $cpus readers while reading"
