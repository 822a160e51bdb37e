# shellcheck shell=sh
# kmemleak_judge: scans twice and fails (printing the reports) on any
# unreferenced object but the V4L2 core's own, on purpose: when
# device_register() fails in __video_register_device() it skips
# put_device() ("a small memory leak, which is better than a double-free",
# drivers/media/v4l2-core/v4l2-dev.c) and the device name stays allocated.
# Failslab on the tvcap probe reaches it; those reports (name allocated by
# dev_set_name called from __video_register_device) are counted apart and
# their number is left in KMEMLEAK_KNOWN. Shared by the debug-kernel guest
# tests (stress.sh, degrade.sh, fuzz.sh).
kmemleak_judge() {
	kl=/sys/kernel/debug/kmemleak
	[ -e $kl ] || { echo "kmemleak not available"; return 1; }
	sleep 6
	echo scan >$kl || return 1
	sleep 6
	echo scan >$kl || return 1
	awk '/^unreferenced object/ { if (rec != "" && !known) print rec; rec = $0; known = 0; next }
		prev ~ /^dev_set_name\+/ && $1 ~ /^__video_register_device\+/ { known = 1 }
		{ rec = rec "\n" $0; prev = $1 }
		END { if (rec != "" && !known) print rec }' $kl >/tmp/leaks || return 1
	# shellcheck disable=SC2034 # read by the caller
	KMEMLEAK_KNOWN=$(($(grep -c '^unreferenced object' $kl) - $(grep -c '^unreferenced object' /tmp/leaks)))
	leaks=$(grep -c '^unreferenced object' /tmp/leaks)
	if [ "$leaks" -ne 0 ]; then
		head -n 60 /tmp/leaks
		echo "kmemleak reports $leaks unreferenced objects"
		return 1
	fi
}
