#!/bin/sh
# Every hy300 file right after boot with all three devices bound and idle,
# dumped for the host's scripts/check-metrics (manifest, promtool, strict
# parser).
# shellcheck source=tests/vm/lib/dump.sh
. /lib/hy300/dump.sh
for d in motor mips tvcap; do
	[ -d "/sys/class/hy300/$d" ] || { echo "metrics-idle: FAIL: /sys/class/hy300/$d missing"; exit 1; }
done
dump_files
