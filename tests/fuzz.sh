#!/usr/bin/env bash
# Runs tests/vm/fuzz.sh in the debug kernel (LLVM, KASAN, kmemleak,
# lockdep, UBSAN, failslab, fail_page_alloc), then judges it on the host as
# tests/stress.sh does (scripts/guest-verdict: the guest test's verdict, a
# skip fails; the boot's whole kernel log complete and without a splat) and
# checks the final dump of every hy300 file (scripts/check-metrics).
#   HY300_FUZZ_SEED    seed (default: the time); printed first, and again
#                      on failure with the command that replays it
#   FUZZ_MIPS_CALLS, FUZZ_V4L2_CALLS, FUZZ_WRITES, FUZZ_BIND_CYCLES: the
#                      counts (defaults 30,000, 50,000, 10,000, 20)
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"
cd "$HY300_ROOT"
seed=${HY300_FUZZ_SEED:-$(date +%s)}
echo "fuzz: seed $seed"
work=$(mktemp -d "${TMPDIR:-/tmp}/hy300-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
out=${HY300_VM_OUT:-$work/vm}
{
	echo "FUZZ_SEED=$seed"
	echo "FUZZ_MIPS_CALLS=${FUZZ_MIPS_CALLS:-30000}"
	echo "FUZZ_V4L2_CALLS=${FUZZ_V4L2_CALLS:-50000}"
	echo "FUZZ_WRITES=${FUZZ_WRITES:-10000}"
	echo "FUZZ_BIND_CYCLES=${FUZZ_BIND_CYCLES:-20}"
	cat tests/vm/fuzz.sh
} >"$work/fuzz.sh"
status=0
# KUnit already ran on the test kernel; skip it here.
FLAVOR=debug HY300_VM_OUT=$out HY300_VM_APPEND="kunit.enable=0" HY300_VM_MEM=${HY300_VM_MEM:-1024} \
	HY300_VM_TIMEOUT=${HY300_VM_TIMEOUT:-3000} HY300_TEST_TIMEOUT=${HY300_TEST_TIMEOUT:-2900} \
	scripts/vm run "$work/fuzz.sh" || status=$?
# kmemleak is judged by the guest from its report file (the V4L2 core's one
# known leak counted apart, see tests/vm/lib/kmemleak.sh); every other
# splat fails here.
export HY300_KMEMLEAK_JUDGED=1
scripts/guest-verdict test --no-skip "$out" fuzz || status=1
scripts/guest-verdict log "$out" || status=1
if [ "$status" -eq 0 ]; then
	scripts/check-metrics "$out/tests/fuzz.log" || status=1
fi
if [ "$status" -ne 0 ]; then
	echo "fuzz: FAIL (seed $seed): replay with HY300_FUZZ_SEED=$seed tests/fuzz.sh"
	exit 1
fi
echo "fuzz: ok (seed $seed)"
