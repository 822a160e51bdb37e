#!/bin/sh
# Reliability under the debug kernel (kmemleak, lockdep, UBSAN, debug
# objects, SLUB debug, failslab), run by tests/stress.sh:
#   permissions, concurrent readers and writers (every read parses,
#   counters never go backwards, histogram _count == +Inf), 10,000 invalid
#   writes, STRESS_CYCLES (200) load/unload cycles of every module under
#   load, allocation failures injected into every probe, then kmemleak and
#   dmesg must be clean. Prints "stress: ok".
CYCLES=${STRESS_CYCLES:-200}
KL=/sys/kernel/debug/kmemleak
M=/sys/class/hy300/motor
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
# The 0444 files of every device.
metrics_files() {
	for f in /sys/class/hy300/*/*; do
		[ -f "$f" ] && [ "$(stat -c %a "$f")" = 444 ] && echo "$f"
	done
}

[ -e $KL ] || fail "kmemleak not available"
echo scan >$KL
echo clear >$KL

# --- permissions ----------------------------------------------------------
for f in $(metrics_files); do
	asuser 65534 cat "$f" >/dev/null || fail "nobody cannot read $f"
done
for f in $M/position $M/home $M/stop; do
	if asuser 65534 sh -c "echo 1 >$f" 2>/dev/null; then fail "nobody wrote $f"; fi
done
if asuser 65534 mipsctl status >/dev/null 2>&1; then fail "nobody opened /dev/mipsloader"; fi
for f in $(metrics_files); do
	if grep -E '(0x)?ffff[0-9a-f]{12}' "$f"; then fail "$f shows a kernel pointer"; fi
done
echo "stress: permissions: metrics world-readable, controls and /dev/mipsloader root-only"

# --- concurrent readers and writers ---------------------------------------
cat >/tmp/check.awk <<'EOA'
# Every line is a comment or a sample; _count equals the +Inf bucket just
# before it; counters (from PREV, "name value" lines) never decrease.
BEGIN { while ((getline l < PREV) > 0) { split(l, p, " "); prev[p[1]] = p[2] } }
/^#/ { if ($2 == "TYPE") type[$3] = $4; next }
!/^[a-z_:][a-z0-9_:]*(\{[^}]*\})? [-+0-9.eE]+$/ { print "bad line: " $0; bad = 1; next }
{
	name = $1; sub(/\{.*/, "", name)
	if ($1 ~ /le="\+Inf"/) inf = $2
	if (name ~ /_count$/ && type[substr(name, 1, length(name) - 6)] == "histogram" && $2 != inf) { print "count " $2 " != +Inf " inf; bad = 1 }
	base = name; sub(/_(bucket|sum|count)$/, "", base)
	if (type[name] == "counter" || type[base] == "histogram") {
		if (($1 in prev) && $2 + 0 < prev[$1] + 0) { print "went backwards: " $1 " " prev[$1] " -> " $2; bad = 1 }
		print $1, $2 > NEXT
	}
}
END { exit bad }
EOA
reader() { # reader ID ROUNDS
	i=0
	while [ $i -lt "$2" ]; do
		for f in /sys/class/hy300/motor/metrics /sys/class/hy300/mips/metrics; do
			key=/tmp/prev.$1.$(basename "$(dirname "$f")")
			touch "$key"
			cat "$f" >"/tmp/read.$1" || return 1
			awk -v PREV="$key" -v NEXT="$key.new" -f /tmp/check.awk "/tmp/read.$1" || { cat "/tmp/read.$1"; return 1; }
			mv "$key.new" "$key"
		done
		i=$((i + 1))
	done
}
reader 1 150 & r1=$!
reader 2 150 & r2=$!
( i=0; while [ $i -lt 60 ]; do echo $((i * 37 % 200)) >"$M/position" 2>/dev/null; echo 1 >"$M/stop"; i=$((i + 1)); done ) & w1=$!
( i=0; while [ $i -lt 60 ]; do mipsctl status >/dev/null; mipsctl restart >/dev/null; mipsctl panel 1 2 3 4 5 6 7 8 >/dev/null; i=$((i + 1)); done ) & w2=$!
wait $r1 || fail "reader 1 saw an invalid page or a counter going backwards"
wait $r2 || fail "reader 2 saw an invalid page or a counter going backwards"
wait $w1
wait $w2
while grep -q '^hy300_motor_moving 1' $M/position_status; do usleep 20000; done
echo "stress: 2 readers x 150 rounds under writers: every page valid, counters monotonic"

