# shellcheck shell=sh
# kmemleak_judge MAX_KNOWN: scans twice and fails (printing the reports)
# on any unreferenced object but the known ones below, each explained, and
# on more known ones than MAX_KNOWN (the caller's bound: how many times its
# fault injection made the failing call below fail). The known reports:
#   1. A video device's name ("videoN", the hex dump's text), allocated by
#      dev_set_name called directly from __video_register_device: when
#      device_register() fails there, the V4L2 core skips put_device() on
#      purpose ("a small memory leak, which is better than a double-free",
#      drivers/media/v4l2-core/v4l2-dev.c), so the name stays allocated.
#      Failslab on sunxi-tvcap's probe reaches it: at most one per probe
#      that failed.
# Any other report, or one of these of another shape (another caller,
# another content), fails. Their number is left in KMEMLEAK_KNOWN. Shared by
# the debug-kernel guest tests (stress.sh, degrade.sh, fuzz.sh).
kmemleak_judge() {
	kl=/sys/kernel/debug/kmemleak
	[ -e $kl ] || { echo "kmemleak not available"; return 1; }
	sleep 6
	echo scan >$kl || return 1
	sleep 6
	echo scan >$kl || return 1
	# A record is known only with both: the name's text and the call.
	awk '/^unreferenced object/ { if (rec != "" && !(name && call)) print rec; rec = $0; name = 0; call = 0; next }
		/^    [0-9a-f][0-9a-f] .* video[0-9]+\.*$/ { name = 1 }
		prev ~ /^dev_set_name\+/ && $1 ~ /^__video_register_device\+/ { call = 1 }
		{ rec = rec "\n" $0; prev = $1 }
		END { if (rec != "" && !(name && call)) print rec }' $kl >/tmp/leaks || return 1
	# shellcheck disable=SC2034 # read by the caller
	KMEMLEAK_KNOWN=$(($(grep -c '^unreferenced object' $kl) - $(grep -c '^unreferenced object' /tmp/leaks)))
	leaks=$(grep -c '^unreferenced object' /tmp/leaks)
	if [ "$leaks" -ne 0 ]; then
		head -n 60 /tmp/leaks
		echo "kmemleak reports $leaks unreferenced objects"
		return 1
	fi
	if [ "$KMEMLEAK_KNOWN" -gt "$1" ]; then
		cat $kl
		echo "kmemleak reports $KMEMLEAK_KNOWN video device names left by a failed registration, more than the $1 probes that failed"
		return 1
	fi
}
