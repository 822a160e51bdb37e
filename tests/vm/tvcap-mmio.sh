#!/bin/sh
# Guest test of sunxi-tvcap's device backend (mmio.rs): the simulated
# board loaded with tvcap_device=1 gives the capture block's node as on
# the device (allwinner,sun50i-h713-tvcap: a reg in the RAM scripts/vm
# keeps from the kernel with mem=, the irq_sim interrupt, the bus, mod and
# ram clocks, a resets line to the board's reset controller), and
# tests/sim/tvcap_model.rs plays the block on that memory: the driver's
# IoMem accesses, its reset and clock sequence, its interrupt handler on
# a write-1-to-clear IRQ_STATUS, and frames written by the model into the
# DMA buffers the driver armed are what is tested here.
# - The probe: bus clock on, then the reset line deasserted (the model's
#   reset controller counts a transition made with the clock off), the
#   capture clocks off, VERSION read through the mapping, the interrupt
#   requested, the -sim backend not bound.
# - Signal detection: DV timings and source-change events (dvevents on the
#   model's knobs), hotplug counted, the register status bits.
# - Streaming, every frame checked by capture (header, counter equal to
#   the sequence, geometry, fourcc, fill): YUYV, YU12, RGB24; each handled
#   interrupt is one the model raised, none unhandled; the capture clocks
#   run only while streaming; 5 overflows and 3 DMA errors the model is
#   told to make are exactly 5 and 3 sequence gaps, counted by the driver.
# - Unbind: the reset line asserted while the bus clock is still on, then
#   every clock off; a rebind streams again; rmmod the same.
# Prints "tvcap-mmio: ok" when all pass.
T=/sys/class/hy300/tvcap
MODEL=/sys/kernel/debug/hy300-tvcap-model
SIM=/sys/kernel/debug/hy300-tvcap-sim
TVDRV=/sys/bus/platform/drivers/sunxi_tvcap
TVDEV=hy300-tvcap
fail() { echo "tvcap-mmio: FAIL: $*"; exit 1; }
# shellcheck source=tests/vm/lib/tvcap.sh
. /lib/hy300/tvcap.sh
# model NAME: a value of the model's debugfs.
model() {
	v=$(cat "$MODEL/$1") || fail "cannot read $MODEL/$1"
	echo "$v"
}
# model_is NAME VALUE WHEN
model_is() {
	[ "$(model "$1")" = "$2" ] || fail "$3: the model's $1 is '$(model "$1")', expected '$2'"
}
# wait_for NAME VALUE: until metric NAME is VALUE (the model polls every
# millisecond; at most 10 s).
wait_for() {
	i=0
	until [ "$(value "$1")" = "$2" ]; do
		i=$((i + 1))
		[ "$i" -le 200 ] || fail "$1 is '$(value "$1")' after 10 s, expected '$2'"
		usleep 50000
	done
}
handled() { value 'hy300_tvcap_interrupts_total{result="handled"}' $T/capture_stats; }
unhandled() { value 'hy300_tvcap_interrupts_total{result="none"}' $T/capture_stats; }

board_args=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^hy300_sim_board\.//p')
case "$board_args" in *mips_base=*) ;; *) fail "no hy300_sim_board.mips_base on the kernel command line (scripts/vm)" ;; esac
rmmod sunxi_tvcap || fail "rmmod before the device backend"
rmmod hy300_sim_board || fail "rmmod board before the device backend"
# shellcheck disable=SC2086 # one word per parameter
insmod "$HY300_MODULES/hy300_sim_board.ko" tvcap_device=1 $board_args || fail "board with the capture block's device node"
[ -r "$MODEL/frames" ] || fail "no model of the capture block ($MODEL)"
compat=$(tr -d '\0' </sys/bus/platform/devices/$TVDEV/of_node/compatible)
[ "$compat" = allwinner,sun50i-h713-tvcap ] || fail "the capture block's node is '$compat'"
model_is reset_deasserts 0 "before the probe"
clocks "0 0 0" "before the probe"

