# shellcheck shell=sh
# dump_files: prints every file of every /sys/class/hy300 device between
# markers for the host's scripts/check-metrics, which compares them with
# tests/hy300-sysfs.manifest (modes, presence, contents through promtool
# and the strict parser):
#   ===HY300-FILE <path> <octal mode>===   then the contents when readable
#   ===HY300-READ-ERROR <path>===          a readable file whose read failed
#   ===HY300-FILES-END===
# The class device's own files (uevent, dev) and directories are not ours.
dump_files() {
	for f in /sys/class/hy300/*/*; do
		[ -f "$f" ] || continue
		case ${f##*/} in uevent | dev) continue ;; esac
		mode=$(stat -c %a "$f")
		echo "===HY300-FILE $f $mode==="
		case $mode in
		[4-7]??) cat "$f" || echo "===HY300-READ-ERROR $f===" ;;
		esac
	done
	echo "===HY300-FILES-END==="
}
