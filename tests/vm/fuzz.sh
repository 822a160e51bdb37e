#!/bin/sh
# Fuzzing and fault injection under the debug kernel (KASAN, kmemleak,
# lockdep, UBSAN, debug objects, failslab, fail_page_alloc), run by
# tests/fuzz.sh, which prepends the settings:
#   FUZZ_SEED           seed of every random choice (printed; replayable)
#   FUZZ_MIPS_CALLS     random ioctls on /dev/mipsloader (30,000: each
#                       power-down that succeeds waits the C original's
#                       100 ms, about a tenth of the calls; 100,000 slept
#                       for 330 s)
#   FUZZ_V4L2_CALLS     random calls on the V4L2 node, 2 processes (50,000)
#   FUZZ_WRITES         random writes to each writable file (10,000)
#   FUZZ_BIND_CYCLES    unbind/bind cycles of motor and mips in use (20;
#                       the stress step adds 50 reloads and 400 unbinds)
# Sections, in order: ioctl fuzzing of /dev/mipsloader; V4L2 fuzzing of
# sunxi-tvcap; unbind/bind of the motor while it moves and is read, and of
# the co-processor while /dev/mipsloader is open and in use; fail_page_alloc
# (and failslab) in every probe of motor and mips and in the firmware load
# ioctl, fail_page_alloc in the tvcap probe (failslab there and in each
# step of a capture: the stress step); random writes to every writable sysfs file of the hy300 devices
# and every debugfs knob of the simulations. Then the state: the devices
# still work (home and move, firmware load, 10 frames), the metrics are
# consistent (and dumped for the host's scripts/check-metrics), kmemleak
# finds nothing, and no splat. Prints "fuzz: ok".
SEED=${FUZZ_SEED:-1}
MIPS_CALLS=${FUZZ_MIPS_CALLS:-30000}
V4L2_CALLS=${FUZZ_V4L2_CALLS:-50000}
WRITES=${FUZZ_WRITES:-10000}
BIND_CYCLES=${FUZZ_BIND_CYCLES:-20}
KL=/sys/kernel/debug/kmemleak
M=/sys/class/hy300/motor
P=/sys/class/hy300/mips
T=/sys/class/hy300/tvcap
FS=/sys/kernel/debug/failslab
FPA=/sys/kernel/debug/fail_page_alloc
# shellcheck source=tests/vm/lib/splat.sh
. /lib/hy300/splat.sh
# shellcheck source=tests/vm/lib/dump.sh
. /lib/hy300/dump.sh
# shellcheck source=tests/vm/lib/tvcap.sh
. /lib/hy300/tvcap.sh
fail() {
	echo "fuzz: FAIL: $*"
	echo "fuzz: replay with HY300_FUZZ_SEED=$SEED tests/fuzz.sh"
	exit 1
}
value() { grep "^$1 " "$2" | cut -d' ' -f2; }
since() { echo "fuzz: $1 in $(($(date +%s) - START)) s"; START=$(date +%s); }
# shellcheck source=tests/vm/lib/klog.sh
. /lib/hy300/klog.sh
# kmemleak is judged from its report file at the end (kmemleak_judge).
export HY300_KMEMLEAK_JUDGED=1
# no_splat WHAT: the kernel log's window since the last no_splat (between
# its marks, never cleared) holds no splat; no new taint, lockdep still on.
no_splat() {
	SECTION=$1
	klog_section "after $1" || fail "$KLOG_REASON"
}
klog_section start || fail "$KLOG_REASON"
wait_motor_idle() {
	i=0
	while [ "$(value hy300_motor_moving $M/metrics)" != 0 ]; do
		i=$((i + 1))
		[ $i -lt 600 ] || fail "the motor still moves after 30 s"
		usleep 50000
	done
}
# The co-processor's firmware accounting: every attempt succeeded or
# failed for one counted reason.
mips_accounting() {
	attempts=$(value hy300_mips_firmware_load_attempts_total $P/firmware_status)
	ok=$(value hy300_mips_firmware_load_successes_total $P/firmware_status)
	failed=$(grep '^hy300_mips_firmware_load_failures_total{' $P/firmware_status | awk '{ n += $2 } END { print n + 0 }')
	[ $((ok + failed)) -eq "$attempts" ] ||
		fail "firmware loads: $attempts attempts != $ok successes + $failed failures ($1)"
}

echo "fuzz: seed $SEED"
[ -e $KL ] || fail "kmemleak not available"
[ -d $FPA ] || fail "fail_page_alloc not available"
for d in $M $P $T; do [ -d "$d" ] || fail "$d missing"; done
echo scan >$KL
echo clear >$KL
START=$(date +%s)

