#!/bin/sh
# Guest test (arm64 only: scripts/test's GUEST_TEST_ARCH) of the drivers'
# ioctls from 32-bit processes: the arm64 kernel runs AArch32 programs at
# EL0 (CONFIG_COMPAT), as an Android or armhf userland on the HY300 does.
# One program, tests/vm/progs/ioctlabi.c, built three ways by scripts/vm:
# ioctlabi (native, the control), ioctlabi32 (arm-linux-gnueabihf, glibc's
# 32-bit time_t) and ioctlabi32t64 (the same with _TIME_BITS=64). Each
# calls every /dev/mipsloader ioctl, valid and invalid (sunxi-mipsloader's
# compat_ioctl: the C original's LOAD_FW has a char * sized number), and
# streams from sunxi-tvcap's V4L2 node (the V4L2 core's
# v4l2_compat_ioctl32 translates v4l2_buffer: 68 or 80 bytes there, 88
# natively), checking every result itself; this script checks what the
# drivers counted. Prints "compat: ok" when all pass.
M=/sys/class/hy300/mips
T=/sys/class/hy300/tvcap
fail() { echo "compat: FAIL: $*"; exit 1; }
value() { grep "^$1 " "$2" | cut -d' ' -f2; }
PROGS="ioctlabi ioctlabi32 ioctlabi32t64"

# Each build is what it should be: the sizes it was compiled with.
for want in "ioctlabi long=8 time_t=8 v4l2_buffer=88" "ioctlabi32 long=4 time_t=4 v4l2_buffer=68" \
	"ioctlabi32t64 long=4 time_t=8 v4l2_buffer=80"; do
	p=${want%% *}
	command -v "$p" >/dev/null || fail "no $p in this guest (scripts/vm builds it for arm64)"
	got=$("$p" abi) || fail "$p abi: $got"
	echo "compat: $p: $got"
	case "$got" in
	"${want#* } machine="*) ;;
	*) fail "$p abi said '$got', expected '${want#* } machine=...'" ;;
	esac
done

# /dev/mipsloader: two images of different sizes.
[ -c /dev/mipsloader ] || fail "/dev/mipsloader missing"
FW=/lib/firmware/hy300-compat
mkdir -p "$FW"
dd if=/dev/urandom of="$FW/a.bin" bs=4096 count=4 2>/dev/null || fail "a.bin"
dd if=/dev/urandom of="$FW/b.bin" bs=4096 count=6 2>/dev/null || fail "b.bin"
S=$M/firmware_status
for p in $PROGS; do
	crc=$(value 'hy300_mips_firmware_load_failures_total{reason="crc_mismatch"}' $S)
	missing=$(value 'hy300_mips_firmware_load_failures_total{reason="not_found"}' $S)
	out=$("$p" mips hy300-compat/a.bin hy300-compat/b.bin)
	status=$?
	echo "$out"
	[ "$status" -eq 0 ] || fail "$p mips exited $status"
	# One wrong CRC and one missing file per run, counted once each.
	[ $(($(value 'hy300_mips_firmware_load_failures_total{reason="crc_mismatch"}' $S) - crc)) -eq 1 ] ||
		fail "$p: crc_mismatch failures grew by $(($(value 'hy300_mips_firmware_load_failures_total{reason="crc_mismatch"}' $S) - crc)), expected 1"
	[ $(($(value 'hy300_mips_firmware_load_failures_total{reason="not_found"}' $S) - missing)) -eq 1 ] ||
		fail "$p: not_found failures grew by $(($(value 'hy300_mips_firmware_load_failures_total{reason="not_found"}' $S) - missing)), expected 1"
	[ "$(value hy300_mips_firmware_loaded $M/metrics)" = 1 ] || fail "$p left no firmware loaded"
	[ "$(value hy300_mips_firmware_size_bytes $M/metrics)" = 16384 ] || fail "$p left $(value hy300_mips_firmware_size_bytes $M/metrics) bytes loaded, expected a.bin's 16384"
done
echo "compat: every mipsloader ioctl from 64-bit, 32-bit and 32-bit time64 programs"

# sunxi-tvcap, freshly bound (the tests before may have changed its
# format and timings), the simulated source connected.
rmmod sunxi_tvcap || fail "rmmod sunxi_tvcap"
insmod "$HY300_MODULES/sunxi-tvcap.ko" || fail "insmod sunxi-tvcap"
# shellcheck source=tests/vm/lib/tvcap.sh
. /lib/hy300/tvcap.sh
VIDEO=$(tvcap_video)
[ -c "$VIDEO" ] || fail "no sunxi-tvcap video device"
echo 1 >"$SIM/connected" || fail "cannot connect the simulated source"
[ "$(value hy300_tvcap_signal_detected $T/metrics)" = 1 ] || fail "no signal from the simulated source"
N=20
for p in $PROGS; do
	before=$(value hy300_tvcap_frames_captured_total $T/metrics)
	out=$("$p" v4l2 "$VIDEO" $N)
	status=$?
	echo "$out"
	[ "$status" -eq 0 ] || fail "$p v4l2 exited $status"
	case "$out" in
	*": $N frames 1280x720 YUYV, "*) ;;
	*) fail "$p v4l2: not $N frames of 1280x720: $out" ;;
	esac
	[ $(($(value hy300_tvcap_frames_captured_total $T/metrics) - before)) -eq $N ] ||
		fail "$p: frames_captured_total grew by $(($(value hy300_tvcap_frames_captured_total $T/metrics) - before)), expected $N"
	[ "$(value hy300_tvcap_streaming $T/metrics)" = 0 ] || fail "$p: still streaming after STREAMOFF"
	[ "$(value hy300_tvcap_buffers_allocated $T/metrics)" = 0 ] || fail "$p: buffers left allocated"
done
echo "compat: V4L2 capture (QUERYCAP, DV timings, formats, buffers, streaming) from 64-bit, 32-bit and 32-bit time64 programs"

echo "compat: ok"
