# shellcheck shell=sh
# Kernel log checks without clearing the log (the host checks it whole),
# read from the whole capture below, never from the ring buffer (it drops
# its oldest records), and without a dmesg per bind: in the debug guest
# every process costs about 0.1 s, and the fault-injection loops bind
# hundreds of times.
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
# klog_count ERE: how many records of the whole kernel log so far match
# ERE (each once: a reader that reopened /dev/kmsg repeats records, with
# their sequence numbers).
klog_count() {
	read -r up _ </proc/uptime
	klog_mark "count $up" || return 1
	grep -E -e "$1" "$HY300_KMSG" | awk -F, '!seen[$2]++ { n++ } END { print n + 0 }'
}
# degraded_warnings NAME: how many times the kernel said so far that
# /sys/class/hy300/NAME could not be created. A loop of binds counts them
# once before it and again after each bind that came up without the
# directory (exactly one more each time) and once after it (no more than
# those binds: a bind that kept its directory warned nothing).
degraded_warnings() {
	klog_count "cannot create /sys/class/hy300/$1 .*running without its files"
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
		read -r up _ </proc/uptime
		echo "kernel log of $SECTION: $(wc -l </tmp/section.klog) lines, no splat, taint $SECTION_TAINT -> $taint ($((${up%.*} - SECTION_START)) s)"
	fi
	SECTION=$1
	[ -n "$SECTION" ] || return 0
	SECTION_TAINT=$(cat /proc/sys/kernel/tainted)
	read -r up _ </proc/uptime
	SECTION_START=${up%.*}
	SECTION_MARK=$((${SECTION_MARK:-0} + 1))
	KLOG_REASON="the kernel log reader lost the marks of $SECTION"
	klog_mark "begin $SECTION_MARK"
}
