#!/bin/sh
# Demo guest: show the loaded modules and cat every hy300 sysfs file.
echo "== modules"
grep -E '^(hy300|sunxi)' /proc/modules | cut -d' ' -f1
echo "== /sys/class/hy300"
ls -l /sys/class/hy300/
for dev in /sys/class/hy300/*; do
	[ -d "$dev" ] || continue
	for f in "$dev"/*; do
		[ -f "$f" ] || continue
		case $(basename "$f") in uevent | dev) continue ;; esac
		echo "== $f ($(stat -c %A "$f"))"
		cat "$f" 2>&1
	done
done
