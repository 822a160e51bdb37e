#!/bin/sh
# A real client on sunxi-tvcap's simulated block: Debian sid's v4l2-ctl
# (scripts/vm puts it in every guest, from the v4l-utils that gives
# v4l2-compliance) streams with --stream-mmap to a file and framecheck
# checks every frame's header and fill pattern; then the source switches
# from 1080p60 to 720p60 mid-stream (srcswitch: SOURCE_CHANGE,
# QUERY_DV_TIMINGS 720p60, S_FMT refused while streaming, the
# DV_RX_POWER_PRESENT control event on unplug and plug), and after a
# restart at the queried timings (--set-dv-bt-timings query) v4l2-ctl
# captures exact 720p frames. Exits 77 (a counted SKIP) only when the
# guest has no v4l2-ctl.
fail() { echo "v4l2-ctl: FAIL: $*"; exit 1; }
# shellcheck source=tests/vm/lib/tvcap.sh
. /lib/hy300/tvcap.sh
tvcap_client v4l2-ctl
echo 1 >$SIM/signal || fail "cannot give the simulated source a signal"
v4l2-ctl --version | sed 's/^/v4l2-ctl: /'

# stream N FILE: v4l2-ctl streams N frames through 4 mmap buffers to FILE.
stream() {
	status=0
	v4l2-ctl -d "$VIDEO" --stream-mmap=4 --stream-count="$1" --stream-to="$2" >/tmp/v4l2-ctl.out 2>&1 || status=$?
	[ "$status" -eq 0 ] || { cat /tmp/v4l2-ctl.out; fail "v4l2-ctl --stream-mmap --stream-count=$1: exit status $status"; }
}
# restart_at WIDTH HEIGHT: the timings set to the detected ones, YUYV at
# their size.
restart_at() {
	v4l2-ctl -d "$VIDEO" --set-dv-bt-timings query >/tmp/v4l2-ctl.out 2>&1 ||
		{ cat /tmp/v4l2-ctl.out; fail "v4l2-ctl --set-dv-bt-timings query"; }
	v4l2-ctl -d "$VIDEO" --set-fmt-video=pixelformat=YUYV >/tmp/v4l2-ctl.out 2>&1 ||
		{ cat /tmp/v4l2-ctl.out; fail "v4l2-ctl --set-fmt-video=pixelformat=YUYV"; }
	v4l2-ctl -d "$VIDEO" --get-fmt-video >/tmp/v4l2-ctl.out 2>&1 || fail "v4l2-ctl --get-fmt-video"
	grep -q "Width/Height *: $1/$2\$" /tmp/v4l2-ctl.out ||
		{ cat /tmp/v4l2-ctl.out; fail "the format is not $1x$2 after the restart"; }
}

# The source at 1080p60 (a mode change is seen on the block's next tick).
echo 16 >$SIM/vic || fail "cannot set the source to 1080p60"
usleep 200000
v4l2-ctl -d "$VIDEO" --query-dv-timings >/tmp/v4l2-ctl.out 2>&1 || fail "v4l2-ctl --query-dv-timings at 1080p60"
if ! grep -q 'Active width: 1920$' /tmp/v4l2-ctl.out || ! grep -q 'Active height: 1080$' /tmp/v4l2-ctl.out; then
	cat /tmp/v4l2-ctl.out
	fail "QUERY_DV_TIMINGS is not 1920x1080 with the source at 1080p60"
fi
restart_at 1920 1080
stream 8 /tmp/1080p.raw
framecheck /tmp/1080p.raw 8 1920 1080 YUYV || fail "v4l2-ctl's 1080p frames"
rm -f /tmp/1080p.raw

# The switch while streaming, and hotplug.
srcswitch "$VIDEO" $SIM || fail "the source switch while streaming"

# Restarted at the detected timings: exact 720p frames.
restart_at 1280 720
stream 10 /tmp/720p.raw
framecheck /tmp/720p.raw 10 1280 720 YUYV || fail "v4l2-ctl's 720p frames after the restart"
rm -f /tmp/720p.raw
[ "$(cat $SIM/vic)" = 4 ] || fail "the source is not back at 720p60"
echo "v4l2-ctl: ok"
