#!/bin/sh
# Every hy300 file read while sunxi-tvcap streams and after the motor and
# the co-processor have worked (this runs after motor.sh and mips.sh), so
# non-zero values go through the host's checks too. The dump must show the
# stream running: hy300_tvcap_streaming 1, frames counted, and the register
# status of a capturing engine.
# shellcheck source=tests/vm/lib/dump.sh
. /lib/hy300/dump.sh
T=/sys/class/hy300/tvcap
fail() { echo "metrics-streaming: FAIL: $*"; exit 1; }
# shellcheck source=tests/vm/lib/tvcap.sh
. /lib/hy300/tvcap.sh
VIDEO=$(tvcap_video)
[ -c "$VIDEO" ] || fail "no sunxi-tvcap video device"
before=$(value hy300_tvcap_frames_captured_total)
capture "$VIDEO" 150 1280 720 >/tmp/capture.txt 2>&1 & streamer=$!
i=0
until [ "$(value hy300_tvcap_streaming)" = 1 ] && [ "$(value hy300_tvcap_frames_captured_total)" -gt "$before" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "no frames 2 s after STREAMON"
	usleep 20000
done
dump_files >/tmp/dump.txt || fail "dump"
cat /tmp/dump.txt || fail "dump output"
wait $streamer || fail "capture: $(cat /tmp/capture.txt)"
# The capture asked for exactly 150 frames, and nothing else streams.
after=$(value hy300_tvcap_frames_captured_total)
[ "$after" = $((before + 150)) ] || fail "a capture of 150 frames counted $((after - before)) (from $before to $after)"
grep -qx 'hy300_tvcap_streaming 1' /tmp/dump.txt || fail "the dump was not taken while streaming"
# The register status of the same dump: the engine capturing, its frame
# interrupt enabled.
grep -qx 'hy300_tvcap_status_bit{bit="capturing"} 1' /tmp/dump.txt ||
	fail "the dump's STATUS does not show the engine capturing"
grep -qx 'hy300_tvcap_irq_enable_bit{bit="frame_done"} 1' /tmp/dump.txt ||
	fail "the dump's IRQ_EN does not show the frame interrupt enabled"
frames=$(grep '^hy300_tvcap_frames_captured_total ' /tmp/dump.txt | head -n 1 | cut -d' ' -f2)
# Taken after the first frame of this capture and before its end: more
# than before it, at most its 150 frames more.
if [ "${frames:-0}" -le "$before" ] || [ "$frames" -gt $((before + 150)) ]; then
	fail "the dump counts ${frames:-no} frames: not between $((before + 1)) and $((before + 150)) for a capture of 150 after $before"
fi
echo "metrics-streaming: dumped while streaming ($frames frames counted)"
