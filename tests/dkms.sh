#!/usr/bin/env bash
# Builds the modules the way distribution users do: dkms add + dkms build
# from a copy of the source tree, against the cached test kernel. Cleans up
# after itself (dkms remove, /usr/src copy).
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"
cd "$HY300_ROOT"
# DKMS state (/var/lib/dkms, /usr/src) is machine-wide: one run at a time.
if [ -z "${HY300_DKMS_LOCKED:-}" ]; then
	HY300_DKMS_LOCKED=1 with_lock dkms "$0" "$@"
	exit
fi
name=hy300
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
kdir=$(kernel_build_dir)
kver=$(make -s -C "$kdir" kernelrelease)
src=/usr/src/$name-$version
cleanup() {
	if [ -n "$(dkms status "$name/$version")" ]; then
		dkms remove "$name/$version" --all >/dev/null
	fi
	rm -rf "$src"
}
cleanup
trap cleanup EXIT
mkdir -p "$src"
git ls-files -z | while IFS= read -r -d '' f; do
	[ -e "$f" ] && printf '%s\0' "$f"
done | tar --null -T - -cf - | tar -xf - -C "$src"
dkms add "$name/$version"
dkms build "$name/$version" -k "$kver" --kernelsourcedir "$kdir"
built=$(find "/var/lib/dkms/$name/$version/$kver" -name '*.ko' -printf '%f\n' | sort | tr '\n' ' ')
echo "dkms: built for $kver: $built"
[ "$built" = "hy300-keystone-motor.ko hy300_class.ko sunxi-mipsloader.ko sunxi-tvcap.ko " ] || { echo "dkms: unexpected module set"; exit 1; }
