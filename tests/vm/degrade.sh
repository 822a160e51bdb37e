#!/bin/sh
# Graceful degradation (debug kernel: failslab), run by tests/degrade.sh.
# For each driver, its device is bound again and again with the n-th
# allocation of the probe failing (failnth), n = 1, 2, ..., until one
# makes only the creation of its class device fail. The driver must then
# be bound without /sys/class/hy300/<name>, have logged one warning, have
# counted it in /sys/kernel/debug/hy300_class/device_errors (every failed
# probe before must have left the counter alone), and do its job:
# /dev/mipsloader answers and loads firmware, the V4L2 node streams, the
# motor holds its phase lines off. rmmod in that state is clean, insmod
# brings the files back (the motor then moves), kmemleak and dmesg stay
# clean. Prints "degrade: ok".
fail() { echo "degrade: FAIL: $*"; exit 1; }
ERRORS=/sys/kernel/debug/hy300_class/device_errors
FS=/sys/kernel/debug/failslab
[ -r $ERRORS ] || fail "$ERRORS missing"
[ -d $FS ] || fail "no failslab (CONFIG_FAILSLAB, CONFIG_FAULT_INJECTION_DEBUG_FS)"
echo N >$FS/ignore-gfp-wait || fail "failslab ignore-gfp-wait"
echo 0 >$FS/verbose || fail "failslab verbose"
# shellcheck source=tests/vm/lib/tvcap.sh
. /lib/hy300/tvcap.sh
# shellcheck source=tests/vm/lib/splat.sh
. /lib/hy300/splat.sh
# shellcheck source=tests/vm/lib/kmemleak.sh
. /lib/hy300/kmemleak.sh
# shellcheck source=tests/vm/lib/klog.sh
. /lib/hy300/klog.sh
errors() {
	read -r v <$ERRORS || fail "cannot read $ERRORS"
	echo "$v"
}

# Probes made to fail, all devices (each may leave one known kmemleak report).
probe_failures=0
# degrade DRIVER DEVICE NAME: DEVICE bound to DRIVER without its class
# device /sys/class/hy300/NAME, by the first allocation of the probe whose
# failure allows that; checks the warning and the count.
degrade() {
	drv=/sys/bus/platform/drivers/$1 dir=/sys/class/hy300/$3
	echo "$2" >"$drv/unbind" || fail "unbind $2"
	n=1
	warned=$(degraded_warnings "$3") || fail "the kernel log reader lost a mark"
	while :; do
		before=$(errors)
		failnth $n "$drv/bind" "$2" 2>/dev/null
		rc=$?
		case $rc in
		0)
			[ -d "$dir" ] || break
			[ "$(errors)" = "$before" ] || fail "$2 bound with $dir but device_errors moved (allocation $n)"
			echo "$2" >"$drv/unbind" || fail "unbind $2 (allocation $n)"
			;;
		1)
			probe_failures=$((probe_failures + 1))
			[ "$(errors)" = "$before" ] || fail "$2 probe failed on its class device (allocation $n)"
			[ ! -e "$drv/$2" ] || fail "$2 bound after a failed probe (allocation $n)"
			;;
		3) fail "$2: none of the $((n - 1)) allocations of its probe left it bound without $dir" ;;
		*) fail "bind $2 with allocation $n failing: failnth exit status $rc" ;;
		esac
		n=$((n + 1))
		[ $n -le 2000 ] || fail "$2 probe: no end of allocations"
	done
	[ -e "$drv/$2" ] || fail "$2 not bound"
	[ "$(errors)" = $((before + 1)) ] || fail "device_errors $(errors), expected $((before + 1))"
	warnings=$(degraded_warnings "$3") || fail "the kernel log reader lost a mark"
	[ "$warnings" = $((warned + 1)) ] || fail "$((warnings - warned)) warnings for $dir, expected 1"
	echo "degrade: $2: allocation $n of its probe failed: bound without $dir, one warning, counted"
}

