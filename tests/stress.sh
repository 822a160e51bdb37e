#!/usr/bin/env bash
# Runs tests/vm/stress.sh in the debug kernel (tests/config/debug.config).
# STRESS_CYCLES (default 200) sets the load/unload cycles.
set -euo pipefail
cd "$(dirname "$0")/.."
guest=$(mktemp)
trap 'rm -f "$guest"' EXIT
{ echo "STRESS_CYCLES=${STRESS_CYCLES:-200}"; cat tests/vm/stress.sh; } >"$guest"
# KUnit already ran on the test kernel; skip it on every reload here.
FLAVOR=debug HY300_VM_APPEND="kunit.enable=0" HY300_VM_TIMEOUT=${HY300_VM_TIMEOUT:-1800} scripts/vm run "$guest"
