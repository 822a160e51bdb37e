#!/usr/bin/env bash
# Runs tests/vm/degrade.sh in the debug kernel (tests/config/debug.config:
# failslab, kmemleak), then checks the whole kernel log of the run for
# splats on the host (scripts/check-splat), as tests/stress.sh does.
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"
cd "$HY300_ROOT"
work=$(mktemp -d "${TMPDIR:-/tmp}/hy300-degrade.XXXXXX")
trap 'rm -rf "$work"' EXIT
# KUnit already ran on the test kernel.
FLAVOR=debug HY300_VM_OUT=${HY300_VM_OUT:-$work/vm} HY300_VM_APPEND="kunit.enable=0" HY300_VM_MEM=${HY300_VM_MEM:-1024} \
	HY300_VM_TIMEOUT=${HY300_VM_TIMEOUT:-900} HY300_TEST_TIMEOUT=${HY300_TEST_TIMEOUT:-800} \
	scripts/vm run tests/vm/degrade.sh
# kmemleak is judged by the guest (tests/vm/lib/kmemleak.sh).
HY300_KMEMLEAK_JUDGED=1 scripts/check-splat "${HY300_VM_OUT:-$work/vm}/dmesg.txt"
