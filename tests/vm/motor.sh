#!/bin/sh
# Guest test of hy300-keystone-motor on gpio-sim: files and modes, homing
# with the limit switch open and closed, moves, bad input, EBUSY, stop, and
# rmmod during a move. Prints "motor: ok" and exits 0 when all pass.
M=/sys/class/hy300/motor
fail() { echo "motor: FAIL: $*"; exit 1; }

# value NAME [FILE]: the sample NAME (with labels, exactly) from FILE.
value() { grep "^$1 " "${2:-$M/metrics}" | cut -d' ' -f2; }
expect() { # expect NAME WANT
	got=$(value "$1")
	[ "$got" = "$2" ] || fail "$1 is '$got', expected '$2'"
}
wait_idle() {
	i=0
	while [ "$(value hy300_motor_moving)" != 0 ]; do
		i=$((i + 1))
		[ $i -lt 400 ] || fail "move did not finish in 20 s"
		usleep 50000
	done
}
limit_pull() { # open | closed: the switch is active-low with pull-up
	case $1 in open) p=pull-up ;; closed) p=pull-down ;; esac
	echo "$p" >"$SIM/sim_gpio14/pull" || fail "cannot set limit switch pull"
}
must_refuse() { # must_refuse FILE DATA: the write fails, nothing changes
	before=$(grep -v -e '^hy300_motor_limit_switch_active' -e '^#' "$M/metrics")
	if printf '%s' "$2" >"$1" 2>/dev/null; then fail "write '$2' to $1 was accepted"; fi
	after=$(grep -v -e '^hy300_motor_limit_switch_active' -e '^#' "$M/metrics")
	[ "$before" = "$after" ] || fail "refused write '$2' to $1 changed the metrics"
}

for SIM in /sys/devices/platform/gpio-sim.*/gpiochip*; do break; done
[ -d "$SIM" ] || fail "gpio-sim chip not found"
[ -d "$M" ] || fail "$M missing"

for f in metrics position_status calibration_state movement_counters gpio_status step_timing; do
	[ "$(stat -c '%a %u' "$M/$f")" = "444 0" ] || fail "$f mode $(stat -c '%a %u' "$M/$f")"
done
for f in position home stop; do
	[ "$(stat -c '%a %u' "$M/$f")" = "200 0" ] || fail "$f mode $(stat -c '%a %u' "$M/$f")"
done
expect hy300_motor_homed 0
expect hy300_motor_limit_switch_active 0

# Homing with the switch never closing fails after max + margin steps.
echo 1 >"$M/home" || fail "home write"
wait_idle
expect hy300_motor_homed 0
expect hy300_motor_homing_failures_total 1
expect 'hy300_motor_steps_total{direction="counter_clockwise"}' 301
dmesg | grep -q 'homing failed: limit switch not seen within 300 steps' || fail "no dmesg line for failed homing"
echo "motor: homing without switch fails after 301 steps"

# With the switch closed, homing succeeds at once.
limit_pull closed
expect hy300_motor_limit_switch_active 1
echo 1 >"$M/home" || fail "home write"
wait_idle
expect hy300_motor_homed 1
expect hy300_motor_position_steps 0
expect hy300_motor_homing_successes_total 1
limit_pull open

# A move: 120 steps clockwise, phases de-energised afterwards.
echo 120 >"$M/position" || fail "position write"
wait_idle
expect hy300_motor_position_steps 120
expect hy300_motor_target_position_steps 120
expect 'hy300_motor_steps_total{direction="clockwise"}' 120
expect hy300_motor_movements_total 1
for line in 0 1 2 3; do
	expect "hy300_motor_phase_line_level{line=\"$line\"}" 0
done
for hw in 4 5 6 7; do
	[ "$(cat "$SIM/sim_gpio$hw/value")" = 0 ] || fail "gpio-sim line $hw left energised"
done
expect hy300_motor_step_duration_seconds_count 421
echo "motor: moved to 120"

# A second move while one runs gets EBUSY (retried if the first was done).
busy=no
for target in 0 200 0 200 0; do
	echo "$target" >"$M/position" || fail "position write"
	if ! echo 100 >"$M/position" 2>/dev/null; then busy=yes; fi
	wait_idle
	[ $busy = yes ] && break
done
[ $busy = yes ] || fail "never saw EBUSY for a write during a move"
dmesg | grep -q 'busy: a move is in progress' || fail "no dmesg line for EBUSY"

# stop ends a move early.
pos=$(value hy300_motor_position_steps)
target=0
[ "$pos" -lt 100 ] && target=200
echo $target >"$M/position" || fail "position write"
echo 1 >"$M/stop" || fail "stop write"
wait_idle
[ "$(value hy300_motor_moves_stopped_total)" -ge 1 ] || fail "stop did not stop the move"
[ "$(value hy300_motor_position_steps)" != $target ] || fail "stopped move reached its target"
echo "motor: EBUSY and stop work"

# Bad input: refused with an error, state unchanged.
long=$(head -c 4000 /dev/zero | tr '\0' 9)
nl=$(printf '\nx')
nl=${nl%x}
for bad in abc -1 201 '1 2' +5 0x10 ' 7' '7 ' "$long" "$nl" "5$nl$nl" "$nl""5"; do
	must_refuse "$M/position" "$bad"
done
for bad in 0 2 yes '1 1'; do
	must_refuse "$M/home" "$bad"
	must_refuse "$M/stop" "$bad"
done
dmesg | grep -q 'position: expected an integer 0..=200' || fail "no dmesg line for bad position"
echo "motor: bad input refused"

# rmmod during a move returns promptly and removes only the motor.
echo 200 >"$M/position" 2>/dev/null || echo 0 >"$M/position" || fail "position write"
rmmod hy300_keystone_motor || fail "rmmod during a move"
[ ! -e "$M" ] || fail "$M still present after rmmod"
[ -d /sys/class/hy300 ] || fail "class removed with the driver"
insmod "$HY300_MODULES/hy300-keystone-motor.ko" || fail "re-insmod"
[ -d "$M" ] || fail "$M missing after re-insmod"
expect hy300_motor_homed 0
echo "motor: rmmod during a move, reload"

echo "motor: ok"
