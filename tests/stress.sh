#!/usr/bin/env bash
# Runs tests/vm/stress.sh in the debug kernel (tests/config/debug.config:
# LLVM-built with KASAN, kmemleak, lockdep, UBSAN, failslab; 1 GiB guest),
# then judges it on the host as every guest test is (scripts/guest-verdict:
# the guest test ran, returned 0 (a skip, 77, fails here: this step must
# run), printed something, no splat or new taint in its window of the
# kernel log) and the boot's whole kernel log (complete, no splat: the
# guest's own checks cannot see a splat printed after they ran).
# STRESS_CYCLES (default 200) sets the bind/unbind cycles, STRESS_RELOADS
# (default 50) the load/unload cycles; STRESS_READ_ROUNDS (150),
# STRESS_BAD_WRITES (5000 per writer) and STRESS_STREAMCYCLES (1000) the
# other sections' counts (the short run of stress-arm64). ARCH=arm64 runs it
# on the arm64 debug kernel (scripts/kernel ARCH=arm64 FLAVOR=debug).
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"
cd "$HY300_ROOT"
work=$(mktemp -d "${TMPDIR:-/tmp}/hy300-stress.XXXXXX")
trap 'rm -rf "$work"' EXIT
{
	echo "STRESS_CYCLES=${STRESS_CYCLES:-200}"
	echo "STRESS_RELOADS=${STRESS_RELOADS:-50}"
	echo "STRESS_READ_ROUNDS=${STRESS_READ_ROUNDS:-150}"
	echo "STRESS_BAD_WRITES=${STRESS_BAD_WRITES:-5000}"
	echo "STRESS_STREAMCYCLES=${STRESS_STREAMCYCLES:-1000}"
	cat tests/vm/stress.sh
} >"$work/stress.sh"
out=${HY300_VM_OUT:-$work/vm}
status=0
# KUnit already ran on the test kernel; skip it on every reload here.
FLAVOR=debug HY300_VM_OUT=$out HY300_VM_APPEND="kunit.enable=0" HY300_VM_MEM=${HY300_VM_MEM:-1024} \
	HY300_VM_TIMEOUT=${HY300_VM_TIMEOUT:-2800} HY300_TEST_TIMEOUT=${HY300_TEST_TIMEOUT:-2700} \
	scripts/vm run "$work/stress.sh" || status=$?
# kmemleak is judged by the guest from its report file (tests/vm/lib/
# kmemleak.sh); every other splat fails here.
export HY300_KMEMLEAK_JUDGED=1
scripts/guest-verdict test --no-skip "$out" stress || exit 1
scripts/guest-verdict log "$out" || exit 1
[ "$status" -eq 0 ] || { echo "stress: scripts/vm exit status $status"; exit 1; }