# reload MODULE_NAME KO NAME: rmmod in the degraded state, insmod binds
# again with the class device.
reload() {
	rmmod "$1" || fail "rmmod $1 while degraded"
	[ ! -d "/sys/class/hy300/$3" ] || fail "/sys/class/hy300/$3 after rmmod"
	insmod "$HY300_MODULES/$2" || fail "insmod $2"
	[ -d "/sys/class/hy300/$3" ] || fail "/sys/class/hy300/$3 missing after insmod"
}

# --- co-processor -------------------------------------------------------------
mips() { # mips EXPECTED ARGS...: mipsctl's verdict
	want=$1
	shift
	got=$(mipsctl "$@" | tail -n1)
	[ "$got" = "$want" ] || fail "mipsctl $* said '$got', expected '$want'"
}
degrade sunxi_mipsloader hy300-mipsloader mips
mips ok status
mips ok load display.bin
mips ok panel 1 2 3 4 5 6 7 8
mips ok restart
mips ok status
echo "degrade: mips: /dev/mipsloader loads firmware, sets the panel, restarts"
reload sunxi_mipsloader sunxi-mipsloader.ko mips
mips ok status

# --- capture --------------------------------------------------------------------
degrade sunxi_tvcap hy300-tvcap tvcap
VIDEO=$(tvcap_video)
[ -c "$VIDEO" ] || fail "no video device while degraded"
capture "$VIDEO" 10 1280 720 || fail "streaming 10 frames while degraded"
echo "degrade: tvcap: $VIDEO streams"
reload sunxi_tvcap sunxi-tvcap.ko tvcap
VIDEO=$(tvcap_video)
[ -c "$VIDEO" ] || fail "no video device after reload"
capture "$VIDEO" 2 1280 720 >/dev/null || fail "streaming after reload"

# --- motor -------------------------------------------------------------------------
for SIM in /sys/devices/platform/gpio-sim.*/gpiochip*; do break; done
[ -d "$SIM" ] || fail "gpio-sim chip not found"
phases_off() {
	for hw in 4 5 6 7; do
		[ "$(cat "$SIM/sim_gpio$hw/value")" = 0 ] || fail "gpio-sim line $hw energised $1"
	done
}
degrade hy300_keystone_motor hy300-keystone-motor motor
phases_off "while degraded"
echo "degrade: motor: bound, its phase lines off (its files are its only control)"
reload hy300_keystone_motor hy300-keystone-motor.ko motor
M=/sys/class/hy300/motor
value() { grep "^$1 " $M/metrics | cut -d' ' -f2; }
# A move homes first: with the limit switch closed (active-low, pulled
# down) homing ends at once, then 10 steps away from it.
echo pull-down >"$SIM/sim_gpio14/pull" || fail "cannot close the limit switch"
echo 10 >$M/position || fail "position write after reload"
i=0
while [ "$(value hy300_motor_movements_total)" != 1 ] || [ "$(value hy300_motor_moving)" != 0 ]; do
	i=$((i + 1))
	[ $i -lt 400 ] || fail "move not done in 20 s"
	usleep 50000
done
[ "$(value hy300_motor_position_steps)" = 10 ] || fail "motor at $(value hy300_motor_position_steps), expected 10"
phases_off "after the move"
echo pull-up >"$SIM/sim_gpio14/pull" || fail "cannot open the limit switch"
echo "degrade: motor: after reload it moves"

# --- leaks and splats ----------------------------------------------------------------
# Each failed probe may leave one video device name (tests/vm/lib/kmemleak.sh).
kmemleak_judge "$probe_failures" || fail "kmemleak"
if ! dmesg | HY300_KMEMLEAK_JUDGED=1 splat_check; then
	fail "kernel splat in dmesg"
fi
echo "degrade: kmemleak and dmesg clean"
echo "degrade: ok"
