#!/bin/sh
# Guest half of the monitoring end-to-end test (tests/e2e/monitoring.sh).
# Moves the motor so its values are not all zero, then prints, for each
# phase, everything the host replays to node_exporter and checks against:
# - every file of every /sys/class/hy300 device (dump_files: the families
#   the drivers render, from which the host derives the expected set);
# - the collector way: the shipped collector's hy300.prom;
# - the default path: the links hy300-textfile-links makes in /tmp/links
#   (run here as the shipped udev rule runs it: at coldplug, with --remove
#   DEVICE on a remove event, again on an add event) and each page read
#   through its link.
# Phases: idle (all bound), streaming (sunxi-tvcap capturing), unloaded
# (a broken projector: motor and tvcap modules removed, their links must
# be gone and none may dangle; the co-processor's driver reinserted without
# its firmware file, so its firmware is not loaded), reloaded (all three
# inserted again, the firmware back: their links are back).
# shellcheck source=tests/vm/lib/dump.sh
. /lib/hy300/dump.sh
# shellcheck source=tests/vm/lib/tvcap.sh
. /lib/hy300/tvcap.sh
M=/sys/class/hy300/motor
T=/sys/class/hy300/tvcap
fail() { echo "guest-collect: FAIL: $*"; exit 1; }
for SIM in /sys/devices/platform/gpio-sim.*/gpiochip*; do break; done
echo pull-down >"$SIM/sim_gpio14/pull"
echo 1 >"$M/home" || exit 1
while grep -q '^hy300_motor_moving 1' "$M/position_status"; do usleep 20000; done
echo pull-up >"$SIM/sim_gpio14/pull"
echo 77 >"$M/position" || exit 1
while grep -q '^hy300_motor_moving 1' "$M/position_status"; do usleep 20000; done
mkdir -p /tmp/textfile /tmp/links

# phase NAME: the device files, the collector's output, the links and the
# pages behind them, between markers.
phase() {
	echo "===HY300-PHASE-BEGIN $1==="
	dump_files || fail "dump ($1)"
	hy300-textfile-collector /tmp/textfile || fail "collector ($1)"
	echo "===HY300-PROM-BEGIN==="
	cat /tmp/textfile/hy300.prom || fail "hy300.prom ($1)"
	echo "===HY300-PROM-END==="
	for l in /tmp/links/*; do
		[ -L "$l" ] || continue
		[ -e "$l" ] || fail "$l dangles ($1)"
		echo "===HY300-LINK ${l##*/} -> $(readlink "$l")==="
		echo "===HY300-PAGE-BEGIN ${l##*/}==="
		cat "$l" || fail "read through $l ($1)"
		echo "===HY300-PAGE-END==="
	done
	echo "===HY300-PHASE-END $1==="
}
# wait_dir DIR: until DIR exists (the driver probed; up to 5 s).
wait_dir() {
	i=0
	until [ -d "$1" ]; do
		i=$((i + 1))
		[ "$i" -le 50 ] || fail "$1 does not appear"
		usleep 100000
	done
}

hy300-textfile-links /tmp/links || fail "links (coldplug)"
phase idle

VIDEO=$(tvcap_video)
[ -c "$VIDEO" ] || fail "no sunxi-tvcap video device"
capture "$VIDEO" 400 1280 720 >/tmp/capture.txt 2>&1 &
streamer=$!
i=0
until grep -qx 'hy300_tvcap_streaming 1' "$T/buffer_status"; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "not streaming 2 s after the capture started"
	usleep 20000
done
phase streaming
grep -qx 'hy300_tvcap_streaming 1' "$T/buffer_status" || fail "the stream ended during the streaming phase (make it longer)"
wait $streamer || fail "capture: $(cat /tmp/capture.txt)"

rmmod hy300_keystone_motor || fail "rmmod motor"
hy300-textfile-links --remove motor /tmp/links || fail "links (motor removed)"
rmmod sunxi_tvcap || fail "rmmod tvcap"
hy300-textfile-links --remove tvcap /tmp/links || fail "links (tvcap removed)"
for l in /tmp/links/*; do
	case ${l##*/} in hy300-motor-* | hy300-tvcap-*) fail "$l left after its device was removed" ;; esac
done
# reinsert_mips: the co-processor's driver removed and inserted again.
reinsert_mips() {
	rmmod sunxi_mipsloader || fail "rmmod mips"
	hy300-textfile-links --remove mips /tmp/links || fail "links (mips removed)"
	insmod /lib/modules/hy300/sunxi-mipsloader.ko || fail "insmod mips"
	wait_dir /sys/class/hy300/mips
	hy300-textfile-links /tmp/links || fail "links (mips added)"
}
mv /lib/firmware/display.bin /tmp/display.bin || fail "hide display.bin"
reinsert_mips
grep -qx 'hy300_mips_firmware_loaded 0' /sys/class/hy300/mips/firmware_status || fail "firmware loaded without display.bin"
phase unloaded
mv /tmp/display.bin /lib/firmware/display.bin || fail "restore display.bin"
reinsert_mips
grep -qx 'hy300_mips_firmware_loaded 1' /sys/class/hy300/mips/firmware_status || fail "firmware not loaded again"

insmod /lib/modules/hy300/hy300-keystone-motor.ko || fail "insmod motor"
wait_dir "$M"
hy300-textfile-links /tmp/links || fail "links (motor added)"
insmod /lib/modules/hy300/sunxi-tvcap.ko || fail "insmod tvcap"
wait_dir "$T"
hy300-textfile-links /tmp/links || fail "links (tvcap added)"
phase reloaded
