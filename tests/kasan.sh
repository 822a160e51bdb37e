#!/usr/bin/env bash
# Proves that KASAN is live for the Rust code of the debug kernel, and that
# the harness sees its reports: boots the debug kernel (LLVM, KASAN) with
# tests/vm/kasan-fault.sh, which loads tests/kasan's deliberate
# out-of-bounds read in Rust. Passes only when
#   - the kernel says "KernelAddressSanitizer initialized",
#   - the guest test's kernel log holds "BUG: KASAN: slab-out-of-bounds in"
#     a function of hy300_kasan_fault (a Rust symbol), and
#   - scripts/check-splat, the check that judges the stress and fuzz runs,
#     fails on that log.
# A boot of its own: generic KASAN reports only the first finding of a boot,
# so the deliberate one must not share a boot with the stress or fuzz runs.
# ARCH=arm64 runs it on the arm64 debug kernel (step kasan-arm64, on
# request; scripts/kernel ARCH=arm64 FLAVOR=debug).
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"
cd "$HY300_ROOT"
work=$(mktemp -d "${TMPDIR:-/tmp}/hy300-kasan.XXXXXX")
trap 'rm -rf "$work"' EXIT
out=${HY300_VM_OUT:-$work/vm}
status=0
FLAVOR=debug HY300_VM_OUT=$out HY300_VM_APPEND="kunit.enable=0" HY300_VM_MEM=${HY300_VM_MEM:-1024} \
	scripts/vm run tests/vm/kasan-fault.sh || status=$?
klog=$out/tests/kasan-fault.klog
grep -m1 'KernelAddressSanitizer initialized' "$out/dmesg.txt" ||
	{ echo "kasan: the debug kernel did not initialize KASAN"; exit 1; }
[ "$status" -eq 0 ] || { echo "kasan: the guest test failed (scripts/vm status $status)"; exit 1; }
# The guest test's own verdict as for every guest test (ran, returned 0, a
# skip fails, printed something); its kernel log must hold the report.
scripts/guest-verdict status --no-skip "$out" kasan-fault || exit 1
[ -s "$klog" ] || { echo "kasan: no kernel log of the guest test"; exit 1; }
grep -m1 'BUG: KASAN: slab-out-of-bounds in [^ ]*hy300_kasan_fault' "$klog" ||
	{ echo "kasan: no KASAN report naming the Rust function in $klog"; exit 1; }
if scripts/check-splat "$klog" >"$work/check-splat.out"; then
	echo "kasan: scripts/check-splat passed a kernel log with a KASAN report"
	exit 1
fi
echo "kasan: scripts/check-splat flags the report: $(grep -c 'KASAN' "$work/check-splat.out") KASAN lines"
echo "kasan: ok (KASAN reports an out-of-bounds read in Rust code; the splat check sees it)"
