#!/bin/sh
# Guest test of sunxi-tvcap on its simulated block: V4L2 streaming of
# exactly N frames through mmap (pattern and sequence checked by the
# capture tool), counters equal to N, hotplug and signal changes, frames
# lost to overflow counted as dropped, DV timings and source-change events
# (dvevents), rmmod refused while streaming, the simulation's knobs
# working after a rebind while a file of the old binding is open (the
# V4L2 conformance is tests/vm/v4l2-compliance.sh), and the device backend's
# probe refused on a node without clocks. The hardware sequence of the C
# original on the simulated block: the interrupt through request_irq (an
# irq_sim line), IRQ_MASK exactly the handled sources, hot-plug detection
# enabled, every format's FORMAT code, CAPTURE_SIZE and DMA size programmed
# (the block refuses a frame otherwise), READY waited for (bounded) at the
# probe and at STREAMON, the capture clocks running only while streaming.
# The races of issue 24: stops with a frame in flight (the stop waits for
# DMA idle before the clocks stop), and a stream started as soon as the
# video node appears (the node is registered last).
# Prints "tvcap: ok" when all pass.
T=/sys/class/hy300/tvcap
SIM=/sys/kernel/debug/hy300-tvcap-sim
fail() { echo "tvcap: FAIL: $*"; exit 1; }
# shellcheck source=tests/vm/lib/tvcap.sh
. /lib/hy300/tvcap.sh
# The handler's interrupts on the irq_sim line, summed over the CPUs.
irqs() { awk '/sunxi-tvcap/ { for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i } END { print s + 0 }' /proc/interrupts; }

[ -d $T ] || fail "$T missing"
# From a freshly bound driver: the guest tests before this one may have
# streamed and changed the format.
rmmod sunxi_tvcap || fail "rmmod before the test"
insmod "$HY300_MODULES/sunxi-tvcap.ko" || fail "insmod before the test"
[ -d $T ] || fail "$T missing after insmod"
VIDEO=$(tvcap_video)
[ -c "$VIDEO" ] || fail "no sunxi-tvcap video device"
for f in metrics capture_stats buffer_status signal_detection frame_metrics; do
	[ "$(stat -c '%a %u' "$T/$f")" = "444 0" ] || fail "$f mode"
done
expect hy300_tvcap_signal_detected 1
expect hy300_tvcap_hdmi_connected 1
expect hy300_tvcap_width_pixels 1280
expect 'hy300_tvcap_format_info{format="YUYV"}' 1
# The registers as the simulated block holds them: ready, input present,
# not capturing; only the input sources enabled; nothing pending.
status_bit ready 1
status_bit hdmi_connected 1
status_bit signal 1
status_bit format_locked 1
status_bit capturing 0
irq_enable_bit hotplug 1
irq_enable_bit input_change 1
irq_enable_bit frame_done 0
irq_status_bit hotplug 0
[ "$(grep -c '^hy300_tvcap_status_bit{' $T/signal_detection)" = 8 ] || fail "not one STATUS sample per bit"
[ "$(grep -c '^hy300_tvcap_irq_enable_bit{' $T/signal_detection)" = 10 ] || fail "not one IRQ_EN sample per bit"
[ "$(grep -c '^hy300_tvcap_irq_status_bit{' $T/signal_detection)" = 10 ] || fail "not one IRQ_STATUS sample per bit"
handled=$(value 'hy300_tvcap_interrupts_total{result="handled"}' $T/capture_stats)
unhandled=$(value 'hy300_tvcap_interrupts_total{result="none"}' $T/capture_stats)
clocks "1 0 0" "idle after the probe"
grep sunxi-tvcap /proc/interrupts | grep -q irq_sim || fail "sunxi-tvcap has not requested the simulated block's irq_sim line"
# IRQ_MASK: the ten handled sources unmasked, every other bit masked.
[ "$(cat $SIM/irq_mask)" = $((0xfffffc00)) ] || fail "IRQ_MASK is $(cat $SIM/irq_mask), expected $((0xfffffc00))"
irqs_before=$(irqs)
intervals=$(value hy300_tvcap_frame_interval_seconds_count)
captured=$(value hy300_tvcap_frames_captured_total)
dropped=$(value hy300_tvcap_frames_dropped_total)

