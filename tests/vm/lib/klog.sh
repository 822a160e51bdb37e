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

# The whole kernel log as /dev/kmsg records, read by the guest's /init from
# the first record (never cleared, nothing the ring buffer drops is lost).
HY300_KMSG=${HY300_KMSG:-/tmp/hy300-kmsg}
# klog_mark NAME: the record "hy300-mark: NAME" in the kernel log, returned
# once /init's reader has it (what the capture holds after it came later).
klog_mark() {
	echo "<5>hy300-mark: $1" >/dev/kmsg || return 1
	n=0
	until grep -qF -e ";hy300-mark: $1" "$HY300_KMSG"; do
		n=$((n + 1))
		[ $n -lt 500 ] || { echo "the kernel log reader never got the mark $1"; return 1; }
		usleep 20000
	done
}
# klog_between FROM TO: the kernel log's messages between the marks FROM
# and TO, from the whole capture.
klog_between() {
	awk -v from="hy300-mark: $1" -v to="hy300-mark: $2" '
		/^ / { next }
		{ sub(/^[^;]*;/, "") }
		$0 == to { exit }
		on { print }
		$0 == from { on = 1 }
	' "$HY300_KMSG"
}
# Taint bits the tests may add: O (12, out-of-tree module), E (13, unsigned
# module), N (18, KUnit test module); any other (W: a WARN, B: a bad page
# or KASAN report, D: an oops, ...) is a finding.
TAINT_ALLOWED=$(((1 << 12) | (1 << 13) | (1 << 18)))
# klog_section NAME: ends the section under way: its own window of the
# kernel log (between its marks) holds no splat (splat_check of
# /lib/hy300/splat.sh, which the caller sources), the taint mask gained no
# bit but those above, and lockdep is still on; then starts section NAME
# ("" starts none). On a finding, prints it and fails with the reason in
# KLOG_REASON. The marks are numbered: a caller may rename the section under
# way (SECTION=...) before ending it, to say what it covered.
# shellcheck disable=SC2034 # KLOG_REASON is read by the caller
klog_section() {
	if [ -n "${SECTION:-}" ]; then
		KLOG_REASON="the kernel log reader lost the marks of $SECTION"
		klog_mark "end $SECTION_MARK $SECTION" || return 1
		klog_between "begin $SECTION_MARK" "end $SECTION_MARK $SECTION" >/tmp/section.klog
		if ! splat_check </tmp/section.klog >/tmp/section.splat; then
			head -n 40 /tmp/section.splat
			KLOG_REASON="kernel splat during $SECTION"
			return 1
		fi
		taint=$(cat /proc/sys/kernel/tainted)
		if [ $((taint & ~SECTION_TAINT & ~TAINT_ALLOWED)) -ne 0 ]; then
			KLOG_REASON="the kernel became tainted during $SECTION: /proc/sys/kernel/tainted $SECTION_TAINT -> $taint"
			return 1
		fi
		if [ -r /proc/lockdep_stats ] && grep -q 'debug_locks: *0$' /proc/lockdep_stats; then
			KLOG_REASON="lockdep switched itself off during $SECTION"
			return 1
		fi
		echo "kernel log of $SECTION: $(wc -l </tmp/section.klog) lines, no splat, taint $SECTION_TAINT -> $taint"
	fi
	SECTION=$1
	[ -n "$SECTION" ] || return 0
	SECTION_TAINT=$(cat /proc/sys/kernel/tainted)
	SECTION_MARK=$((${SECTION_MARK:-0} + 1))
	KLOG_REASON="the kernel log reader lost the marks of $SECTION"
	klog_mark "begin $SECTION_MARK"
}
