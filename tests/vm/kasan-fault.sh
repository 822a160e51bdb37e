#!/bin/sh
# Guest half of tests/kasan.sh (debug kernel only): loads hy300_kasan_fault,
# whose init reads one byte past a kmalloc allocation from Rust, and
# requires KASAN's report of it, naming the module's Rust function, in the
# kernel log. Prints the report's first lines and "kasan-fault: ok".
# Its own boot: generic KASAN reports only its first finding per boot.
fail() { echo "kasan-fault: FAIL: $*"; exit 1; }
dmesg | grep -q 'KernelAddressSanitizer initialized' || fail "this kernel has no KASAN"
insmod "$HY300_MODULES/hy300_kasan_fault.ko" || fail "insmod hy300_kasan_fault"
rmmod hy300_kasan_fault || fail "rmmod hy300_kasan_fault"
report=$(dmesg | sed -n '/BUG: KASAN: /,/^[^ ]*\[ *[0-9.]*\] ==========/p')
echo "$report" | head -n 24
echo "$report" | grep -q 'BUG: KASAN: slab-out-of-bounds in [^ ]*hy300_kasan_fault' ||
	fail "no KASAN report naming hy300_kasan_fault's Rust function: KASAN does not instrument Rust"
echo "$report" | grep -q 'Read of size 1 at addr' || fail "the report is not of a 1-byte read"
echo "kasan-fault: ok"