# The probe.
n=$(dmesg | grep -c "$TVDEV: TVTOP version 0x54560713")
insmod "$HY300_MODULES/sunxi-tvcap.ko" || fail "insmod on the device node"
[ -e $TVDRV/$TVDEV ] || fail "the device backend did not bind (dmesg: $(dmesg | grep "$TVDEV" | tail -n 3))"
[ -d $T ] || fail "$T missing on the device backend"
[ ! -e $SIM ] || fail "the simulation backend is bound, not the device backend"
[ "$(dmesg | grep -c "$TVDEV: TVTOP version 0x54560713")" = $((n + 1)) ] ||
	fail "no 'TVTOP version 0x54560713' (the model's VERSION read through the mapping) for this probe"
model_is reset_deasserted 1 "after the probe"
model_is reset_deasserts 1 "after the probe"
model_is reset_asserts 0 "after the probe"
model_is reset_unclocked 0 "after the probe (the reset line deasserted before the bus clock ran)"
clocks "1 0 0" "idle after the probe"
grep sunxi-tvcap /proc/interrupts | grep -q irq_sim || fail "sunxi-tvcap has not requested the board's irq_sim line"
VIDEO=$(tvcap_video)
[ -c "$VIDEO" ] || fail "no sunxi-tvcap video device"
echo "tvcap-mmio: probe on the device node: bus clock, then reset deasserted; VERSION read; interrupt requested"

# Signal detection from the model's STATUS and interrupts.
expect hy300_tvcap_signal_detected 1
expect hy300_tvcap_hdmi_connected 1
status_bit ready 1
status_bit signal 1
status_bit format_locked 1
status_bit capturing 0
irq_enable_bit hotplug 1
irq_enable_bit input_change 1
irq_enable_bit frame_done 0
hotplugs=$(value hy300_tvcap_hotplug_events_total)
echo 0 >$MODEL/connected || fail "cannot unplug the model's source"
wait_for hy300_tvcap_hdmi_connected 0
expect hy300_tvcap_signal_detected 0
status_bit signal 0
wait_for hy300_tvcap_hotplug_events_total $((hotplugs + 1))
out=$(capture "$VIDEO" 1 1280 720) && fail "streamed without a signal"
case $out in
*"STREAMON: Link has been severed"*) ;;
*) fail "streaming without a signal: expected ENOLINK at STREAMON, got: $out" ;;
esac
echo 1 >$MODEL/connected || fail "cannot plug the model's source in"
wait_for hy300_tvcap_hdmi_connected 1
wait_for hy300_tvcap_hotplug_events_total $((hotplugs + 2))
expect hy300_tvcap_signal_detected 1
dvevents "$VIDEO" $MODEL || fail "DV timings and source-change events from the model"
model_is vic 4 "after dvevents"
echo "tvcap-mmio: signal detection: hotplug, signal, DV timings and source-change events from the model's STATUS"

# Streaming: every frame the model wrote checked by capture.
frames=$(model frames)
raised=$(model raised)
h=$(handled)
u=$(unhandled)
captured=$(value hy300_tvcap_frames_captured_total)
capture "$VIDEO" 30 1280 720 >/tmp/capture.out || { cat /tmp/capture.out; fail "streaming 30 frames from the model"; }
cat /tmp/capture.out
expect hy300_tvcap_frames_captured_total $((captured + 30))
expect hy300_tvcap_streaming 0
clocks "1 0 0" "after streaming"
d_frames=$(($(model frames) - frames))
# The model wrote the 30, and at most one more that the stop took after
# completions stopped (nobody's frame).
if [ "$d_frames" -lt 30 ] || [ "$d_frames" -gt 31 ]; then
	fail "the model wrote $d_frames frames for a stream of 30"