# The simulation's interrupt-to-completion record (scripts/bench's reader
# storm) starts a new count at each read.
cat $SIM/irq_latency >/dev/null || fail "cannot read $SIM/irq_latency"
capture "$VIDEO" 30 1280 720 || fail "streaming 30 frames"
expect hy300_tvcap_frames_captured_total 30
latency=$(cat $SIM/irq_latency) || fail "cannot read $SIM/irq_latency"
case $latency in
"frames "[1-9]*" p50_ns "[0-9]*" p99_ns "[0-9]*" max_ns "[0-9]*) ;;
*) fail "irq_latency after 30 frames: '$latency', expected frames (1-30), p50_ns, p99_ns, max_ns" ;;
esac
[ "$(echo "$latency" | cut -d' ' -f2)" -le 30 ] || fail "irq_latency counts more frames than the 30 streamed: '$latency'"
expect hy300_tvcap_bytes_captured_total $((30 * 1280 * 720 * 2))
expect hy300_tvcap_width_pixels 1280
expect hy300_tvcap_buffers_allocated 0
expect hy300_tvcap_streaming 0
# One interval between each two of the 30 frames of one stream.
[ $(($(value hy300_tvcap_frame_interval_seconds_count) - intervals)) = 29 ] ||
	fail "$(($(value hy300_tvcap_frame_interval_seconds_count) - intervals)) frame intervals observed for one stream of 30 frames, expected 29"
# The interrupts of the 30 frames asked for, bounded by what the stream
# itself counted (no timing): each captured frame is its own FRAME_DONE,
# taken by a handled interrupt of its own (the next buffer is armed in the
# handler); each handled interrupt took at least one frame event, and from
# a steady source a stream has no other: a frame captured, or dropped
# (BUFFER_OVERFLOW with no buffer armed, before the tool queued one again
# or once it had queued its 30), or the one FRAME_DONE a stop may take
# after completions stopped (nobody's frame). Every call of the handler is
# one interrupt on the line (/proc/interrupts): handled or none.
d_handled=$(($(value 'hy300_tvcap_interrupts_total{result="handled"}' $T/capture_stats) - handled))
d_unhandled=$(($(value 'hy300_tvcap_interrupts_total{result="none"}' $T/capture_stats) - unhandled))
d_captured=$(($(value hy300_tvcap_frames_captured_total) - captured))
d_dropped=$(($(value hy300_tvcap_frames_dropped_total) - dropped))
if [ "$d_handled" -lt "$d_captured" ] || [ "$d_handled" -gt $((d_captured + d_dropped + 1)) ]; then
	fail "$d_handled handled interrupts for a stream of $d_captured frames captured and $d_dropped dropped: expected $d_captured to $((d_captured + d_dropped + 1))"
fi
[ $(($(irqs) - irqs_before)) -eq $((d_handled + d_unhandled)) ] ||
	fail "$(($(irqs) - irqs_before)) interrupts on the line, but the handler counted $d_handled handled and $d_unhandled none"
# The stop masked the capture sources.
irq_enable_bit frame_done 0
status_bit capturing 0
clocks "1 0 0" "idle after streaming"
echo "tvcap: 30 frames streamed through the irq_sim interrupt, counters exact"

# CREATE_BUFS sizes are bounded by twice the largest image (1080p RGB24).
createbufs "$VIDEO" $((2 * 1920 * 1080 * 3)) || fail "CREATE_BUFS size bound"
expect hy300_tvcap_buffers_allocated 0

