# shellcheck shell=sh
# tvcap_video: prints the /dev node of sunxi-tvcap's video device (nothing
# when it has none). Shared by the guest tests that stream from it.
tvcap_video() {
	for v in /sys/class/video4linux/video*; do
		# read, not cat: the fault-injection loops call this per bind, and
		# a process costs about 0.1 s in the debug guest.
		name=
		read -r name 2>/dev/null <"$v/name"
		[ "$name" = sunxi-tvcap ] && echo "/dev/${v##*/}"
	done
}
