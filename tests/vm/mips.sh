#!/bin/sh
# Guest test of sunxi-mipsloader, first on its simulated backend: firmware loads
# (valid, missing, oversized, exactly 12 MiB, truncated, CRC mismatch),
# exact register access counts, panel parameters (range, timeout, bad
# status), EBUSY, access control (read-only descriptor, non-root user),
# the panelparam file, the C original's ioctls (mipsorig), RESTART without
# firmware, unbind with a descriptor open, ioctl fuzzing, and module
# refcount with /dev/mipsloader open; then the same driver on its device
# backend (mmio.rs) with a model of the firmware (tests/sim/mips_model.rs).
# Prints "mips: ok" when all pass.
M=/sys/class/hy300/mips
SIMDIR=/sys/kernel/debug/hy300-mips-sim
FW=/lib/firmware/hy300-test
fail() { echo "mips: FAIL: $*"; exit 1; }
value() { grep "^$1 " "${2:-$M/metrics}" | cut -d' ' -f2; }
# expect NAME WANT [FILE]: FILE (default metrics) has NAME at WANT.
expect() {
	got=$(value "$1" "${3:-$M/metrics}")
	[ "$got" = "$2" ] || fail "$1 is '$got', expected '$2'"
}
# bounded CMD ARGS...: runs CMD, its output to $CALL_OUT, waiting for it at
# most CALL_TIMEOUT seconds. A call can block in the driver (a command
# waits for the co-processor; the driver's own timeout is 1 s), and the
# driver's poll sleeps uninterruptibly: no signal ends it. So the call runs
# in the background and one still running after CALL_TIMEOUT s fails this
# test, naming it (the call is left behind): a timeout that never fires is
# caught by this check, not by the guest's test timeout. $BOUND_WHAT
# describes the call, $BOUND_WANT the answer expected.
CALL_TIMEOUT=20
CALL_OUT=/tmp/mips-call
bounded() {
	rm -f "$CALL_OUT" "$CALL_OUT.done"
	("$@" >"$CALL_OUT" 2>&1; echo $? >"$CALL_OUT.done") &
	ticks=0
	while [ ! -e "$CALL_OUT.done" ]; do
		[ "$ticks" -lt $((CALL_TIMEOUT * 20)) ] ||
			fail "$BOUND_WHAT did not return within $CALL_TIMEOUT s, expected '$BOUND_WANT'"
		sleep 0.05
		ticks=$((ticks + 1))
	done
	wait "$!"
}
# run EXPECTED mipsctl ARGS...: the tool's one-line verdict must match.
run() {
	want=$1
	shift
	BOUND_WHAT="mipsctl $*" BOUND_WANT=$want
	bounded mipsctl "$@"
	got=$(tail -n1 "$CALL_OUT")
	[ "$got" = "$want" ] || fail "mipsctl $* said '$got', expected '$want'"
}
# count TEXT REGISTER OP: reads or writes of REGISTER in a copy of
# register_access_count (access_total counts both; writes_total the writes).
count() {
	w=$(echo "$1" | grep "^hy300_mips_register_writes_total{register=\"$2\"} " | cut -d' ' -f2)
	a=$(echo "$1" | grep "^hy300_mips_register_access_total{register=\"$2\"} " | cut -d' ' -f2)
	case "$w:$a" in *[!0-9:]* | :* | *:) echo "missing"; return ;; esac
	if [ "$3" = write ]; then echo "$w"; else echo $((a - w)); fi
}
snapshot() { cat "$M/register_access_count"; }
# delta REGISTER OP N: that counter grew by exactly N since the snapshot,
# and (checked by the caller) nothing else moved.
delta() {
	before=$(count "$SNAP" "$1" "$2")
	now=$(count "$(snapshot)" "$1" "$2")
	case "$before $now" in *missing*) fail "no $1 counters in register_access_count" ;; esac
	[ $((now - before)) -eq "$3" ] || fail "$1/$2 grew by $((now - before)), expected $3"
}
only_changed() { # only_changed "cmd/write control/write": the others stayed
	for r in cmd status data control; do
		for op in read write; do
			case " $* " in *" $r/$op "*) continue ;; esac
			delta "$r" "$op" 0
		done
	done
}
hex2dec() { printf '%d' "0x$1"; }
# clocks BUS CORE WHEN: the enable counts of the co-processor's bus and
# core clocks (fixed-rate clocks that tests/sim gives the node under the
# binding's names "bus" and "mod", the factory tree's "bus-clk" and
# "mips-clk"; the clock core counts).
CLK=/sys/kernel/debug/clk
clocks() {
	for c in hy300-sim-mips-bus hy300-sim-mips-core; do
		[ -r "$CLK/$c/clk_enable_count" ] || fail "no clock $c in $CLK"
	done
	got="$(cat $CLK/hy300-sim-mips-bus/clk_enable_count) $(cat $CLK/hy300-sim-mips-core/clk_enable_count)"
	[ "$got" = "$1 $2" ] || fail "$3: clock enable counts (bus, core) '$got', expected '$1 $2'"
}
# orig EXPECTED mipsorig ARGS...: the same for the C original's ioctls.
orig() {
	want=$1
	shift
	BOUND_WHAT="mipsorig $*" BOUND_WANT=$want
	bounded mipsorig "$@"
	got=$(tail -n1 "$CALL_OUT")
	[ "$got" = "$want" ] || fail "mipsorig $* said '$got', expected '$want'"
}
# asuser_run EXPECTED ARGS...: mipsctl as user 1000 (no capabilities).
asuser_run() {
	want=$1
	shift
	BOUND_WHAT="mipsctl $* as user 1000" BOUND_WANT=$want
	bounded asuser 1000 mipsctl "$@"
	got=$(tail -n1 "$CALL_OUT")
	[ "$got" = "$want" ] || fail "mipsctl $* as user 1000 said '$got', expected '$want'"
}
CHANGING="restart|powerdown|load hy300-test/valid.bin|panel 0 0 0 0 0 0 0 0"

