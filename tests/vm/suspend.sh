#!/bin/sh
# Guest test of system suspend/resume of the motor and the co-processor.
# Each cycle is a real system suspend stopped after the devices' suspend
# callbacks (pm_test "devices": processes frozen, every device suspended,
# 1 s, every device resumed, processes thawed). Checks: a move running at
# suspend is stopped between steps (stop counted, logged, the position the
# steps taken, the phases off, still homed), a homing run stopped by it
# leaves the motor un-homed, moves work after resume from the phase the
# stopped move left; the co-processor with firmware gets exactly one power
# down at suspend and one restart (reset pulse) at resume and runs again,
# without firmware nothing is touched. Prints "suspend: ok" when all pass.
M=/sys/class/hy300/motor
C=/sys/class/hy300/mips
fail() { echo "suspend: FAIL: $*"; exit 1; }
# shellcheck source=tests/vm/lib/motor.sh
. /lib/hy300/motor.sh
klog() { dmesg | grep -c "$1"; }

[ -e /sys/power/pm_test ] || fail "no /sys/power/pm_test (kernel without CONFIG_PM_DEBUG/PM_SLEEP_DEBUG)"
grep -qw freeze /sys/power/state || fail "/sys/power/state offers no freeze: '$(cat /sys/power/state)'"
echo 1 >/sys/module/suspend/parameters/pm_test_delay || fail "cannot set pm_test_delay"
echo devices >/sys/power/pm_test || fail "cannot select pm_test devices"
cycles=0
# sleep_cycle: one suspend and resume of every device; returns after resume.
sleep_cycle() {
	echo freeze >/sys/power/state || fail "suspend (freeze, pm_test devices) failed"
	cycles=$((cycles + 1))
}

# --- motor -------------------------------------------------------------------
for SIM in /sys/devices/platform/gpio-sim.*/gpiochip*; do break; done
[ -d "$SIM" ] || fail "gpio-sim chip not found"
[ -d "$M" ] || fail "$M missing"
cw() { value 'hy300_motor_steps_total{direction="clockwise"}'; }
ccw() { value 'hy300_motor_steps_total{direction="counter_clockwise"}'; }
lost=$(klog 'position may have been lost')

# Homed at 0 (switch closed), switch open again.
limit_pull closed
n=$(value hy300_motor_homing_attempts_total)
echo 1 >"$M/home" || fail "home write"
settle hy300_motor_homing_attempts_total $((n + 1))
limit_pull open
expect hy300_motor_homed 1
move_to 0

# Idle: a suspend changes nothing and logs no stop.
before=$(grep -v -e '^#' -e '^hy300_motor_limit_switch_active' "$M/metrics")
logged=$(klog 'system suspend: move stopped')
sleep_cycle
after=$(grep -v -e '^#' -e '^hy300_motor_limit_switch_active' "$M/metrics")
[ "$before" = "$after" ] || fail "an idle suspend changed the motor's metrics"
[ "$(klog 'system suspend: move stopped')" = "$logged" ] || fail "an idle suspend logged a stopped move"
phases_off "after an idle suspend"
echo "motor: idle suspend changes nothing"

# A move running at suspend is stopped between steps. It is seen stepping
# before the suspend starts; a move that reached its target before the
# devices were suspended (a slow guest) is tried again, the other way.
try=0
while :; do
	try=$((try + 1))
	[ $try -le 5 ] || fail "5 moves running at suspend were never stopped by it"
	pos=$(value hy300_motor_position_steps)
	target=200
	[ "$pos" -lt 100 ] || target=0
	n=$(value hy300_motor_movements_total)
	stopped=$(value hy300_motor_moves_stopped_total)
	logged=$(klog 'system suspend: move stopped')
	c0=$(cw)
	a0=$(ccw)
	echo $target >"$M/position" || fail "position write $target"
	i=0
	while grep -q "^hy300_motor_position_steps $pos\$" "$M/position_status"; do
		i=$((i + 1))
		[ $i -lt 2000 ] || fail "move to $target not seen stepping"
	done
	sleep_cycle
	settle hy300_motor_movements_total $((n + 1))
	[ "$(value hy300_motor_moves_stopped_total)" = "$stopped" ] || break
	[ "$(value hy300_motor_position_steps)" = "$target" ] ||
		fail "a move neither reached $target nor was stopped (position $(value hy300_motor_position_steps))"