dropped=$(value hy300_tvcap_frames_dropped_total)
echo 5 >$SIM/overflow
capture "$VIDEO" 10 1280 720 >/tmp/capture.out || { cat /tmp/capture.out; fail "streaming with overflow"; }
cat /tmp/capture.out
expect hy300_tvcap_frames_captured_total 40
[ "$(cat $SIM/overflow)" = 0 ] || fail "the simulation did not overflow the 5 frames asked for"
# The 5 overflowed frames are the stream's first: sequence numbers 0-4
# skipped, the 10 frames asked for are 5-14 (capture checks each skipped
# number is counted as dropped). Dropped grew by the 5 overflowed plus
# those the block had no buffer for once the tool had queued its 10.
grep -q ' 5 sequence gaps ' /tmp/capture.out || fail "5 frames overflowed, but not 5 sequence gaps"
grep -q ', last sequence 14$' /tmp/capture.out || fail "10 frames asked after 5 overflowed, but the last sequence is not 14: $(cat /tmp/capture.out)"
[ $(($(value hy300_tvcap_frames_dropped_total) - dropped)) -ge 5 ] ||
	fail "5 frames overflowed, but hy300_tvcap_frames_dropped_total grew by $(($(value hy300_tvcap_frames_dropped_total) - dropped))"
echo "tvcap: overflow counted as dropped frames"

# A DMA error loses its frame, is counted by kind, and streaming goes on
# into the same buffer.
dma_errors() { value 'hy300_tvcap_capture_errors_total{kind="dma_error"}'; }
before=$(dma_errors)
echo 3 >$SIM/dma_error
capture "$VIDEO" 10 1280 720 >/tmp/capture.out || { cat /tmp/capture.out; fail "streaming through DMA errors"; }
grep -q ' 3 sequence gaps ' /tmp/capture.out || fail "3 DMA errors, but not 3 sequence gaps: $(cat /tmp/capture.out)"
expect hy300_tvcap_frames_captured_total 50
[ $(($(dma_errors) - before)) = 3 ] || fail "DMA errors counted $(($(dma_errors) - before)), expected 3"
echo "tvcap: DMA errors counted, streaming continued"

echo 0 >$SIM/connected
usleep 200000
expect hy300_tvcap_hdmi_connected 0
expect hy300_tvcap_signal_detected 0
expect hy300_tvcap_hotplug_events_total 1
status_bit hdmi_connected 0
status_bit signal 0
status_bit format_locked 0
irq_status_bit hotplug 0
out=$(capture "$VIDEO" 1 1280 720) && fail "streamed without a signal"
case $out in
*"STREAMON: Link has been severed"*) ;; # ENOLINK from the driver
*) fail "streaming without a signal: expected ENOLINK at STREAMON, got: $out" ;;
esac
echo 1 >$SIM/connected
usleep 200000
expect hy300_tvcap_hdmi_connected 1
expect hy300_tvcap_signal_detected 1
expect hy300_tvcap_hotplug_events_total 2
status_bit hdmi_connected 1
status_bit signal 1
# The cable in, the signal gone: only the signal bits follow.
echo 0 >$SIM/signal
usleep 200000
expect hy300_tvcap_signal_detected 0
status_bit hdmi_connected 1
status_bit signal 0
status_bit format_locked 0
echo 1 >$SIM/signal
usleep 200000
status_bit signal 1
status_bit format_locked 1
echo "tvcap: hotplug and signal changes, register status bits follow"

# The HDMI input as a receiver: DV timings (QUERY_DV_TIMINGS from the
# link state, ENOLINK without one; ENUM/G/S_DV_TIMINGS, DV_TIMINGS_CAP)
# and V4L2_EVENT_SOURCE_CHANGE on unplug, plug and signal changes, polled
# as POLLPRI, to subscribed files only.
dvevents "$VIDEO" $SIM || fail "DV timings and source-change events"
expect hy300_tvcap_hotplug_events_total 6