[ -d "$M" ] || fail "$M missing"
[ -c /dev/mipsloader ] || fail "/dev/mipsloader missing"
for f in metrics memory_stats register_access_count firmware_status communication_errors; do
	[ "$(stat -c '%a %u' "$M/$f")" = "444 0" ] || fail "$f mode $(stat -c '%a %u' "$M/$f")"
done

# Probe loaded the DT's firmware-name (display.bin, put there by scripts/vm).
size=$(stat -c %s /lib/firmware/display.bin)
crc=$(mipsctl crc /lib/firmware/display.bin)
expect hy300_mips_firmware_loaded 1
expect hy300_mips_firmware_size_bytes "$size"
expect hy300_mips_firmware_crc32 "$(hex2dec "$crc")" "$M/firmware_status"
expect 'hy300_mips_memory_usage_bytes{region="firmware"}' "$size"
expect 'hy300_mips_memory_region_size_bytes{region="firmware"}' 12582912
expect hy300_mips_firmware_load_successes_total 1 "$M/firmware_status"
clocks 1 1 "after the probe's load"
echo "mips: probe loaded display.bin ($size bytes, crc32 $crc)"
# The seed's region names only: the C original's boot and TSE (alias
# debug) regions under one name each, never both (a sum would count twice).
for r in boot_code firmware debug framebuffer; do
	[ "$(grep -c "^hy300_mips_memory_usage_bytes{region=\"$r\"} " "$M/memory_stats")" = 1 ] || fail "region $r not exactly once"
done
! grep -q 'region="\(boot\|tse\)"' "$M/metrics" || fail "old region name in metrics"
[ "$(grep -c '^hy300_mips_memory_usage_bytes{' "$M/memory_stats")" = 4 ] || fail "memory usage is not 4 regions"

mkdir -p "$FW"
dd if=/dev/urandom of="$FW/valid.bin" bs=4096 count=16 2>/dev/null
head -c 65534 "$FW/valid.bin" >"$FW/truncated.bin"
dd if=/dev/urandom of="$FW/oversized.bin" bs=4096 count=3073 2>/dev/null
dd if=/dev/zero of="$FW/exact.bin" bs=4096 count=3072 2>/dev/null
vcrc=$(mipsctl crc "$FW/valid.bin")

run "error: ENOENT" load hy300-test/missing.bin
run "error: EFBIG" load hy300-test/oversized.bin
run "error: EINVAL" load hy300-test/truncated.bin
run "error: EBADMSG" load hy300-test/valid.bin 12345678
run "error: EINVAL" load ../etc/passwd
# Failures leave the loaded image in place and the driver usable.
expect hy300_mips_firmware_loaded 1
expect hy300_mips_firmware_size_bytes "$size"
run ok load hy300-test/exact.bin
expect hy300_mips_firmware_size_bytes 12582912
run ok load hy300-test/valid.bin "$vcrc"
expect hy300_mips_firmware_size_bytes 65536
expect hy300_mips_firmware_crc32 "$(hex2dec "$vcrc")" "$M/firmware_status"
expect 'hy300_mips_memory_usage_bytes{region="firmware"}' 65536
expect hy300_mips_firmware_load_attempts_total 7 "$M/firmware_status"
expect hy300_mips_firmware_load_successes_total 3 "$M/firmware_status"
for reason in not_found:1 too_large:1 truncated:1 crc_mismatch:1 busy:0 io:0; do
	expect "hy300_mips_firmware_load_failures_total{reason=\"${reason%:*}\"}" "${reason#*:}"
done
expect hy300_mips_firmware_load_duration_seconds_count 7
dmesg | grep -q 'firmware "hy300-test/oversized.bin" not loaded: too_large' || fail "no dmesg line for too_large"
echo "mips: firmware loads and failures counted by reason"

# Exact register accesses per operation.
SNAP=$(snapshot)
run ok restart
delta control write 2
only_changed control/write
SNAP=$(snapshot)
run ok powerdown
delta cmd write 1
only_changed cmd/write
expect hy300_mips_firmware_loaded 0
clocks 1 0 "after a power down"
SNAP=$(snapshot)
run ok status
delta status read 1
only_changed status/read
echo 2 >"$SIMDIR/busy_reads"
SNAP=$(snapshot)
run ok panel 10 -10 20 -20 30 -30 100 -100
delta cmd write 1
delta status read 3
only_changed cmd/write status/read
expect 'hy300_mips_memory_usage_bytes{region="debug"}' 32
SNAP=$(snapshot)
run "error: ERANGE" panel 0 0 0 0 0 0 0 101
run "error: ERANGE" panel -101 0 0 0 0 0 0 0
only_changed
SNAP=$(snapshot)
run ok load hy300-test/valid.bin
delta status read 1
delta control write 2
only_changed status/read control/write
echo "mips: register accesses counted exactly"

# A hung co-processor times out (1 s), an undefined status bit is an error,
# and a busy one refuses a load.
echo 1 >"$SIMDIR/fault"
run "error: ETIMEDOUT" panel 0 0 0 0 0 0 0 0
expect 'hy300_mips_communication_errors_total{kind="timeout"}' 1
run "error: EBUSY" load hy300-test/valid.bin
expect 'hy300_mips_communication_errors_total{kind="busy"}' 1
expect 'hy300_mips_firmware_load_failures_total{reason="busy"}' 1
echo 2 >"$SIMDIR/fault"
run "error: EIO" panel 0 0 0 0 0 0 0 0
expect 'hy300_mips_communication_errors_total{kind="bad_status"}' 1
echo 0 >"$SIMDIR/fault"
run ok panel 0 0 0 0 0 0 0 0
echo "mips: timeout, bad status and busy counted"

# Access control: the node is root's alone; commands that change the
# co-processor need a descriptor opened for writing (else EBADF) and
# CAP_SYS_RAWIO (else EPERM); status needs neither. Refused commands
# touch no register.
[ "$(stat -c '%a %u %g' /dev/mipsloader)" = "600 0 0" ] || fail "/dev/mipsloader is $(stat -c '%a %u %g' /dev/mipsloader)"
asuser_run "error: EACCES" status
run ok load hy300-test/valid.bin
SNAP=$(snapshot)
export MIPSCTL_RDONLY=1
run ok status
IFS='|'
for c in $CHANGING; do
	IFS=' '
	# shellcheck disable=SC2086 # the command and its arguments
	run "error: EBADF" $c
done
IFS=' '
unset MIPSCTL_RDONLY
delta status read 1
only_changed status/read
exec 3<>/dev/mipsloader
export MIPSCTL_FD=3
SNAP=$(snapshot)
asuser_run ok status
IFS='|'
for c in $CHANGING; do
	IFS=' '
	# shellcheck disable=SC2086
	asuser_run "error: EPERM" $c
done
IFS=' '
unset MIPSCTL_FD
exec 3>&-
delta status read 1
only_changed status/read
expect hy300_mips_firmware_loaded 1
echo "mips: read-only descriptor and user without CAP_SYS_RAWIO refused, status allowed"

# panelparam (the C original's file, write-only): the strict format, the
# same protocol as the ioctl; bad input is refused before any access.
P=$M/panelparam
[ "$(stat -c '%a %u' "$P")" = "200 0" ] || fail "panelparam is $(stat -c '%a %u' "$P")"
SNAP=$(snapshot)
echo "tl_x=1,tl_y=-2,tr_x=3,tr_y=-4,bl_x=5,bl_y=-6,br_x=100,br_y=-100" >"$P" || fail "panelparam write"
delta cmd write 1
delta status read 3
only_changed cmd/write status/read
SNAP=$(snapshot)
for bad in "tl_x=1" "tl_x=101,tl_y=0,tr_x=0,tr_y=0,bl_x=0,bl_y=0,br_x=0,br_y=0" \
	"tl_x=0,tl_y=0,tr_x=0,tr_y=0,bl_x=0,bl_y=0,br_x=0,br_y=0 junk" \
	"tl_x=+1,tl_y=0,tr_x=0,tr_y=0,bl_x=0,bl_y=0,br_x=0,br_y=0" \
	"tl_x=0,tl_y=0,tr_x=0,tr_y=0,bl_x=0,bl_y=0,br_x=0,br_y=0,br_y=1" \
	"tl_y=0,tl_x=0,tr_x=0,tr_y=0,bl_x=0,bl_y=0,br_x=0,br_y=0" "1,2,3,4,5,6,7,8"; do
	if printf '%s' "$bad" >"$P" 2>/dev/null; then fail "panelparam accepted '$bad'"; fi
done
if asuser 1000 sh -c "echo tl_x=0,tl_y=0,tr_x=0,tr_y=0,bl_x=0,bl_y=0,br_x=0,br_y=0 >$P" 2>/dev/null; then
	fail "user 1000 wrote panelparam"
fi
only_changed
dmesg | grep -q 'panelparam: invalid input' || fail "no dmesg line for invalid panelparam"
echo "mips: panelparam parsed strictly"

# The C original's ioctls, from a program built against its definitions
# (tests/vm/progs/mipsloader-orig.h): LOAD_FW by pointer to a name read up
# to its NUL (a name ending at an unmapped page loads; 64 characters or
# more are refused without reading past 65 bytes), RESTART, POWERDOWN,
# GET_STATUS into an int (one STATUS read).
orig ok load hy300-test/valid.bin
expect hy300_mips_firmware_size_bytes 65536
orig ok load-at-end hy300-test/exact.bin
expect hy300_mips_firmware_size_bytes 12582912
long=$(head -c 64 /dev/zero | tr '\0' a)
orig "error: ENAMETOOLONG" load "$long"
orig "error: ENOENT" load "${long#a}"
orig "error: ENAMETOOLONG" load-unterminated
orig "error: EFAULT" load-null
orig "error: EINVAL" load ../etc/passwd
orig ok restart
SNAP=$(snapshot)
[ "$(mipsorig status | head -n1)" = "status=00000000" ] || fail "original GET_STATUS did not print the register"
delta status read 1
only_changed status/read
orig ok powerdown
expect hy300_mips_firmware_loaded 0
echo "mips: the C original's ioctls"

# RESTART without loaded firmware is refused (ENOENT, as the original),
# without a register access.
SNAP=$(snapshot)
run "error: ENOENT" restart
orig "error: ENOENT" restart
only_changed
run ok load hy300-test/valid.bin
echo "mips: restart without firmware refused"

# Unbind with firmware loaded and a descriptor open: remove sends one power
# down, drops the simulated hardware at once (the open file does not keep
# it), and the descriptor then gets ENODEV for everything.
D=/sys/bus/platform/drivers/sunxi_mipsloader
powerdowns() { dmesg | grep -c 'hy300-mips-sim: power down command'; }
expect hy300_mips_firmware_loaded 1
exec 3<>/dev/mipsloader
before=$(powerdowns)
echo hy300-mipsloader >"$D/unbind" || fail "unbind"
[ $(($(powerdowns) - before)) -eq 1 ] || fail "remove sent $(($(powerdowns) - before)) power-down commands, expected 1"
[ ! -e "$M" ] || fail "$M still present after unbind"
[ ! -e /dev/mipsloader ] || fail "/dev/mipsloader still present after unbind"
[ ! -e "$SIMDIR" ] || fail "the simulated hardware outlived unbind (held by the open file)"
clocks 0 0 "after unbind"
export MIPSCTL_FD=3
run "error: ENODEV" status
IFS='|'
for c in $CHANGING; do
	IFS=' '
	# shellcheck disable=SC2086
	run "error: ENODEV" $c
done
IFS=' '
unset MIPSCTL_FD
exec 3>&-
echo hy300-mipsloader >"$D/bind" || fail "bind"
[ -d "$M" ] || fail "$M missing after bind"
expect hy300_mips_firmware_loaded 1
clocks 1 1 "after bind and the probe's load"
run ok powerdown
clocks 1 0 "after a power down"
before=$(powerdowns)
echo hy300-mipsloader >"$D/unbind" || fail "unbind without firmware"
[ "$(powerdowns)" -eq "$before" ] || fail "remove sent a power down without firmware"
clocks 0 0 "after unbind without firmware"
echo hy300-mipsloader >"$D/bind" || fail "bind again"
expect hy300_mips_firmware_loaded 1
# Every power down so far (ioctls, remove) was followed by the C original's
# 100 ms wait before anything else the simulation saw.
n=$(powerdowns)
[ "$n" -ge 2 ] || fail "only $n power-down commands seen"
dmesg | grep -o 'hy300-mips-sim: power down .*' | awk '
	/ command$/ { if (open) bad = 1; open = 1; next }
	/ settled after 100 ms$/ { if (!open) bad = 1; open = 0; next }
	{ bad = 1 }
	END { exit bad || open }' || fail "a power-down command without its 100 ms wait right after it"
echo "mips: unbind powers down, open descriptors get ENODEV; the clocks run while bound (core: from a load to a power down)"

# Random ioctls: commands, sizes, NULL/unmapped/kernel/short pointers.
mipsctl fuzz 20000 42 || fail "fuzz"
run ok status

# An open /dev/mipsloader holds the module.
exec 3<>/dev/mipsloader
if rmmod sunxi_mipsloader 2>/dev/null; then fail "rmmod succeeded with /dev/mipsloader open"; fi
exec 3>&-
rmmod sunxi_mipsloader || fail "rmmod after close"
[ ! -e "$M" ] || fail "$M still present after rmmod"
[ ! -e /dev/mipsloader ] || fail "/dev/mipsloader still present after rmmod"
insmod "$HY300_MODULES/sunxi-mipsloader.ko" || fail "re-insmod"
[ -d "$M" ] || fail "$M missing after re-insmod"
expect hy300_mips_firmware_loaded 1
echo "mips: module held while open, reload"

# The device backend (mmio.rs), bound to the device's node: tests/sim gives
# it a reg and a memory-region in the RAM that scripts/vm keeps from the
# kernel (mem=), and a model of the firmware (tests/sim/mips_model.rs)
# answers on the same RAM. What the driver copied (its memremap'd
# write-combined mapping, then the barrier) is read back through the
# model's own mapping; every command is taken by the model, which logs it.
MODEL=/sys/kernel/debug/hy300-mips-model
board_args=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^hy300_sim_board\.//p')
case "$board_args" in *mips_base=*) ;; *) fail "no hy300_sim_board.mips_base on the kernel command line (scripts/vm)" ;; esac
# model_lines TEXT: how many times the model logged "hy300-mips-model: TEXT".
model_lines() { dmesg | grep -c "hy300-mips-model: $1\$"; }
# taken TEXT N: waits (at most 10 s) until the model has logged TEXT N times.
taken() {
	i=0
	while [ "$(model_lines "$1")" -lt "$2" ]; do
		i=$((i + 1))
		[ "$i" -le 200 ] || fail "the model logged '$1' $(model_lines "$1") times, expected $2"
		usleep 50000
	done
}
# seen FILE: the firmware region holds FILE, as the co-processor reads it.
seen() {
	n=$(stat -c %s "$1")
	dd if="$MODEL/memory" bs=4096 skip=1 count=$(((n + 4095) / 4096)) 2>/dev/null | head -c "$n" | cmp -s - "$1"
}
# fault N: the model's STATUS fault, once the model has applied it.
fault() {
	echo "$1" >"$MODEL/fault"
	i=0
	until [ "$(cat "$MODEL/fault_applied")" = "$1" ]; do
		i=$((i + 1))
		[ "$i" -le 200 ] || fail "the model did not apply fault $1"
		usleep 50000
	done
}
rmmod sunxi_mipsloader || fail "rmmod before the device backend"
rmmod hy300_sim_board || fail "rmmod board before the device backend"
# shellcheck disable=SC2086 # one word per parameter
insmod "$HY300_MODULES/hy300_sim_board.ko" mips_device=1 $board_args || fail "board with the co-processor's device node"
[ -r "$MODEL/memory" ] || fail "no firmware model ($MODEL)"
insmod "$HY300_MODULES/sunxi-mipsloader.ko" || fail "insmod on the device node"
[ -d "$M" ] || fail "$M missing on the device backend"
compat=$(tr -d '\0' </sys/bus/platform/devices/hy300-mipsloader/of_node/compatible)
[ "$compat" = allwinner,sun50i-h713-mipsloader ] || fail "the co-processor's node is '$compat'"
[ ! -e "$SIMDIR" ] || fail "the simulation backend is bound, not the device backend"
expect hy300_mips_firmware_loaded 1
expect hy300_mips_firmware_size_bytes "$size"
seen /lib/firmware/display.bin || fail "the reserved memory does not hold display.bin after the probe"
run ok load hy300-test/valid.bin "$vcrc"
seen "$FW/valid.bin" || fail "the reserved memory does not hold valid.bin after its load"
run ok load hy300-test/exact.bin
seen "$FW/exact.bin" || fail "the reserved memory does not hold exact.bin (12 MiB) after its load"
run ok load hy300-test/valid.bin
seen "$FW/valid.bin" || fail "the reserved memory does not hold valid.bin after a reload"
[ "$(mipsorig status | head -n1)" = "status=00000000" ] || fail "STATUS of an idle co-processor is not 0"
n=$(model_lines 'panel 10 -10 20 -20 30 -30 100 -100')
run ok panel 10 -10 20 -20 30 -30 100 -100
taken 'panel 10 -10 20 -20 30 -30 100 -100' $((n + 1))
debug=$(dd if="$MODEL/memory" bs=4 skip=$((0xC01000 / 4)) count=8 2>/dev/null | od -An -td4 | tr -s ' \n' ' ')
[ "$debug" = " 10 -10 20 -20 30 -30 100 -100 " ] || fail "the DEBUG region holds '$debug'"
echo "tl_x=1,tl_y=-2,tr_x=3,tr_y=-4,bl_x=5,bl_y=-6,br_x=7,br_y=-8" >"$M/panelparam" || fail "panelparam write"
taken 'panel 1 -2 3 -4 5 -6 7 -8' 1
fault 2
run "error: EIO" panel 0 0 0 0 0 0 0 0
[ "$(mipsorig status | head -n1)" = "status=40000000" ] || fail "STATUS with the model's undefined bit not read back"
taken 'panel 0 0 0 0 0 0 0 0' 1
fault 1
run "error: ETIMEDOUT" panel 0 0 0 0 0 0 0 1
run "error: EBUSY" load hy300-test/valid.bin
taken 'panel 0 0 0 0 0 0 0 1' 1
fault 0
run ok status
run ok restart
expect hy300_mips_firmware_loaded 1
n=$(model_lines 'power down command')
run ok powerdown
taken 'power down command' $((n + 1))
expect hy300_mips_firmware_loaded 0
run ok load hy300-test/valid.bin
n=$(model_lines 'power down command')
echo hy300-mipsloader >"$D/unbind" || fail "unbind on the device backend"
taken 'power down command' $((n + 1))
echo hy300-mipsloader >"$D/bind" || fail "bind on the device backend"
expect hy300_mips_firmware_loaded 1
seen /lib/firmware/display.bin || fail "the reserved memory does not hold display.bin after bind"
rmmod sunxi_mipsloader || fail "rmmod on the device backend"
rmmod hy300_sim_board || fail "rmmod board with the device node"
[ ! -e "$MODEL" ] || fail "the firmware model outlived the board"
# shellcheck disable=SC2086
insmod "$HY300_MODULES/hy300_sim_board.ko" $board_args || fail "board reload after the device backend"
insmod "$HY300_MODULES/sunxi-mipsloader.ko" || fail "insmod after the device backend"
expect hy300_mips_firmware_loaded 1
[ -d "$SIMDIR" ] || fail "the simulation backend is not back"
echo "mips: device backend (mmio.rs): loads, panel, status, faults, power down and unbind through the reserved memory and registers"

echo "mips: ok"
