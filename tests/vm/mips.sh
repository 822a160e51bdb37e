#!/bin/sh
# Guest test of sunxi-mipsloader on its simulated backend: firmware loads
# (valid, missing, oversized, exactly 12 MiB, truncated, CRC mismatch),
# exact register access counts, panel parameters (range, timeout, bad
# status), EBUSY, ioctl fuzzing, and module refcount with /dev/mipsloader
# open. Prints "mips: ok" when all pass.
M=/sys/class/hy300/mips
SIMDIR=/sys/kernel/debug/hy300-mips-sim
FW=/lib/firmware/hy300-test
fail() { echo "mips: FAIL: $*"; exit 1; }
value() { grep "^$1 " "${2:-$M/metrics}" | cut -d' ' -f2; }
expect() {
	got=$(value "$1")
	[ "$got" = "$2" ] || fail "$1 is '$got', expected '$2'"
}
# run EXPECTED mipsctl ARGS...: the tool's one-line verdict must match.
run() {
	want=$1
	shift
	got=$(mipsctl "$@" | tail -n1)
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
expect hy300_mips_firmware_crc32 "$(hex2dec "$crc")"
expect 'hy300_mips_memory_usage_bytes{region="firmware"}' "$size"
expect 'hy300_mips_memory_region_size_bytes{region="firmware"}' 12582912
expect hy300_mips_firmware_load_successes_total 1
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
expect hy300_mips_firmware_crc32 "$(hex2dec "$vcrc")"
expect 'hy300_mips_memory_usage_bytes{region="firmware"}' 65536
expect hy300_mips_firmware_load_attempts_total 7
expect hy300_mips_firmware_load_successes_total 3
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
run "error: EINVAL" panel 0 0 0 0 0 0 0 101
run "error: EINVAL" panel -101 0 0 0 0 0 0 0
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

echo "mips: ok"
