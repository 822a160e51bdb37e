# shellcheck shell=sh
# tvcap_video: prints the /dev node of sunxi-tvcap's video device (nothing
# when it has none). Shared by the guest tests that stream from it.
tvcap_video() {
	for v in /sys/class/video4linux/video*; do
		[ "$(cat "$v/name" 2>/dev/null)" = sunxi-tvcap ] && echo "/dev/${v##*/}"
	done
}
