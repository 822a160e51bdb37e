#!/usr/bin/env bash
# Distribution kernels are refused cleanly, not failed: with Debian's real
# linux-headers-$KERNEL_SERIES package, whose build tree has CONFIG_RUST=y
# but no Rust metadata (no rust/libkernel.rmeta, no bindings command), DKMS
# skips hy300 with scripts/check-kdir's message naming what is missing, and
# the headers package installs without error.
#
# Those headers come from trixie-backports and need Debian 13's libc and
# gcc-14 (Depends: gcc-14-for-host, libc6 >= 2.38, libelf1t64, libssl3t64),
# which Debian 12 cannot satisfy, so this runs in a minimal Debian 13 root
# (mmdebstrap --variant=apt trixie, deb.debian.org trixie and
# trixie-backports as scripts/kernel fetches the kernel source, the host's
# apt.conf.d and CA certificates): dkms and the DKMS tree of the hy300-dkms
# package built here from the working tree (dpkg-buildpackage -b; dkms add)
# go in first, then the headers, whose postinst runs dkms autoinstall for
# that kernel. Then
# `dkms autoinstall -k <release>` again must exit 0, skipping hy300 with
# the message, and `make KDIR=<headers tree>` must stop with the same one.
#
#   tests/distro-headers.sh
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"
cd "$HY300_ROOT"

fail() { echo "distro-headers: FAIL: $*"; exit 1; }

command -v mmdebstrap >/dev/null || fail "mmdebstrap is missing (scripts/install-deps installs it)"
command -v dpkg-buildpackage >/dev/null || fail "dpkg-buildpackage is missing (scripts/install-deps installs dpkg-dev, debhelper, dh-dkms)"
[ "$(id -u)" -eq 0 ] || fail "needs root (mmdebstrap, chroot, mounts)"

work=$(mktemp -d "${TMPDIR:-/var/tmp}/hy300-distro-headers.XXXXXX")
cleanup() { rm -rf --one-file-system "$work"; }
trap cleanup EXIT

# hy300-dkms from the working tree's tracked files.
mkdir -p "$work/src/hy300"
git ls-files -z --cached | (while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done) |
	tar --null -T - -cf - | tar -xf - -C "$work/src/hy300"
(cd "$work/src/hy300" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1 ||
	{ tail -n 30 "$work/build.log"; fail "dpkg-buildpackage -b failed"; }
deb=$(compgen -G "$work/src/hy300-dkms_*_all.deb") || fail "no hy300-dkms package was built"
echo "distro-headers: built $(basename "$deb")"

root=$work/root
start=$SECONDS
with_progress "distro-headers: mmdebstrap trixie" : mmdebstrap --variant=apt --quiet trixie "$root" \
	"deb http://deb.debian.org/debian trixie main" "deb http://deb.debian.org/debian trixie-backports main" ||
	fail "mmdebstrap trixie failed"
cp -a /etc/apt/apt.conf.d/. "$root"/etc/apt/apt.conf.d/
mkdir -p "$root"/etc/ssl/certs
cp -L /etc/ssl/certs/ca-certificates.crt "$root"/etc/ssl/certs/
printf '#!/bin/sh\nexit 101\n' >"$root"/usr/sbin/policy-rc.d
chmod 755 "$root"/usr/sbin/policy-rc.d
# The package's DKMS tree, added with dkms as its postinst does (the
# package itself would pull in the Rust toolchain, which a skipped kernel
# never needs: the test stays cheap).
dpkg-deb -x "$deb" "$root"
version=$(dpkg-deb -f "$deb" Version)
[ -f "$root/usr/src/hy300-$version/dkms.conf" ] || fail "$(basename "$deb") has no usr/src/hy300-$version/dkms.conf"
cp -a "$work/src/hy300" "$root/root/hy300"
echo "distro-headers: Debian 13 root in $((SECONDS - start)) s"

cat >"$root/root/headers.sh" <<EOF
#!/bin/bash
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends dkms
dkms add hy300/$version
pkg=\$(apt-cache search --names-only '^linux-headers-${KERNEL_SERIES//./\\.}\.[0-9]+\+deb[0-9]+-amd64\$' | awk '{print \$1}' | sort -V | tail -n 1)
[ -n "\$pkg" ] || { echo "distro-headers: trixie-backports offers no linux-headers-${KERNEL_SERIES}.*-amd64"; exit 1; }
echo "== installing \$pkg (its postinst runs dkms autoinstall)"
status=0
apt-get install -y -q --no-install-recommends -t trixie-backports "\$pkg" || status=\$?
echo "== headers install exit \$status"
[ "\$status" -eq 0 ] || exit 1
kver=\${pkg#linux-headers-}
echo "\$kver" >/root/kver
echo "== dkms autoinstall -k \$kver"
status=0
dkms autoinstall -k "\$kver" || status=\$?
echo "== dkms autoinstall exit \$status"
[ "\$status" -eq 0 ] || exit 1
echo "== dkms status"
dkms status hy300
if compgen -G "/var/lib/dkms/hy300/*/\$kver" >/dev/null; then
	echo "distro-headers: dkms built hy300 for \$kver"
	exit 1
fi
echo "== make KDIR=/lib/modules/\$kver/build"
status=0
make -C /root/hy300 KDIR="/lib/modules/\$kver/build" modules || status=\$?
echo "== make exit \$status"
[ "\$status" -ne 0 ]
EOF
chmod 755 "$root/root/headers.sh"

out=$work/headers.log
run_root() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	unshare --mount --pid --fork --propagation private bash -c '
		set -e
		mount -t proc proc "$1/proc"
		mount --rbind /dev "$1/dev"
		mount -t tmpfs tmpfs "$1/tmp"
		env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb \
			chroot "$1" /root/headers.sh' _ "$root" >"$out" 2>&1
}
status=0
with_progress "distro-headers: dkms and the headers in the root" : run_root || status=$?
echo "distro-headers: the root's run exited $status after $((SECONDS - start)) s; its output:"
cat "$out"
[ "$status" -eq 0 ] || fail "in the Debian 13 root (log above)"
kver=$(<"$root/root/kver")
msg="hy300: the kernel build tree /lib/modules/$kver/build cannot build the hy300 modules:"
n=$(grep -cF "$msg" "$out") || fail "dkms never printed scripts/check-kdir's message for $kver"
grep -F "$msg" "$out" | grep -q 'no Rust metadata: rust/libkernel.rmeta rust/libmacros.so rust/bindings/.bindings_generated.rs.cmd' ||
	fail "the message does not name the missing Rust metadata: $(grep -F "$msg" "$out" | head -n 1)"
make_msg=$(sed -n '/^== make KDIR/,/^== make exit/p' "$out" | grep -cF "$msg") || fail "make against the headers did not stop with the message"
echo "distro-headers: Debian's linux-headers-$kver installed without error; dkms skipped hy300 for it ($n times the message, make $make_msg): $(grep -F "$msg" "$out" | head -n 1)"
