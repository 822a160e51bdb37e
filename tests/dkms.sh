#!/usr/bin/env bash
# DKMS as distribution users run it, with the installed dkms (Debian 12:
# 3.0.10) against the cached test kernel, then the installed modules loaded
# in the guest with modprobe:
# - in a private mount namespace (the machine's /var/lib/dkms, /usr/src
#   and /lib/modules stay untouched; two runs cannot collide) whose
#   /lib/modules is a staging tree holding the test kernel's own modules
#   (make modules_install, which also links /lib/modules/<release>/build to
#   the test kernel), as a Debian kernel and its headers package provide;
# - dkms add, dkms build -k <release> (dkms's default make clean of the
#   tree works: dkms.conf has no CLEAN), dkms install -k <release>: the
#   four modules in updates/dkms, depmod's modules.dep with every driver
#   depending on hy300_class;
# - BUILD_EXCLUSIVE_CONFIG: the same build against a kernel tree whose
#   .config lacks CONFIG_RUST is refused before anything is compiled;
# - the guest (tests/dkms/guest-modprobe.sh) boots with that staging tree as
#   its /lib/modules and loads nothing itself: modprobe of each driver must
#   pull in hy300_class (and videobuf2 for sunxi-tvcap) through depmod.
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"
cd "$HY300_ROOT"
name=hy300
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

# in_namespace STAGE KDIR KVER: the dkms half, run by unshare below.
in_namespace() {
	local stage=$1 kdir=$2 kver=$3
	mount -t tmpfs hy300-dkms /var/lib/dkms
	mount -t tmpfs hy300-src /usr/src
	mount --bind "$stage/lib/modules" /lib/modules
	# (the kernel's modules_install made this link already; dkms reads it)
	[ "$(readlink -f "/lib/modules/$kver/build")" = "$(readlink -f "$kdir")" ] ||
		{ echo "dkms: /lib/modules/$kver/build is not the test kernel"; return 1; }
	local src=/usr/src/$name-$version
	mkdir -p "$src"
	git ls-files -z | while IFS= read -r -d '' f; do
		[ -e "$f" ] && printf '%s\0' "$f"
	done | tar --null -T - -cf - | tar -xf - -C "$src"
	dkms --version
	# What dkms 3.0.x runs as CLEAN when dkms.conf has none.
	make -s -C "/lib/modules/$kver/build" M="$src" clean
	echo "dkms: default clean (make -C <kernel> M=<tree> clean) works"
	dkms add "$name/$version"

	# BUILD_EXCLUSIVE_CONFIG: a kernel without CONFIG_RUST is skipped.
	local norust=$stage/norust status=0 out
	mkdir -p "$norust"
	grep -v '^CONFIG_RUST=' "$kdir/.config" >"$norust/.config"
	out=$(dkms build "$name/$version" -k "$kver" --kernelsourcedir "$norust" 2>&1) || status=$?
	if [ "$status" -ne 77 ] || ! grep -q 'BUILD_EXCLUSIVE' <<<"$out"; then
		echo "dkms: a kernel without CONFIG_RUST was not excluded (status $status):"
		echo "$out"
		return 1
	fi
	[ ! -d "/var/lib/dkms/$name/$version/$kver" ] || { echo "dkms: built for a kernel without CONFIG_RUST"; return 1; }
	echo "dkms: a kernel without CONFIG_RUST is excluded (BUILD_EXCLUSIVE_CONFIG, status 77)"

	dkms build "$name/$version" -k "$kver"
	dkms install "$name/$version" -k "$kver"
	dkms status "$name/$version"
	dkms status "$name/$version" | grep -q "installed" || { echo "dkms: not installed"; return 1; }
}

if [ "${1:-}" = --in-namespace ]; then
	shift
	in_namespace "$@"
	exit
fi

kdir=$(kernel_build_dir)
[ -f "$kdir/.hy300-built" ] || scripts/kernel build
kver=$(make -s -C "$kdir" kernelrelease)
stage=$(mktemp -d "${TMPDIR:-/tmp}/hy300-dkms.XXXXXX")
trap 'rm -rf "$stage"' EXIT
make -s -C "$kdir" INSTALL_MOD_PATH="$stage" modules_install >/dev/null
# The namespace binds the staging tree over /lib/modules, which must exist
# as a mount point (Debian has it; a container without kernels may not).
[ -d /lib/modules ] || mkdir /lib/modules
unshare --mount --propagation private "$0" --in-namespace "$stage" "$kdir" "$kver"

moddir=$stage/lib/modules/$kver
installed=$(cd "$moddir" && find updates -name '*.ko*' | sort | tr '\n' ' ')
[ "$installed" = "updates/dkms/hy300-keystone-motor.ko updates/dkms/hy300_class.ko updates/dkms/sunxi-mipsloader.ko updates/dkms/sunxi-tvcap.ko " ] ||
	{ echo "dkms: installed: $installed"; exit 1; }
for m in hy300-keystone-motor sunxi-mipsloader sunxi-tvcap; do
	grep -q "^updates/dkms/$m.ko:.*updates/dkms/hy300_class.ko" "$moddir/modules.dep" ||
		{ echo "dkms: modules.dep lacks $m -> hy300_class: $(grep "$m" "$moddir/modules.dep")"; exit 1; }
done
echo "dkms: installed for $kver: $installed; depmod: every driver -> hy300_class"

rm -f "$moddir/build"
HY300_VM_MODULE_TREE=$moddir scripts/vm run tests/dkms/guest-modprobe.sh