done
now=$(value hy300_motor_position_steps)
[ "$now" != "$target" ] || fail "the move stopped by suspend reached its target"
expect hy300_motor_moves_stopped_total $((stopped + 1))
expect hy300_motor_movements_total $((n + 1))
expect hy300_motor_moving 0
# Exact: the position moved by the steps taken, and the log says where.
[ $((pos + $(cw) - c0 - ($(ccw) - a0))) -eq "$now" ] || fail "position $now is not $pos plus the steps taken"
[ "$(klog 'system suspend: move stopped')" = $((logged + 1)) ] || fail "the stop at suspend was not logged once"
dmesg | grep 'system suspend: move stopped' | tail -n1 | grep -q "at position $now\$" ||
	fail "the stop was logged at another position than $now"
phases_off "after a move stopped by suspend"
expect hy300_motor_homed 1
[ "$(cat "$M/homed")" = 1 ] || fail "homed file is not 1 after resume"
[ "$(klog 'position may have been lost')" = "$lost" ] || fail "a normal resume said the position was lost"
echo "motor: move to $target stopped by suspend at $now of $pos..$target (try $try), still homed"

# Moves work after resume, without homing, and walk the half-step table on
# from the entry the stopped move left (motion.rs; the phase log of sim.rs).
PHASE_LOG=/sys/kernel/debug/hy300-motor-sim/phase_log
TABLE="04 0c 08 09 01 03 02 06"
entry() {
	i=$1
	# shellcheck disable=SC2086 # TABLE is a word list
	set -- $TABLE
	shift "$i"
	echo $((0x$1))
}
index=$(((($(cw) - $(ccw)) % 8 + 8) % 8))
homings=$(value hy300_motor_homing_attempts_total)
step=3
[ "$now" -lt 100 ] || step=-3
echo 1 >"$PHASE_LOG" || fail "cannot clear $PHASE_LOG"
move_to $((now + step))
expect hy300_motor_position_steps $((now + step))
expect hy300_motor_homing_attempts_total "$homings"
states="" state=0 k=0
while [ $k -lt 3 ]; do
	if [ $step -gt 0 ]; then index=$(((index + 1) % 8)); else index=$(((index + 7) % 8)); fi
	want=$(entry $index)
	for bit in 1 2 4 8; do
		if [ $(((state ^ want) & bit)) -ne 0 ]; then
			state=$((state ^ bit))
			states="$states $(printf '%02x' "$state")"
		fi
	done
	k=$((k + 1))
done
for bit in 1 2 4 8; do
	if [ $((state & bit)) -ne 0 ]; then
		state=$((state ^ bit))
		states="$states $(printf '%02x' "$state")"
	fi
done
plog=$(cat "$PHASE_LOG") || fail "cannot read $PHASE_LOG"
[ "$plog" = "${states# }" ] || fail "after resume the phase lines went '$plog', expected '${states# }'"
phases_off "after a move after resume"
echo "motor: a move after resume takes the half-step table on: $plog"

# Homing stopped by suspend: the motor resumes un-homed (homing had
# cleared it), the next move homes first. The switch stays open: homing
# takes up to 300 steps. Retried like the move above.
try=0
while :; do
	try=$((try + 1))
	[ $try -le 5 ] || fail "5 homing runs were never stopped by the suspend"
	n=$(value hy300_motor_homing_attempts_total)
	stopped=$(value hy300_motor_moves_stopped_total)
	failures=$(value hy300_motor_homing_failures_total)
	a0=$(ccw)
	echo 1 >"$M/home" || fail "home write"
	i=0
	while [ "$(ccw)" = "$a0" ]; do
		i=$((i + 1))
		[ $i -lt 2000 ] || fail "homing not seen stepping"
	done
	sleep_cycle
	settle hy300_motor_homing_attempts_total $((n + 1))
	[ "$(value hy300_motor_moves_stopped_total)" = "$stopped" ] || break
done
expect hy300_motor_homing_failures_total $((failures + 1))
expect hy300_motor_homed 0
phases_off "after homing stopped by suspend"
[ "$(klog 'position may have been lost')" = "$lost" ] || fail "resume logged a lost position for an un-homed motor"
limit_pull closed
homings=$(value hy300_motor_homing_attempts_total)
move_to 40
limit_pull open
expect hy300_motor_homing_attempts_total $((homings + 1))
expect hy300_motor_homed 1
expect hy300_motor_position_steps 40
echo "motor: homing stopped by suspend leaves it un-homed (try $try); the next move homed first"

