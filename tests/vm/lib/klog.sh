# shellcheck shell=sh
# Kernel log lines since a point, without clearing the log (the host
# checks it whole) and whatever the ring buffer dropped before that point.
# klog_time: the printk time of the last kernel log line (0 when empty).
klog_time() {
	dmesg | tail -n 1 | sed -n 's/^\[ *\([0-9]*\.[0-9]*\)\].*/\1/p' | grep . || echo 0
}
# klog_since TIME: the kernel log lines printed after TIME.
klog_since() {
	dmesg | awk -v t="$1" '{ s = $0; sub(/^\[ */, "", s); sub(/\].*/, "", s); if (s + 0 > t + 0) print }'
}
# degraded_warnings TIME NAME: how many times the kernel said after TIME
# that /sys/class/hy300/NAME could not be created.
degraded_warnings() {
	klog_since "$1" | grep -c "cannot create /sys/class/hy300/$2 .*running without its files"
}