fi
d_raised=$(($(model raised) - raised))
[ $(($(handled) - h)) = "$d_raised" ] ||
	fail "the driver handled $(($(handled) - h)) interrupts, the model raised $d_raised"
[ "$(unhandled)" = "$u" ] || fail "$(($(unhandled) - u)) interrupts found nothing pending"
for f in YU12 RGB3 YUYV; do
	capture "$VIDEO" 10 1280 720 $f || fail "streaming $f from the model"
done
# Frames lost: BUFFER_OVERFLOW counted as dropped, DMA_ERROR counted by
# kind with the buffer armed again; capture sees each as a sequence gap.
dropped=$(value hy300_tvcap_frames_dropped_total)
echo 5 >$MODEL/overflow || fail "cannot set the model's overflow count"
capture "$VIDEO" 20 1280 720 >/tmp/capture.out || { cat /tmp/capture.out; fail "streaming through overflows"; }
grep -q ' 5 sequence gaps ' /tmp/capture.out || fail "5 overflows, but not 5 sequence gaps: $(cat /tmp/capture.out)"
cat /tmp/capture.out
[ $(($(value hy300_tvcap_frames_dropped_total) - dropped)) = 5 ] ||
	fail "$(($(value hy300_tvcap_frames_dropped_total) - dropped)) frames counted as dropped for 5 overflows"
dma_errors() { value 'hy300_tvcap_capture_errors_total{kind="dma_error"}'; }
before=$(dma_errors)
echo 3 >$MODEL/dma_error || fail "cannot set the model's DMA error count"
capture "$VIDEO" 10 1280 720 >/tmp/capture.out || { cat /tmp/capture.out; fail "streaming through DMA errors"; }
grep -q ' 3 sequence gaps ' /tmp/capture.out || fail "3 DMA errors, but not 3 sequence gaps: $(cat /tmp/capture.out)"
cat /tmp/capture.out
[ $(($(dma_errors) - before)) = 3 ] || fail "DMA errors counted $(($(dma_errors) - before)), expected 3"
model_is refused 0 "after streaming every format"
model_is unclocked 0 "after streaming every format (a frame due while the capture or DMA clock was off)"
clocks "1 0 0" "after streaming every format"
echo "tvcap-mmio: streaming: 30 YUYV frames and 10 of each format, every frame the model wrote into the armed buffers checked"

# Unbind: the reset line asserted before the bus clock stops.
echo $TVDEV >$TVDRV/unbind || fail "unbind on the device backend"
[ ! -d $T ] || fail "$T left after unbind"
model_is reset_deasserted 0 "after unbind"
model_is reset_asserts 1 "after unbind"
model_is reset_unclocked 0 "after unbind (the bus clock stopped before the reset line was asserted)"
clocks "0 0 0" "after unbind"
echo $TVDEV >$TVDRV/bind || fail "bind on the device backend"
[ -d $T ] || fail "$T missing after bind"
model_is reset_deasserts 2 "after bind"
VIDEO=$(tvcap_video)
capture "$VIDEO" 10 1280 720 >/dev/null || fail "streaming after a rebind"
rmmod sunxi_tvcap || fail "rmmod on the device backend"
model_is reset_asserts 2 "after rmmod"
model_is reset_unclocked 0 "after rmmod"
clocks "0 0 0" "after rmmod"
echo "tvcap-mmio: unbind, bind and rmmod: reset asserted with the bus clock on, every clock off"

rmmod hy300_sim_board || fail "rmmod board with the device node"
[ ! -e "$MODEL" ] || fail "the capture block's model outlived the board"
# shellcheck disable=SC2086
insmod "$HY300_MODULES/hy300_sim_board.ko" $board_args || fail "board reload after the device backend"
insmod "$HY300_MODULES/sunxi-tvcap.ko" || fail "insmod after the device backend"
[ -d $SIM ] || fail "the simulation backend is not back"
echo "tvcap-mmio: ok"