# Every format: the block captures only with its FORMAT code (the frame
# header carries the format of the code), a CAPTURE_SIZE and a DMA size
# programmed for the frame; it refuses anything else.
for f in YU12 RGB3 YUYV; do
	capture "$VIDEO" 10 1280 720 $f || fail "streaming $f"
done
[ "$(cat $SIM/refused)" = 0 ] || fail "the simulated block refused $(cat $SIM/refused) frames"
echo "tvcap: YU12, RGB24 and YUYV captured with the original's FORMAT codes"

# READY at STREAMON: bounded, ETIMEDOUT, one message, nothing left on.
n=$(dmesg | grep -c 'TVTOP not ready to capture')
echo 1 >$SIM/not_ready
out=$(capture "$VIDEO" 1 1280 720) && fail "streamed from a block that is not ready"
case $out in
*"STREAMON: Connection timed out"*) ;;
*) fail "STREAMON on a block that is not ready: expected ETIMEDOUT, got: $out" ;;
esac
[ "$(dmesg | grep -c 'TVTOP not ready to capture')" = $((n + 1)) ] || fail "not one message for the block not ready"
clocks "1 0 0" "after a STREAMON that timed out"
echo 0 >$SIM/not_ready
capture "$VIDEO" 2 1280 720 >/dev/null || fail "streaming once ready again"
echo "tvcap: STREAMON waits for READY, fails with ETIMEDOUT"

# STREAMON/STREAMOFF racing the frame interrupts: every buffer back with
# userspace after each stop (vb2 warns, a splat, if the driver kept one),
# nothing allocated or streaming afterwards.
seed=${HY300_STREAMCYCLE_SEED:-1}
echo "tvcap: streamcycle seed $seed"
streamcycle "$VIDEO" 1000 "$seed" || fail "STREAMON/STREAMOFF cycles"
expect hy300_tvcap_buffers_allocated 0
expect hy300_tvcap_streaming 0

# A frame still in flight when streaming stops (issue 24): the simulated
# DMA lands 50 ms after the engine took the buffer (DMA_BUSY meanwhile,
# about three quarters of the time at 30 fps), capture disabled or not.
# The stop must wait for DMA_BUSY to clear (bounded) before it gates the
# clocks and gives the buffers back: a write landing on a gated DMA clock
# counts in dma_unclocked, which only a stop that timed out (counted as a
# capture error of kind timeout, and logged) may leave behind. A streamer
# killed mid-stream, eight times.
timeouts() { value 'hy300_tvcap_capture_errors_total{kind="timeout"}'; }
t0=$(timeouts)
[ -w $SIM/dma_latency_ms ] || fail "no dma_latency_ms knob in $SIM"
[ -r $SIM/dma_unclocked ] || fail "no dma_unclocked knob in $SIM"
echo 50 >$SIM/dma_latency_ms || fail "setting dma_latency_ms"
for n in 1 2 3 4 5 6 7 8; do
	capture "$VIDEO" 100000 1280 720 >/dev/null 2>&1 & streamer=$!
	i=0
	while [ "$(value hy300_tvcap_streaming)" != 1 ] && [ $i -lt 300 ]; do
		usleep 100000
		i=$((i + 1))
	done
	usleep 300000
	kill $streamer
	wait $streamer 2>/dev/null
	usleep 200000
done
echo 0 >$SIM/dma_latency_ms || fail "clearing dma_latency_ms"
unclocked=$(cat $SIM/dma_unclocked) || fail "reading dma_unclocked"
[ "$unclocked" -le $(($(timeouts) - t0)) ] ||
	fail "$unclocked DMA writes landed after the stop gated the clocks ($(($(timeouts) - t0)) stop timeouts)"
expect hy300_tvcap_streaming 0
clocks "1 0 0" "after stops with a frame in flight"
echo "tvcap: stop waits for the frame in flight (DMA idle) before the clocks stop"

