#!/usr/bin/env bash
# Documentation/ABI/testing against tests/hy300-sysfs.manifest: every file
# of the manifest is documented in a "What:" block whose description states
# its mode, e.g. "(RO, 0444)" or "(WO, 0200, root)", and every documented
# /sys/class/hy300/<device>/<file> is in the manifest. Every Contact: is
# an e-mail address.
set -euo pipefail
cd "$(dirname "$0")/.."
manifest=tests/hy300-sysfs.manifest
# "path mode" for every What: path of the hy300 ABI files; the mode is the
# first "(RO, 0NNN" / "(WO, 0NNN" / "(RW, 0NNN" of the block's description.
documented=$(awk '
	function flush() { for (p in paths) print p, (mode == "" ? "none" : mode); delete paths; mode = "" }
	/^What:/ { if (!in_what) flush(); in_what = 1; paths[$2] = 1; next }
	in_what && /^\t\t\/sys\// { sub(/^[ \t]+/, ""); paths[$1] = 1; next }
	{ in_what = 0 }
	mode == "" && match($0, /\((RO|WO|RW)(\)|, 0[0-7]+)/) {
		m = substr($0, RSTART, RLENGTH); if (m ~ /0[0-7]+/) { sub(/.*, 0/, "", m); mode = m }
	}
	END { flush() }
' Documentation/ABI/testing/sysfs-class-hy300*)
status=0
while read -r device file mode _; do
	path=/sys/class/hy300/$device/$file
	doc=$(awk -v p="$path" '$1 == p { print $2 }' <<<"$documented")
	if [ -z "$doc" ]; then
		echo "abi: $path is not documented in Documentation/ABI/testing"
		status=1
	elif [ "$doc" != "$mode" ]; then
		echo "abi: $path is documented with mode $doc, the manifest says $mode"
		status=1
	fi
done < <(awk '!/^#/ && NF' "$manifest")
while read -r path _; do
	case $path in /sys/class/hy300/*/*) ;; *) continue ;; esac
	rel=${path#/sys/class/hy300/}
	case $rel in '<'*) continue ;; esac # the class-wide description
	if ! awk -v d="${rel%%/*}" -v f="${rel#*/}" '!/^#/ && $1 == d && $2 == f { found = 1 } END { exit !found }' "$manifest"; then
		echo "abi: $path is documented but not in $manifest"
		status=1
	fi
done <<<"$documented"
# Every Contact: is an e-mail address, as Documentation/ABI/README asks.
address='^[^:]+:Contact:[[:space:]]+([^<>]+ <[^[:space:]@<>]+@[^[:space:]@<>]+\.[^[:space:]@<>]+>|[^[:space:]@<>]+@[^[:space:]@<>]+\.[^[:space:]@<>]+)$'
while IFS= read -r line; do
	if ! [[ $line =~ $address ]]; then
		echo "abi: Contact is not an e-mail address: $line"
		status=1
	fi
done < <(grep -H '^Contact:' Documentation/ABI/testing/sysfs-class-hy300*)
# The release build_info reports (rust/hy300/build_info.rs) is dkms.conf's
# and nix/package.nix's.
release=$(sed -n 's/^pub const VERSION: &str = "\(.*\)";$/\1/p' rust/hy300/build_info.rs)
dkms=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)
if [ -z "$release" ] || [ "$release" != "$dkms" ] || ! grep -q "version = \"$release-" nix/package.nix; then
	echo "abi: build_info's version '$release' is not dkms.conf's '$dkms' and nix/package.nix's"
	status=1
fi
[ $status -ne 0 ] || echo "abi: $(awk '!/^#/ && NF' "$manifest" | wc -l) files of the manifest documented with their modes"
exit $status
