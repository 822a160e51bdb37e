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
echo "stress: 10,000 invalid writes refused, state unchanged"

# --- load/unload cycles under load ---------------------------------------
touch /tmp/run
( while [ -e /tmp/run ]; do cat /sys/class/hy300/*/metrics >/dev/null 2>&1; done ) & l1=$!
( while [ -e /tmp/run ]; do echo 5 >$M/position 2>/dev/null; echo 1 >$M/stop 2>/dev/null; mipsctl status >/dev/null 2>&1; done ) & l2=$!
i=0
while [ $i -lt "$CYCLES" ]; do
	rmmod hy300_keystone_motor || fail "rmmod motor (cycle $i)"
	rmmod sunxi_mipsloader || fail "rmmod mips (cycle $i)"
	if [ $((i % 10)) -eq 0 ]; then
		rmmod hy300_class || fail "rmmod class (cycle $i)"
		insmod "$HY300_MODULES/hy300_class.ko" || fail "insmod class (cycle $i)"
	fi
	insmod "$HY300_MODULES/sunxi-mipsloader.ko" || fail "insmod mips (cycle $i)"
	insmod "$HY300_MODULES/hy300-keystone-motor.ko" || fail "insmod motor (cycle $i)"
	if [ ! -d $M ] || [ ! -d /sys/class/hy300/mips ]; then fail "devices missing after cycle $i"; fi
	i=$((i + 1))
done
rm /tmp/run
wait $l1
wait $l2
echo "stress: $CYCLES load/unload cycles under readers and writers"

# --- allocation failures in probe -----------------------------------------
FS=/sys/kernel/debug/failslab
echo N >$FS/ignore-gfp-wait
echo 0 >$FS/verbose
echo 100 >$FS/probability
loaded=0 failed=0
for mod in hy300_keystone_motor:hy300-keystone-motor sunxi_mipsloader:sunxi-mipsloader; do
	name=${mod%%:*}
	file=${mod#*:}
	dir=/sys/class/hy300/motor
	[ "$name" = sunxi_mipsloader ] && dir=/sys/class/hy300/mips
	n=1
	while [ $n -le 40 ]; do
		rmmod "$name" 2>/dev/null
		if sh -c "echo $n >/proc/self/fail-nth && exec insmod \"$HY300_MODULES/$file.ko\"" 2>/dev/null; then
			loaded=$((loaded + 1))
		else
			failed=$((failed + 1))
		fi
		# Either the driver is bound with its files, or nothing is left.
		bound=no
		for link in /sys/bus/platform/drivers/"$name"/hy300-*; do
			[ -e "$link" ] && bound=yes
		done
		if grep -q "^$name " /proc/modules && [ $bound = yes ]; then
			[ -d $dir ] || fail "$name bound without its class device (fail-nth $n)"
		else
			[ ! -d $dir ] || fail "$dir left behind by a failed probe (fail-nth $n)"
		fi
		n=$((n + 1))
	done
	rmmod "$name" 2>/dev/null
	insmod "$HY300_MODULES/$file.ko" || fail "insmod $file after fault injection"
	[ -d $dir ] || fail "$dir missing after fault injection"
done
echo 0 >$FS/probability
echo "stress: fault injection: $failed failed loads or probes, $loaded clean, none half-registered"

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
if dmesg | grep -E 'BUG:|WARNING:|Oops|Call Trace|UBSAN|possible circular|possible recursive|sleeping function called|ODEBUG|refcount_t|kmemleak:.*leak'; then
	fail "kernel splat in dmesg"
fi
echo "stress: kmemleak clean, no lockdep/UBSAN/WARN splat"
echo "stress: ok"