# --- /dev/mipsloader: random ioctls ----------------------------------------
mipsctl fuzz "$MIPS_CALLS" "$SEED" || fail "mipsctl fuzz"
mips_accounting "after the ioctl fuzzing"
[ "$(mipsctl load display.bin "$(mipsctl crc /lib/firmware/display.bin)")" = ok ] ||
	fail "firmware load after the ioctl fuzzing"
[ "$(mipsctl status | tail -n1)" = ok ] || fail "status after the ioctl fuzzing"
no_splat "the /dev/mipsloader fuzzing"
since "/dev/mipsloader: $MIPS_CALLS random ioctls, then a checked load"

# --- the V4L2 node: random calls from two processes ------------------------
VIDEO=$(tvcap_video)
[ -c "$VIDEO" ] || fail "no sunxi-tvcap video device"
v4l2fuzz "$VIDEO" "$V4L2_CALLS" "$SEED" || fail "v4l2fuzz"
[ "$(value hy300_tvcap_streaming $T/metrics)" = 0 ] || fail "still streaming after every file closed"
[ "$(value hy300_tvcap_buffers_allocated $T/metrics)" = 0 ] || fail "buffers left allocated after every file closed"
# The fuzzer's S_DV_TIMINGS may have left timings the source does not
# send (the block refuses such frames): a client restarts at the
# detected ones, as v4l2-ctl --set-dv-bt-timings query does.
v4l2-ctl -d "$VIDEO" --set-dv-bt-timings query >/tmp/timings.out 2>&1 ||
	fail "setting the detected timings after the V4L2 fuzzing: $(cat /tmp/timings.out)"
capture "$VIDEO" 10 1280 720 || fail "streaming 10 frames after the V4L2 fuzzing"
no_splat "the V4L2 fuzzing"
since "V4L2: $V4L2_CALLS random calls, then 10 checked frames"