# --- invalid input ----------------------------------------------------------
before=$(grep -v -e '^#' -e limit_switch_active "$M/metrics" | grep -v -e step_duration -e phase_transitions)
badwrite 5000 11 $M/position $M/home $M/stop & b1=$!
badwrite 5000 22 $M/position $M/home $M/stop & b2=$!
wait $b1 || fail "an invalid write was accepted"
wait $b2 || fail "an invalid write was accepted"
after=$(grep -v -e '^#' -e limit_switch_active "$M/metrics" | grep -v -e step_duration -e phase_transitions)
[ "$before" = "$after" ] || fail "invalid writes changed the motor state"
logged=$(dmesg | grep -c -e 'position: expected' -e 'write 1 to')
[ "$logged" -lt 200 ] || fail "$logged log lines for 10,000 refused writes: not rate limited"
echo "stress: 10,000 invalid writes refused, state unchanged, $logged log lines (rate limited)"

# --- load/unload cycles under load ---------------------------------------
touch /tmp/run
( while [ -e /tmp/run ]; do cat /sys/class/hy300/*/metrics >/dev/null 2>&1; done ) & l1=$!
( while [ -e /tmp/run ]; do echo 5 >$M/position; echo 1 >$M/stop; mipsctl status >/dev/null; done ) 2>/dev/null & l2=$!
( while [ -e /tmp/run ]; do for v in /dev/video*; do capture "$v" 3 320 240; done; done ) >/dev/null 2>&1 & l3=$!
i=0
while [ $i -lt "$CYCLES" ]; do
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
echo "stress: $CYCLES load/unload cycles under readers and writers"

SPLATS='BUG:|WARNING:|Oops|UBSAN|possible circular|possible recursive|sleeping function called|ODEBUG|refcount_t|kmemleak: [0-9]+ new suspected'
if dmesg | grep -E "$SPLATS|Call Trace"; then
	fail "kernel splat in dmesg"
fi
echo "stress: no splat so far"

# --- allocation failures in probe -----------------------------------------
# The write to .../bind runs probe in this task: /proc/self/fail-nth makes
# its n-th allocation fail. An injected failure may log the allocator's own
# warning (with a call trace), so from here only real splats count.
dmesg -c >/dev/null
FS=/sys/kernel/debug/failslab
echo N >$FS/ignore-gfp-wait
echo 0 >$FS/verbose
loaded=0 failed=0
for spec in hy300_keystone_motor:hy300-keystone-motor:motor sunxi_mipsloader:hy300-mipsloader:mips; do
	driver=${spec%%:*}
	rest=${spec#*:}
	device=${rest%%:*}
	dir=/sys/class/hy300/${rest#*:}
	drv=/sys/bus/platform/drivers/$driver
	echo "$device" >"$drv/unbind" || fail "unbind $device"
	n=1
	while [ $n -le 40 ]; do
		if sh -c "echo $n >/proc/self/fail-nth && echo $device >$drv/bind" 2>/dev/null; then
			loaded=$((loaded + 1))
			[ -d "$dir" ] || fail "$device bound without $dir (fail-nth $n)"
			echo "$device" >"$drv/unbind" || fail "unbind $device (fail-nth $n)"
		else
			failed=$((failed + 1))
		fi
		[ ! -e "$drv/$device" ] || fail "$device still bound after a failed probe (fail-nth $n)"
		[ ! -d "$dir" ] || fail "$dir left behind (fail-nth $n)"
		n=$((n + 1))
	done
	echo "$device" >"$drv/bind" || fail "bind $device after fault injection"
	[ -d "$dir" ] || fail "$dir missing after fault injection"
done
echo "stress: fault injection: $failed probes failed cleanly, $loaded succeeded, none half-registered"

# --- leaks and splats -------------------------------------------------------
sleep 6
echo scan >$KL
sleep 6
echo scan >$KL
leaks=$(grep -c '^unreferenced object' $KL)
if [ "$leaks" -ne 0 ]; then
	head -n 60 $KL
	fail "kmemleak reports $leaks unreferenced objects"
fi
if dmesg | grep -E "$SPLATS"; then
	fail "kernel splat in dmesg"
fi
echo "stress: kmemleak clean, no lockdep/UBSAN/WARN splat"
echo "stress: ok"