# The simulation's knobs belong to the binding: unbound, they are gone; a
# rebind while a file of the old binding is still open (its state lives on
# until that file is closed) gets knobs of its own that act on the new
# binding, and they stay when the old file closes.
TVDRV=/sys/bus/platform/drivers/sunxi_tvcap
TVDEV=hy300-tvcap
# connected_is N: polls (bounded) until the new binding reports it.
connected_is() {
	i=0
	while [ "$(value hy300_tvcap_hdmi_connected)" != "$1" ] && [ $i -lt 100 ]; do
		usleep 50000
		i=$((i + 1))
	done
	expect hy300_tvcap_hdmi_connected "$1"
}
# One refcount (issue 24): the capture device's state lives in the
# allocation its v4l2_device's kref governs, released at the last put. The
# state is the only holder of its block's capture clocks once unbound, so
# the clock's consumers (clk_summary: one line per clk handle) show it
# alive while the file is open and gone at the file's close, not before
# and not never.
capture_clock_users() { grep -cE " $TVDEV +mod( |\$)" $CLK/clk_summary; }
[ "$(capture_clock_users)" = 1 ] || fail "bound: $(capture_clock_users) users of the capture clock, expected 1"
exec 3<"$VIDEO"
echo $TVDEV >$TVDRV/unbind || fail "unbind with a file open"
[ ! -e $SIM ] || fail "$SIM left after unbind"
users=$(capture_clock_users)
[ "$users" = 1 ] || fail "unbound with a file open: $users users of the capture clock, expected 1 (the state lives until the last close)"
echo $TVDEV >$TVDRV/bind || fail "bind while a file of the old binding is open"
users=$(capture_clock_users)
[ "$users" = 2 ] || fail "rebound with a file of the old binding open: $users users of the capture clock, expected 2"
[ -w $SIM/connected ] || fail "no knobs after a rebind while a file of the old binding is open"
echo 0 >$SIM/connected
connected_is 0
echo 1 >$SIM/connected
connected_is 1
exec 3<&-
users=$(capture_clock_users)
[ "$users" = 1 ] || fail "the old binding's last file closed: $users users of the capture clock, expected 1 (the old state released at its last close)"
[ -w $SIM/connected ] || fail "the knobs went with the old binding's last file"
echo 0 >$SIM/connected
connected_is 0
echo 1 >$SIM/connected
connected_is 1
VIDEO=$(tvcap_video)
[ -c "$VIDEO" ] || fail "no video device after the rebind"
echo "tvcap: rebind with a file of the old binding open: the knobs are the new binding's; the old state released at its last close"

capture "$VIDEO" 100000 1280 720 >/dev/null 2>&1 & streamer=$!
usleep 500000
# While streaming (polled for, not timed): capturing, the capture sources
# enabled.
i=0
while [ "$(value hy300_tvcap_streaming)" != 1 ] && [ $i -lt 300 ]; do
	usleep 100000
	i=$((i + 1))
done
status_bit capturing 1
irq_enable_bit frame_done 1
irq_enable_bit dma_error 1
clocks "1 1 1" "while streaming"
if rmmod sunxi_tvcap 2>/dev/null; then fail "rmmod succeeded while streaming"; fi
kill $streamer
wait $streamer 2>/dev/null
clocks "1 0 0" "after the streamer was killed"
rmmod sunxi_tvcap || fail "rmmod after streaming"
[ ! -e $T ] || fail "$T still present after rmmod"
clocks "0 0 0" "after rmmod"
insmod "$HY300_MODULES/sunxi-tvcap.ko" || fail "re-insmod"
[ -d $T ] || fail "$T missing after re-insmod"