# --- unbind/bind while in use ------------------------------------------------
MDRV=/sys/bus/platform/drivers/hy300_keystone_motor
PDRV=/sys/bus/platform/drivers/sunxi_mipsloader
touch /tmp/run
# The motor: moves, stops and homing from one writer, every file read by
# another; the writes fail while it is unbound.
( i=0; while [ -e /tmp/run ]; do
	echo $((i * 37 % 201)) >$M/position; usleep $((i % 5 * 3000)); echo 1 >$M/stop
	[ $((i % 7)) -ne 0 ] || echo 1 >$M/home
	i=$((i + 1))
done ) 2>/dev/null & w1=$!
( while [ -e /tmp/run ]; do cat $M/* >/dev/null; done ) 2>/dev/null & r1=$!
# The co-processor: one long-lived open file doing random ioctls across
# the unbinds (its calls must fail cleanly while the device is gone), and
# short-lived loads, status and panel calls, and readers.
( i=0; while [ -e /tmp/run ]; do mipsctl fuzz 3000 $((SEED + i)); i=$((i + 1)); done ) >/dev/null 2>&1 & w2=$!
( while [ -e /tmp/run ]; do mipsctl load display.bin; mipsctl panel 1 2 3 4 5 6 7 8; mipsctl status; cat $P/* ; done ) >/dev/null 2>&1 & w3=$!
i=0
while [ $i -lt "$BIND_CYCLES" ]; do
	echo hy300-keystone-motor >$MDRV/unbind || fail "unbind motor (cycle $i)"
	echo hy300-mipsloader >$PDRV/unbind || fail "unbind mips (cycle $i)"
	if [ -e $M ] || [ -e $P ] || [ -e /dev/mipsloader ]; then fail "files left after unbind (cycle $i)"; fi
	usleep $((i % 4 * 20000))
	echo hy300-keystone-motor >$MDRV/bind || fail "bind motor (cycle $i)"
	echo hy300-mipsloader >$PDRV/bind || fail "bind mips (cycle $i)"
	if [ ! -d $M ] || [ ! -d $P ] || [ ! -c /dev/mipsloader ]; then fail "files missing after bind (cycle $i)"; fi
	usleep $((i % 3 * 50000))
	i=$((i + 1))
done
rm /tmp/run
for pid in $w1 $r1 $w2 $w3; do wait "$pid"; done
wait_motor_idle
no_splat "unbind/bind in use"
since "unbind/bind in use: $BIND_CYCLES cycles of motor and mips under writers, readers and open files"

# --- fail_page_alloc and failslab: probe and the firmware load -------------
# /proc/self/fail-nth makes the N-th allocation of one task fail, counted
# over the enabled kinds: failslab (ignore-gfp-wait N: every slab
# allocation counts) or fail_page_alloc (min-order 0, ignore-gfp-wait N:
# every page allocation counts; failslab's ignore-gfp-wait Y then leaves
# only atomic slab allocations in the count). N grows until the operation
# makes fewer than N allocations.
echo 0 >$FS/verbose
echo 0 >$FPA/verbose
echo 0 >$FPA/min-order
echo N >$FPA/ignore-gfp-highmem
fault_kind() { # slab | page
	case $1 in
	slab) echo N >$FS/ignore-gfp-wait; echo Y >$FPA/ignore-gfp-wait ;;
	page) echo Y >$FS/ignore-gfp-wait; echo N >$FPA/ignore-gfp-wait ;;
	esac
}
ERRORS=/sys/kernel/debug/hy300_class/device_errors
[ -r $ERRORS ] || fail "$ERRORS missing"
# probe_faults KIND DRIVER DEVICE CLASSDIR: every N until the bind makes
# fewer than N counted allocations; a failed probe leaves nothing behind; a
# bind without CLASSDIR (the failure hit the class device's creation) warned
# once and was counted once (see tests/vm/degrade.sh).
probe_faults() {
	drv=/sys/bus/platform/drivers/$2
	echo "$3" >"$drv/unbind" || fail "unbind $3"
	fault_kind "$1"
	n=1 injected=0 failed=0 degraded=0
	warned=$(degraded_warnings "${4##*/}") || fail "the kernel log reader lost a mark"
	while :; do
		# read, not cat: a process costs about 0.1 s in the debug guest.
		read -r errors <$ERRORS
		# One shell: fail-nth is armed for the bind only, then read back
		# (what is left: 0 once the failure was injected).
		res=$(sh -c "echo $n >/proc/self/fail-nth && { echo $3 >$drv/bind; st=\$?; read -r left </proc/self/fail-nth; echo \"\$st \$left\"; }" 2>/dev/null)
		status=${res%% *} left=${res#* }
		if [ "$status" = 0 ]; then
			if [ ! -d "$4" ]; then
				read -r e <$ERRORS
				[ "$e" = $((errors + 1)) ] || fail "$3 bound without $4, not counted ($1 fail-nth $n)"
				now=$(degraded_warnings "${4##*/}") || fail "the kernel log reader lost a mark"
				[ "$now" = $((warned + 1)) ] || fail "$3 bound without $4, $((now - warned)) warnings since the last such bind, expected 1 ($1 fail-nth $n)"
				warned=$now degraded=$((degraded + 1))
			fi
			echo "$3" >"$drv/unbind" || fail "unbind $3 ($1 fail-nth $n)"
		else
			failed=$((failed + 1))
			read -r e <$ERRORS
			[ "$e" = "$errors" ] || fail "$3 probe failed on its class device ($1 fail-nth $n)"
		fi
		[ ! -e "$drv/$3" ] || fail "$3 still bound after a failed probe ($1 fail-nth $n)"
		[ ! -d "$4" ] || fail "$4 left behind ($1 fail-nth $n)"
		if [ "$left" != 0 ]; then
			[ "$status" = 0 ] || fail "$3: bind failed with nothing injected ($1 fail-nth $n: $res)"
			break
		fi
		injected=$((injected + 1))
		n=$((n + 1))
		[ $n -le 3000 ] || fail "$3: more than 3000 allocations in probe?"
	done
	echo "$3" >"$drv/bind" || fail "bind $3 after fault injection"
	[ -d "$4" ] || fail "$4 missing after fault injection"
	now=$(degraded_warnings "${4##*/}") || fail "the kernel log reader lost a mark"
	[ "$now" = "$warned" ] || fail "$3: $((now - warned)) warnings about $4 from binds that kept it"
	echo "fuzz: $1 faults in the probe of $3: $injected injected, $failed probes failed cleanly, $degraded bound without $4"
}
for kind in page slab; do
	probe_faults $kind hy300_keystone_motor hy300-keystone-motor $M
	probe_faults $kind sunxi_mipsloader hy300-mipsloader $P
done
# The firmware load ioctl: a failure leaves the driver usable.
for kind in page slab; do
	fault_kind $kind
	n=1 injected=0 failed=0
	while :; do
		out=$(mipsctl -n $n load display.bin)
		case $out in
		*"fail-nth: not reached"*) break ;;
		*"fail-nth: injected"*) ;;
		*) fail "mipsctl -n $n load: $out" ;;
		esac
		injected=$((injected + 1))
		case $out in error:*) failed=$((failed + 1)) ;; esac
		n=$((n + 1))
		[ $n -le 3000 ] || fail "more than 3000 allocations in a firmware load?"
	done
	[ "$(mipsctl load display.bin | tail -n1)" = ok ] || fail "load after $kind faults in loads"
	[ "$injected" -gt 0 ] || fail "no $kind allocation failure was injected into a firmware load"
	echo "fuzz: $kind faults in the firmware load ioctl: $injected injected, $failed loads failed cleanly"
