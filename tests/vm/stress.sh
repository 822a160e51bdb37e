#!/bin/sh
# Reliability under the debug kernel (kmemleak, lockdep, UBSAN, debug
# objects, SLUB debug, failslab), run by tests/stress.sh:
#   permissions, concurrent readers of every metrics file and writers while
#   a client streams from sunxi-tvcap (every read parses, counters never go
#   backwards), 10,000 invalid writes,
#   STRESS_RELOADS (50) load/unload cycles of every module under load
#   (the motor's with a move in flight; about 5 s each in the debug guest,
#   where 200 took 17 minutes),
#   STRESS_CYCLES bind/unbind cycles of the capture device under readers
#   and clients, unbind while a client streams, STRESS_CYCLES unbind/bind
#   cycles of the co-processor during firmware loads, allocation failures injected
#   into the capture device's probe and into each step of a capture (open,
#   REQBUFS, QBUF, STREAMON; the motor's and co-processor's probes: the fuzz
#   step), then kmemleak must be clean. Each section checks its own window
#   of the kernel log (between its marks in the whole log /init reads from
#   /dev/kmsg; nothing is ever cleared) for splats, and the taint mask and
#   lockdep after it (/lib/hy300/klog.sh: section). Prints "stress: ok".
CYCLES=${STRESS_CYCLES:-200}
RELOADS=${STRESS_RELOADS:-50}
# The short run's counts (the arm64 debug kernel's stress-arm64 step; the
# defaults are the full run's): reader rounds, invalid writes per writer,
# STREAMON/STREAMOFF cycles.
ROUNDS=${STRESS_READ_ROUNDS:-150}
BADWRITES=${STRESS_BAD_WRITES:-5000}
STREAMCYCLES=${STRESS_STREAMCYCLES:-1000}
KL=/sys/kernel/debug/kmemleak
M=/sys/class/hy300/motor
T=/sys/class/hy300/tvcap
TVDRV=/sys/bus/platform/drivers/sunxi_tvcap
TVDEV=hy300-tvcap
fail() { echo "stress: FAIL: $*"; exit 1; }
# rmmod, retried while a writer briefly holds /dev/mipsloader open (an
# open file pins the module: EAGAIN is the right answer then).
unload() {
	tries=0
	until rmmod "$1" 2>/dev/null; do
		tries=$((tries + 1))
		[ $tries -lt 100 ] || return 1
		usleep 20000
	done
}
# The 0444 files among FILE... (default: those of every device).
metrics_files() {
	[ $# -gt 0 ] || set -- /sys/class/hy300/*/*
	for f in "$@"; do
		[ -f "$f" ] && [ "$(stat -c %a "$f")" = 444 ] && echo "$f"
	done
}
# The capture device's node (/dev/videoN; N changes while an old one is open).
# shellcheck source=tests/vm/lib/tvcap.sh
. /lib/hy300/tvcap.sh
tvcap_value() { grep "^$1 " $T/metrics | cut -d' ' -f2; }
# Whether PID is still running (a child that exited is a zombie until waited).
running() {
	state=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)
	[ -n "$state" ] && [ "$state" != Z ]
}
# finished PID SECONDS: PID ends within SECONDS; else shows where it hangs.
finished() {
	t=0
	while running "$1"; do
		if [ $t -ge $(($2 * 50)) ]; then
			echo "stress: process $1 still running after $2 s, kernel stack:"
			cat "/proc/$1/stack"
			return 1
		fi
		usleep 20000
		t=$((t + 1))
	done
}

# shellcheck source=tests/vm/lib/splat.sh
. /lib/hy300/splat.sh
# shellcheck source=tests/vm/lib/klog.sh
. /lib/hy300/klog.sh
# kmemleak is judged from its report file at the end (kmemleak_judge); a
# scan summary in a section's window is no splat of that section.
export HY300_KMEMLEAK_JUDGED=1
# next NAME: the section under way passed its kernel log checks; NAME starts.
next() { klog_section "$1" || fail "$KLOG_REASON"; }

