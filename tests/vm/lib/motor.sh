# shellcheck shell=sh
# The motor guest tests' helpers (tests/vm/motor.sh, tests/vm/suspend.sh).
# The sourcing test sets M (the motor's class directory), SIM (its gpio-sim
# chip, for limit_pull) and defines fail.

# value NAME [FILE]: the sample NAME (with labels, exactly) from FILE.
value() { grep "^$1 " "${2:-$M/metrics}" | cut -d' ' -f2; }
expect() { # expect NAME WANT [FILE]
	got=$(value "$1" "${3:-$M/metrics}")
	[ "$got" = "$2" ] || fail "$1 is '$got', expected '$2'"
}
# settle COUNTER N: wait until the worker has taken the request(s) written
# (COUNTER, which it increments after setting "moving", has reached N) and
# is idle again. A write only queues the request on a workqueue, so right
# after it "moving" may still read 0.
settle() {
	i=0
	while [ "$(value "$1")" -lt "$2" ] || [ "$(value hy300_motor_moving)" != 0 ]; do
		i=$((i + 1))
		[ $i -lt 400 ] || fail "request not done in 20 s ($1 < $2 or moving)"
		usleep 50000
	done
}
home_motor() { # home_motor: homing, waited for
	n=$(value hy300_motor_homing_attempts_total)
	echo 1 >"$M/home" || fail "home write"
	settle hy300_motor_homing_attempts_total $((n + 1))
}
move_to() { # move_to TARGET: a move, waited for
	n=$(value hy300_motor_movements_total)
	echo "$1" >"$M/position" || fail "position write $1"
	settle hy300_motor_movements_total $((n + 1))
}
limit_pull() { # open | closed: the switch is active-low with pull-up
	case $1 in open) p=pull-up ;; closed) p=pull-down ;; esac
	echo "$p" >"$SIM/sim_gpio14/pull" || fail "cannot set limit switch pull"
}
phases_off() { # phases_off WHEN: no gpio-sim phase line and no driver level high
	for hw in 4 5 6 7; do
		[ "$(cat "$SIM/sim_gpio$hw/value")" = 0 ] || fail "gpio-sim line $hw energised $1"
	done
	for line in 0 1 2 3; do
		expect "hy300_motor_phase_line_level{line=\"$line\"}" 0
	done
}
