#!/usr/bin/env bash
# Runs tests/vm/degrade.sh in the debug kernel (tests/config/debug.config:
# failslab, kmemleak), then judges it on the host as tests/stress.sh does
# (scripts/guest-verdict: the guest test's verdict, a skip fails; the
# boot's whole kernel log complete and without a splat).
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"
cd "$HY300_ROOT"
work=$(mktemp -d "${TMPDIR:-/tmp}/hy300-degrade.XXXXXX")
trap 'rm -rf "$work"' EXIT
out=${HY300_VM_OUT:-$work/vm}
status=0
# KUnit already ran on the test kernel.
FLAVOR=debug HY300_VM_OUT=$out HY300_VM_APPEND="kunit.enable=0" HY300_VM_MEM=${HY300_VM_MEM:-1024} \
	HY300_VM_TIMEOUT=${HY300_VM_TIMEOUT:-900} HY300_TEST_TIMEOUT=${HY300_TEST_TIMEOUT:-800} \
	scripts/vm run tests/vm/degrade.sh || status=$?
# kmemleak is judged by the guest (tests/vm/lib/kmemleak.sh).
export HY300_KMEMLEAK_JUDGED=1
scripts/guest-verdict test --no-skip "$out" degrade || exit 1
scripts/guest-verdict log "$out" || exit 1
[ "$status" -eq 0 ] || { echo "degrade: scripts/vm exit status $status"; exit 1; }