[ -e $KL ] || fail "kmemleak not available"
echo scan >$KL
echo clear >$KL

# --- permissions ----------------------------------------------------------
next permissions
for f in $(metrics_files); do
	asuser 65534 cat "$f" >/dev/null || fail "nobody cannot read $f"
done
for f in $M/position $M/home $M/stop $M/accelerometer_type; do
	if asuser 65534 sh -c "echo 1 >$f" 2>/dev/null; then fail "nobody wrote $f"; fi
done
if asuser 65534 mipsctl status >/dev/null 2>&1; then fail "nobody opened /dev/mipsloader"; fi
for f in $(metrics_files); do
	if grep -E '(0x)?ffff[0-9a-f]{12}' "$f"; then fail "$f shows a kernel pointer"; fi
done
echo "stress: permissions: metrics world-readable, controls and /dev/mipsloader root-only"

# --- concurrent readers and writers ---------------------------------------
next readers-writers
cat >/tmp/check.awk <<'EOA'
# Every line is a comment or a sample; counters (from PREV, "file name
# value" lines) never decrease; each of the FILES files given was read (none
# is ever empty). (No _count == +Inf check: the writer formats both from one
# value, so it could not fail here; the host fuzzer checks the writer for it.)
BEGIN {
	while ((getline l < PREV) > 0) { split(l, p, " "); prev[p[1] " " p[2]] = p[3] }
	printf "" > NEXT
}
FNR == 1 { files++ }
/^#/ { if ($2 == "TYPE") type[$3] = $4; next }
!/^[a-z_:][a-z0-9_:]*(\{[^}]*\})? [-+0-9.eE]+$/ { print FILENAME ": bad line: " $0; bad = 1; next }
{
	name = $1; sub(/\{.*/, "", name)
	base = name; sub(/_(bucket|sum|count)$/, "", base)
	if (type[name] == "counter" || type[base] == "histogram") {
		key = FILENAME " " $1
		if ((key in prev) && $2 + 0 < prev[key] + 0) { print FILENAME ": went backwards: " $1 " " prev[key] " -> " $2; bad = 1 }
		print key, $2 > NEXT
	}
}
END {
	if (files != FILES) { print "read " files + 0 " of the " FILES " files"; bad = 1 }
	exit bad
}
EOA
# reader ID ROUNDS FILE...: each round, one awk reads every FILE (each page
# rendered once, at its first read) and checks them: one process a round,
# not a cat per file (a process costs about 0.1 s in the debug guest, and
# the cats made this section the step's longest). Rounds alternate two
# files for the counters they saw.
reader() {
	id=$1 rounds=$2
	shift 2
	: >"/tmp/r$id.0"
	i=0
	while [ $i -lt "$rounds" ]; do
		awk -v PREV="/tmp/r$id.$((i % 2))" -v NEXT="/tmp/r$id.$(((i + 1) % 2))" -v FILES=$# \
			-f /tmp/check.awk "$@" || return 1
		i=$((i + 1))
	done
}
# A client streams from sunxi-tvcap meanwhile, 30 frames at a time.
VIDEO=$(tvcap_video)
[ -c "$VIDEO" ] || fail "no sunxi-tvcap video device"
frames=$(tvcap_value hy300_tvcap_frames_captured_total)
touch /tmp/stream
(
	n=0
	while [ -e /tmp/stream ]; do
		capture "$VIDEO" 30 1280 720 >/tmp/capture.out || { cat /tmp/capture.out; exit 1; }
		n=$((n + 1))
	done
	echo $n >/tmp/streams
) & s1=$!
# shellcheck disable=SC2046 # one word per file
set -- $M/metrics /sys/class/hy300/mips/metrics $(metrics_files $T/*)
[ $# -ge 7 ] || fail "tvcap metrics files missing: $*"
reader 1 "$ROUNDS" "$@" & r1=$!
reader 2 "$ROUNDS" "$@" & r2=$!
( i=0; while [ $i -lt 60 ]; do echo $((i * 37 % 200)) >"$M/position" 2>/dev/null; echo 1 >"$M/stop"; i=$((i + 1)); done ) & w1=$!
( i=0; while [ $i -lt 60 ]; do mipsctl status >/dev/null; mipsctl restart >/dev/null; mipsctl panel 1 2 3 4 5 6 7 8 >/dev/null; i=$((i + 1)); done ) & w2=$!
wait $r1 || fail "reader 1 saw an invalid page or a counter going backwards"
wait $r2 || fail "reader 2 saw an invalid page or a counter going backwards"
wait $w1
wait $w2
rm /tmp/stream
wait $s1 || fail "capture failed under readers"
streams=$(cat /tmp/streams)
[ "$streams" -ge 1 ] || fail "no capture completed under readers"
[ $(($(tvcap_value hy300_tvcap_frames_captured_total) - frames)) = $((streams * 30)) ] ||
	fail "frames_captured_total grew by $(($(tvcap_value hy300_tvcap_frames_captured_total) - frames)) for $streams captures of 30"
while grep -q '^hy300_motor_moving 1' $M/position_status; do usleep 20000; done
echo "stress: 2 readers x $ROUNDS rounds of $# files under writers and $streams captures: every page valid, counters monotonic"

# --- invalid input ----------------------------------------------------------
next invalid-input
before=$(grep -v -e '^#' -e limit_switch_active "$M/metrics" | grep -v -e step_duration -e phase_transitions)
logged_before=$(dmesg | grep -c -e 'position: expected' -e 'write 1 to')
started=$(date +%s)
badwrite "$BADWRITES" 11 $M/position $M/home $M/stop & b1=$!
badwrite "$BADWRITES" 22 $M/position $M/home $M/stop & b2=$!
wait $b1 || fail "an invalid write was accepted"
wait $b2 || fail "an invalid write was accepted"
after=$(grep -v -e '^#' -e limit_switch_active "$M/metrics" | grep -v -e step_duration -e phase_transitions)
[ "$before" = "$after" ] || fail "invalid writes changed the motor state"
logged=$(($(dmesg | grep -c -e 'position: expected' -e 'write 1 to') - logged_before))
# The driver allows 10 lines per 5 s window (keystone_motor.rs): bounded by
# the windows the writes spanned, not by a fixed count (a loaded TCG guest
# takes longer, and then may log more).
elapsed=$(($(date +%s) - started))
allowed=$((10 * (elapsed / 5 + 2)))
[ "$logged" -le "$allowed" ] || fail "$logged log lines for $((2 * BADWRITES)) refused writes in $elapsed s: more than the $allowed the rate limit allows"
echo "stress: $((2 * BADWRITES)) invalid writes refused, state unchanged, $logged log lines in $elapsed s (rate limited: at most $allowed)"

# --- load/unload cycles under load ---------------------------------------
next reload-cycles
# A motor move in flight (queued or running, ours or l2's) when rmmod runs:
# removal must wait for its work function to return.
move_in_flight() {
	t=0
	until echo 150 >$M/position 2>/dev/null; grep -q '^hy300_motor_moving 1' $M/position_status; do
		t=$((t + 1))
		[ $t -lt 100 ] || return 1
	done
}
touch /tmp/run
( while [ -e /tmp/run ]; do cat /sys/class/hy300/*/metrics >/dev/null 2>&1; done ) & l1=$!
( while [ -e /tmp/run ]; do echo 5 >$M/position; mipsctl status >/dev/null; done ) 2>/dev/null & l2=$!
( while [ -e /tmp/run ]; do for v in /dev/video*; do capture "$v" 3 1280 720; done; done ) >/dev/null 2>&1 & l3=$!
i=0
while [ $i -lt "$RELOADS" ]; do
	move_in_flight || fail "no motor move in flight before rmmod (cycle $i)"
	unload hy300_keystone_motor || fail "rmmod motor (cycle $i)"
	unload sunxi_mipsloader || fail "rmmod mips (cycle $i)"
	unload sunxi_tvcap || fail "rmmod tvcap (cycle $i)"
	if [ $((i % 10)) -eq 0 ]; then
		unload hy300_class || fail "rmmod class (cycle $i)"
		insmod "$HY300_MODULES/hy300_class.ko" || fail "insmod class (cycle $i)"
	fi
	insmod "$HY300_MODULES/sunxi-mipsloader.ko" || fail "insmod mips (cycle $i)"
	insmod "$HY300_MODULES/sunxi-tvcap.ko" || fail "insmod tvcap (cycle $i)"
	insmod "$HY300_MODULES/hy300-keystone-motor.ko" || fail "insmod motor (cycle $i)"
	if [ ! -d $M ] || [ ! -d /sys/class/hy300/mips ] || [ ! -d /sys/class/hy300/tvcap ]; then
		fail "devices missing after cycle $i"
	fi
	i=$((i + 1))
done
rm /tmp/run
wait $l1
wait $l2
wait $l3
echo "stress: $RELOADS load/unload cycles under readers and writers, each motor rmmod with a move in flight"

# --- capture device: bind/unbind cycles, unbind while streaming -----------
next tvcap-bind-cycles
# Unbind removes the device under readers of its files and clients at any
# point of a capture (open, REQBUFS, mmap, streaming).
touch /tmp/run
( while [ -e /tmp/run ]; do cat $T/* >/dev/null 2>&1; done ) & l1=$!
( while [ -e /tmp/run ]; do capture "$(tvcap_video)" 3 1280 720; done ) >/dev/null 2>&1 & l2=$!
i=0
while [ $i -lt "$CYCLES" ]; do
	echo $TVDEV >$TVDRV/unbind || fail "unbind tvcap (cycle $i)"
	[ ! -e $T ] || fail "$T left after unbind (cycle $i)"
	echo $TVDEV >$TVDRV/bind || fail "bind tvcap (cycle $i)"
	[ -d $T ] || fail "$T missing after bind (cycle $i)"
	i=$((i + 1))
done
rm /tmp/run
wait $l1
wait $l2
echo "stress: $CYCLES bind/unbind cycles of $TVDEV under readers and clients"

# A streaming client loses the device: its next ioctl fails with ENODEV
# (no hang), and the device binds again and streams.
capture "$(tvcap_video)" 100000 1280 720 >/tmp/unbind.out 2>&1 & c=$!
t=0
until grep -q '^hy300_tvcap_streaming 1' $T/buffer_status; do
	[ $t -lt 250 ] || fail "client not streaming after 5 s"
	usleep 20000
	t=$((t + 1))
done
usleep 200000
echo $TVDEV >$TVDRV/unbind & u=$!
finished $u 10 || fail "unbind hangs while a client streams"
wait $u || fail "unbind while streaming"
finished $c 5 || fail "the streaming client hangs after unbind"
if wait $c; then fail "the client streamed on after unbind"; fi
grep -q 'No such device' /tmp/unbind.out || fail "client after unbind: expected ENODEV, got: $(cat /tmp/unbind.out)"
echo $TVDEV >$TVDRV/bind || fail "bind after unbind while streaming"
capture "$(tvcap_video)" 30 1280 720 >/dev/null || fail "streaming after rebind"
[ "$(tvcap_value hy300_tvcap_frames_captured_total)" = 30 ] || fail "frames_captured_total after rebind: $(tvcap_value hy300_tvcap_frames_captured_total), expected 30"
echo "stress: unbind while streaming: client got ENODEV ($(cat /tmp/unbind.out)), device bound again and streams"

next streamon-streamoff-cycles
# STREAMCYCLES (1,000) STREAMON/STREAMOFF cycles racing the frame interrupts under the
# debug kernel's checkers (vb2 warns when a stop keeps a buffer).
streamcycle "$(tvcap_video)" "$STREAMCYCLES" "${HY300_STREAMCYCLE_SEED:-1}" || fail "STREAMON/STREAMOFF cycles"
[ "$(tvcap_value hy300_tvcap_buffers_allocated)" = 0 ] || fail "buffers left allocated after the cycles"

# --- co-processor: unbind during firmware loads ---------------------------
next mips-unbind-cycles
# An open /dev/mipsloader pins the module, so rmmod cannot interrupt an
# ioctl load; unbind can: it must wait for the load, power down, drop the
# hardware, and leave the loader's descriptor with ENODEV.
MDRV=/sys/bus/platform/drivers/sunxi_mipsloader
touch /tmp/run
( while [ -e /tmp/run ]; do mipsctl load display.bin; done ) >/dev/null 2>&1 & l1=$!
( while [ -e /tmp/run ]; do cat /sys/class/hy300/mips/* >/dev/null 2>&1; done ) & l2=$!
i=0
while [ $i -lt "$CYCLES" ]; do
	echo hy300-mipsloader >$MDRV/unbind || fail "unbind mips (cycle $i)"
	echo hy300-mipsloader >$MDRV/bind || fail "bind mips (cycle $i)"
	i=$((i + 1))
done
rm /tmp/run
wait $l1
wait $l2
[ "$(mipsctl status | tail -n1)" = ok ] || fail "mipsloader unusable after unbind cycles"
echo "stress: $CYCLES unbind/bind cycles of the co-processor during firmware loads"

# --- allocation failures in probe -----------------------------------------
# The write to .../bind runs probe in this task: /proc/self/fail-nth makes
# its n-th allocation fail. An injected failure may log the allocator's own
# warning (with a call trace), so from here only real splats count. A probe
# either fails and leaves nothing behind, or binds: with its class device,
# or, when the failure hit the class device's creation, without it
# ("degraded": one warning, counted in hy300_class's device_errors; see
# tests/vm/degrade.sh for what a degraded driver still does).
next failslab-probe
FS=/sys/kernel/debug/failslab
echo N >$FS/ignore-gfp-wait
echo 0 >$FS/verbose
ERRORS=/sys/kernel/debug/hy300_class/device_errors
[ -r $ERRORS ] || fail "$ERRORS missing"
# bound_ok DEVICE NAME ERRORS_BEFORE N: DEVICE just bound with allocation
# N failing; /sys/class/hy300/NAME exists, or its absence was warned about
# once (one warning more than WARNED, the count after the last such bind)
# and counted once.
bound_ok() {
	read -r e <$ERRORS
	if [ -d "/sys/class/hy300/$2" ]; then
		[ "$e" = "$3" ] || fail "$1 bound with its files but device_errors moved (fail-nth $4)"
		return 0
	fi
	[ "$e" = $(($3 + 1)) ] || fail "$1 bound without /sys/class/hy300/$2, device_errors $e (was $3, fail-nth $4)"
	now=$(degraded_warnings "$2") || fail "the kernel log reader lost a mark"
	[ "$now" = $((WARNED + 1)) ] || fail "$1 bound without /sys/class/hy300/$2 and $((now - WARNED)) warnings, not one (fail-nth $4)"
	WARNED=$now degraded=$((degraded + 1))
}
# The motor's and the co-processor's probes: every slab allocation (and
# every page allocation) in turn in the fuzz step (tests/vm/fuzz.sh,
# probe_faults), with the same checks; here the capture device's probe,
# every allocation in turn until one past the last (failnth
# arms fail-nth for the write to bind only).
echo $TVDEV >$TVDRV/unbind || fail "unbind $TVDEV"
loaded=0 failed=0 degraded=0 n=1
WARNED=$(degraded_warnings tvcap) || fail "the kernel log reader lost a mark"
while :; do
	# read, not cat: a process costs about 0.1 s in the debug guest.
	read -r before <$ERRORS
	failnth $n $TVDRV/bind $TVDEV 2>/dev/null
	rc=$?
	case $rc in
	0 | 3)
		loaded=$((loaded + 1))
		bound_ok $TVDEV tvcap "$before" $n
		[ -n "$(tvcap_video)" ] || fail "$TVDEV bound without its video device (fail-nth $n)"
		[ $rc = 0 ] || break
		echo $TVDEV >$TVDRV/unbind || fail "unbind $TVDEV (fail-nth $n)"
		;;
	1)
		failed=$((failed + 1))
		read -r e <$ERRORS
		[ "$e" = "$before" ] || fail "$TVDEV probe failed on its class device (fail-nth $n)"
		;;
	2) fail "bind $TVDEV failed with nothing injected (fail-nth $n)" ;;
	*) fail "bind $TVDEV with allocation $n failing: failnth exit status $rc" ;;
	esac
	if [ $rc = 1 ]; then
		[ ! -e $TVDRV/$TVDEV ] || fail "$TVDEV still bound after a failed probe (fail-nth $n)"
		[ ! -d $T ] || fail "$T left behind (fail-nth $n)"
		[ -z "$(tvcap_video)" ] || fail "video device left behind (fail-nth $n)"
	fi
	n=$((n + 1))
	[ $n -le 2000 ] || fail "$TVDEV probe: no end of allocations"
done
[ "$(degraded_warnings tvcap)" = "$WARNED" ] || fail "warnings about /sys/class/hy300/tvcap from binds that kept it"
probe_failures=$failed
echo "stress: fault injection: $TVDEV probe: $failed of $((n - 1)) allocations failed it cleanly, $((loaded - 1)) tolerated ($degraded without its class device)"

# Each step of a capture, every allocation in turn: the step fails with
# ENOMEM or goes on, nothing is left behind, the next session streams.
# "Absorbed" failures include kmemleak's own metadata allocations (it falls
# back to its pool), one after each allocation it tracks; mmap (capfault
# can do it too) is left out for time: its allocations are the mm core's.
next failslab-capture
VIDEO=$(tvcap_video)
for step in open reqbufs qbuf streamon; do
	failed=0 absorbed=0 n=1
	while :; do
		capfault "$VIDEO" $step $n
		rc=$?
		case $rc in
		0) failed=$((failed + 1)) ;;
		4) absorbed=$((absorbed + 1)) ;;
		3) break ;;
		*) fail "$step with allocation $n failing" ;;
		esac
		n=$((n + 1))
		[ $n -le 500 ] || fail "$step: no end of allocations"
	done
	echo "stress: fault injection: $step: $((n - 1)) allocations, $failed failed it with ENOMEM, $absorbed absorbed"
done
frames=$(tvcap_value hy300_tvcap_frames_captured_total)
capture "$VIDEO" 30 1280 720 >/dev/null || fail "capture after fault injection"
[ $(($(tvcap_value hy300_tvcap_frames_captured_total) - frames)) = 30 ] || fail "frames_captured_total after fault injection"
for v in buffers_allocated buffers_queued streaming; do
	[ "$(tvcap_value hy300_tvcap_$v)" = 0 ] || fail "$v is $(tvcap_value hy300_tvcap_$v) after fault injection"
done
echo "stress: capture after fault injection: 30 frames, metrics exact"

# --- leaks and splats -------------------------------------------------------
next kmemleak
# shellcheck source=tests/vm/lib/kmemleak.sh
. /lib/hy300/kmemleak.sh
# Each failed probe may leave one video device name (tests/vm/lib/kmemleak.sh).
kmemleak_judge "$probe_failures" || fail "kmemleak"
known=$KMEMLEAK_KNOWN
next ""
echo "stress: kmemleak clean (but for $known device names the V4L2 core leaks on a failed device_register), no lockdep/UBSAN/WARN splat"
echo "stress: ok"