# The video node is registered last (issue 24): with the simulated block
# taking 2 s over the probe's interrupt enable, a stream started as soon as
# the node appears gets its frames (a node registered before that enable
# lets the STREAMON in, and the enable then wipes its capture sources: no
# frame after the 2 s).
rmmod sunxi_tvcap
rmmod hy300_sim_board
insmod "$HY300_MODULES/hy300_sim_board.ko" tvcap_slow_irq_enable=1 || fail "board with a slow interrupt enable"
insmod "$HY300_MODULES/sunxi-tvcap.ko" & loader=$!
i=0
while [ -z "$(tvcap_video)" ] && [ $i -lt 1000 ]; do
	usleep 10000
	i=$((i + 1))
done
VIDEO=$(tvcap_video)
[ -c "$VIDEO" ] || fail "no video device with a slow interrupt enable"
capture "$VIDEO" 100 1280 720 >/dev/null || fail "a stream started as the video node appeared got no frames"
wait $loader || fail "insmod with a slow interrupt enable"
echo "tvcap: the video node appears last: a stream started at once captures"
rmmod sunxi_tvcap || fail "rmmod after the slow interrupt enable"
rmmod hy300_sim_board || fail "rmmod board (slow interrupt enable)"
insmod "$HY300_MODULES/hy300_sim_board.ko" || fail "board reload after the slow interrupt enable"
insmod "$HY300_MODULES/sunxi-tvcap.ko" || fail "insmod after the slow interrupt enable"

# The device backend, on the board's own node without the clocks and reset
# QEMU cannot provide: the probe fails with a message naming the clock,
# leaves nothing behind, and the simulated block still binds.
rmmod sunxi_tvcap
rmmod hy300_sim_board
insmod "$HY300_MODULES/hy300_sim_board.ko" tvcap_device_node=1 || fail "board with the device node"
insmod "$HY300_MODULES/sunxi-tvcap.ko" || fail "insmod with the device node"
HW=/sys/bus/platform/devices/hy300-tvcap-device
[ -e $HW ] || fail "device node not created"
[ ! -e $HW/driver ] || fail "device backend bound without clocks"
dmesg | grep -q 'hy300-tvcap-device: clock "bus" missing: error -2' ||
	fail "no clock error for the device node"
[ -d $T ] || fail "simulated block not bound next to the device node"
set -- /sys/class/video4linux/*
[ $# = 1 ] || fail "a failed probe left a video device: $*"
echo "tvcap: device backend without clocks: probe refused, nothing left behind"
rmmod sunxi_tvcap || fail "rmmod after the failed probe"
rmmod hy300_sim_board || fail "rmmod board"

# READY at the probe: a block that never becomes ready fails the probe with
# ETIMEDOUT and one message, promptly, leaving nothing behind.
insmod "$HY300_MODULES/hy300_sim_board.ko" tvcap_not_ready=1 || fail "board with a block never ready"
insmod "$HY300_MODULES/sunxi-tvcap.ko" || fail "insmod with a block never ready"
[ ! -e /sys/bus/platform/devices/hy300-tvcap/driver ] || fail "bound to a block that is not ready"
[ "$(dmesg | grep -c 'hy300-tvcap: TVTOP not ready after its reset (STATUS 0x[0-9a-f]*): error -110')" = 1 ] ||
	fail "not one ETIMEDOUT message for the probe"
[ ! -e $T ] || fail "$T present without a ready block"
set -- /sys/class/video4linux/*
[ ! -e "$1" ] || fail "a probe that timed out left a video device: $*"
clocks "0 0 0" "after a probe that timed out"
echo "tvcap: the probe waits for READY, fails with ETIMEDOUT"
rmmod sunxi_tvcap || fail "rmmod after the timed-out probe"
rmmod hy300_sim_board || fail "rmmod board (not ready)"
insmod "$HY300_MODULES/hy300_sim_board.ko" || fail "board reload"
# Leave the guest as the setup made it, for the tests after this one.
insmod "$HY300_MODULES/sunxi-tvcap.ko" || fail "insmod after the board reload"
[ -d $T ] || fail "$T missing after the board reload"
echo "tvcap: ok"