# --- co-processor --------------------------------------------------------------
[ -d "$C" ] || fail "$C missing"
# counts: "register/op N" for every register and direction, from
# register_access_count (access_total counts both; writes_total the writes).
counts() {
	for r in cmd status data control; do
		w=$(value "hy300_mips_register_writes_total{register=\"$r\"}" "$C/register_access_count")
		a=$(value "hy300_mips_register_access_total{register=\"$r\"}" "$C/register_access_count")
		case "$w:$a" in *[!0-9:]* | :* | *:) echo "missing $r" ;; esac
		echo "$r/read $((a - w))"
		echo "$r/write $w"
	done
}
# accesses BEFORE "register/op=N ...": since the counts BEFORE, these grew
# by exactly N, every other one not at all.
accesses() {
	cur=$(counts)
	case "$1$cur" in *missing*) fail "register_access_count lacks a register" ;; esac
	for k in cmd/read cmd/write status/read status/write data/read data/write control/read control/write; do
		want=0
		for d in $2; do
			[ "${d%=*}" = "$k" ] && want=${d#*=}
		done
		b=$(echo "$1" | grep "^$k " | cut -d' ' -f2)
		a=$(echo "$cur" | grep "^$k " | cut -d' ' -f2)
		[ $((a - b)) -eq "$want" ] || fail "$k grew by $((a - b)) over a suspend, expected $want"
	done
}
mstatus() { # mstatus WANT: GET_STATUS's loaded= field
	got=$(mipsctl status | head -n1)
	case "$got" in "loaded=$1 "*) ;; *) fail "status says '$got', expected loaded=$1" ;; esac
}
powerdowns() { klog 'hy300-mips-sim: power down command'; }

out=$(mipsctl load display.bin | tail -n1)
[ "$out" = ok ] || fail "loading display.bin said '$out'"
expect hy300_mips_firmware_loaded 1 "$C/metrics"
before=$(counts)
pd=$(powerdowns)
down=$(klog 'co-processor powered down for suspend')
up=$(klog 'co-processor restarted after resume')
sleep_cycle
accesses "$before" "cmd/write=1 control/write=2"
[ $(($(powerdowns) - pd)) -eq 1 ] || fail "the simulation saw $(($(powerdowns) - pd)) power-down commands over a suspend, expected 1"
[ $(($(klog 'co-processor powered down for suspend') - down)) -eq 1 ] || fail "power down for suspend not logged once"
[ $(($(klog 'co-processor restarted after resume') - up)) -eq 1 ] || fail "restart after resume not logged once"
# The power down came before the restart.
dmesg | grep -e 'hy300-mips-sim: power down command' -e 'co-processor restarted after resume' | tail -n2 | head -n1 |
	grep -q 'power down command' || fail "the power down did not come before the restart"
# The C original's 100 ms wait followed the command, before the clock stop.
dmesg | grep -o 'hy300-mips-sim: power down .*' | tail -n2 | tr '\n' '|' |
	grep -qx 'hy300-mips-sim: power down command|hy300-mips-sim: power down settled after 100 ms|' ||
	fail "the power down for suspend was not followed by its 100 ms wait"
expect hy300_mips_firmware_loaded 1 "$C/metrics"
mstatus 1
echo "mips: with firmware, suspend powered the core down and resume restarted it"

out=$(mipsctl powerdown | tail -n1)
[ "$out" = ok ] || fail "powerdown said '$out'"
before=$(counts)
pd=$(powerdowns)
up=$(klog 'co-processor restarted after resume')
sleep_cycle
accesses "$before" ""
[ "$(powerdowns)" -eq "$pd" ] || fail "a suspend without firmware sent a power down"
[ "$(klog 'co-processor restarted after resume')" -eq "$up" ] || fail "a resume without firmware restarted the core"
expect hy300_mips_firmware_loaded 0 "$C/metrics"
mstatus 0
out=$(mipsctl load display.bin | tail -n1)
[ "$out" = ok ] || fail "loading display.bin after resume said '$out'"
expect hy300_mips_firmware_loaded 1 "$C/metrics"
echo "mips: without firmware, suspend and resume touch nothing; loads work after"

echo none >/sys/power/pm_test || fail "cannot reset pm_test"
echo "suspend: ok ($cycles suspend cycles)"
