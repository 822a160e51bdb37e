#!/bin/sh
# Smoke test of the class core in the guest: the class exists, the core
# cannot be removed under a driver, unloads and reloads cleanly. (The host
# checks the kernel log of every guest test for splats: scripts/check-splat.)
fail() { echo "smoke: FAIL: $*"; exit 1; }

[ -d /sys/class/hy300 ] || fail "/sys/class/hy300 missing after load"
echo "smoke: /sys/class/hy300 holds:" /sys/class/hy300/*
grep -q '^hy300_class ' /proc/modules || fail "hy300_class not in /proc/modules"

# Drivers hold the core: rmmod of the core is refused while they are loaded.
drivers=$(grep '^hy300_class ' /proc/modules | cut -d' ' -f4 | tr ',' ' ' | sed 's/-//')
# The three drivers are loaded and use the core: a check with no user
# listed would check nothing.
[ -n "$drivers" ] || fail "/proc/modules lists no user of hy300_class"
for d in $drivers; do
	if rmmod hy300_class 2>/dev/null; then fail "rmmod hy300_class succeeded while $d is loaded"; fi
	rmmod "$d" || fail "rmmod $d"
done
echo "smoke: core refused removal while drivers were loaded: $drivers"

i=0
while [ $i -lt 10 ]; do
	rmmod hy300_class || fail "rmmod hy300_class (cycle $i)"
	[ ! -e /sys/class/hy300 ] || fail "/sys/class/hy300 still present after rmmod"
	insmod "$HY300_MODULES/hy300_class.ko" || fail "insmod hy300_class (cycle $i)"
	[ -d /sys/class/hy300 ] || fail "/sys/class/hy300 missing after reload"
	i=$((i + 1))
done
echo "smoke: 10 unload/reload cycles"

# A second load of the same module must fail cleanly.
if insmod "$HY300_MODULES/hy300_class.ko" 2>/dev/null; then
	fail "second insmod succeeded"
fi

echo "smoke: ok"