done
# The capture device's probe under page-allocation failures (the stress
# step sweeps it under failslab, with each step of a capture). The capture
# steps themselves are not swept here: their frame buffers come from the
# guests' CMA area (cma=192M), which fail_page_alloc does not reach (a
# sweep of open, REQBUFS, QBUF and STREAMON injected nothing), and without
# CMA a 6 MiB buffer exceeds the page allocator's largest order and WARNs
# in mm/page_alloc.c, a configuration the device (an IOMMU master) does
# not have.
probe_faults page sunxi_tvcap hy300-tvcap $T
tvcap_probe_failures=$failed
mips_accounting "after the fault injection"
no_splat "the fault injection"
since "fault injection (fail_page_alloc, failslab): probes and firmware loads"

# --- random writes to every writable file ------------------------------------
# The hy300 devices' control files and the simulations' debugfs knobs; the
# knobs are restored afterwards.
files=
for f in /sys/class/hy300/*/* /sys/kernel/debug/hy300-*/*; do
	[ -f "$f" ] || continue
	[ "${f##*/}" != uevent ] || continue
	case $(stat -c %A "$f") in ??w* | ?????w* | ????????w*) files="$files $f" ;; esac
done
[ -n "$files" ] || fail "no writable file found"
knobs=
# The writable knobs' values, restored after the writes (a read-only file,
# such as the motor simulation's steps_with_limit_closed, refuses writes).
for f in /sys/kernel/debug/hy300-*/*; do
	case " $files " in *" $f "*) knobs="$knobs $f=$(cat "$f")" ;; esac
done
# Two writers, one a vCPU, each with half of the files (and its own seed
# derived from SEED): the files' store() paths also run concurrently.
half1='' half2='' k=0
for f in $files; do
	if [ $((k % 2)) = 0 ]; then half1="$half1 $f"; else half2="$half2 $f"; fi
	k=$((k + 1))
done
# shellcheck disable=SC2086 # lists of paths without spaces
badwrite -a "$WRITES" "$SEED" $half1 & w1=$!
# shellcheck disable=SC2086
if [ -n "$half2" ]; then badwrite -a "$WRITES" "$((SEED + 1))" $half2 & w2=$!; else w2=; fi
wait $w1 || fail "badwrite (first half of the files)"
[ -z "$w2" ] || wait "$w2" || fail "badwrite (second half of the files)"
for k in $knobs; do echo "${k#*=}" >"${k%%=*}" || fail "restoring ${k%%=*}"; done
usleep 300000
wait_motor_idle
no_splat "the random writes"
since "random writes: $WRITES to each of $(echo "$files" | wc -w) files"

# --- the state afterwards ------------------------------------------------------
for SIM in /sys/devices/platform/gpio-sim.*/gpiochip*; do break; done
echo pull-down >"$SIM/sim_gpio14/pull" || fail "cannot close the limit switch"
echo 1 >$M/home || fail "home after fuzzing"
wait_motor_idle
echo pull-up >"$SIM/sim_gpio14/pull" || fail "cannot open the limit switch"
[ "$(value hy300_motor_homed $M/metrics)" = 1 ] || fail "homing failed after fuzzing"
echo 150 >$M/position || fail "move after fuzzing"
wait_motor_idle
[ "$(value hy300_motor_position_steps $M/metrics)" = 150 ] || fail "the motor did not reach 150"
crc=$(mipsctl crc /lib/firmware/display.bin)
[ "$(mipsctl load display.bin "$crc")" = ok ] || fail "firmware load after fuzzing"
[ "$(value hy300_mips_firmware_crc32 $P/firmware_status)" = "$(printf %d "0x$crc")" ] || fail "firmware CRC after fuzzing"
mips_accounting "at the end"
capture "$(tvcap_video)" 10 1280 720 || fail "streaming after fuzzing"
echo "fuzz: motor homes and moves, firmware loads with its CRC, 10 frames stream"
# The tvcap probe's page faults can reach the V4L2 core's known leak.
# shellcheck source=tests/vm/lib/kmemleak.sh
. /lib/hy300/kmemleak.sh
# Each failed tvcap probe may leave one video device name (lib/kmemleak.sh).
kmemleak_judge "$tvcap_probe_failures" || fail "kmemleak"
# The last window, to kmemleak's judgement (judged from its report file).
no_splat "the last checks and kmemleak"
echo "fuzz: kmemleak clean (but for $KMEMLEAK_KNOWN device names the V4L2 core leaks on a failed device_register), no KASAN/UBSAN/lockdep/WARN splat"
dump_files
echo "fuzz: ok"
