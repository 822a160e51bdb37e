#!/usr/bin/env bash
# The README's first command (scripts/demo) on a fresh, minimal Debian 12
# root, as a new user runs it: root, a clean environment (env -i: PATH,
# HOME=/root), nothing on it that the project did not install itself.
#
# The root (mmdebstrap --variant=apt bookworm) gets what any container built
# on this host gets: the host's apt sources (/etc/apt/sources.list,
# sources.list.d), its apt settings (/etc/apt/apt.conf.d) and its CA
# certificates. It shares read-only only what the setup path does not
# decide: the host's apt archive cache (as the lower layer of an overlay;
# the root's downloads stay in the root) and the test kernel already built
# here (its build directory and its source, at the paths scripts/lib.sh's
# kernel_build_dir computes). Nothing install-deps installs (apt packages,
# cargo, bindgen, pip tools, libclang) comes from the host.
#
# Passes when the demo exits 0 and prints the files of all three devices
# (motor, mips, tvcap), and then tests/deb.sh passes in the same root (the
# Debian packages: build, lintian, install, DKMS build against the test
# kernel, tmpfiles links, purge). The demo's output is printed (and kept in
# $HY300_FRESH_LOG when set). The root is removed afterwards.
#
#   tests/fresh.sh
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"
cd "$HY300_ROOT"

fail() { echo "fresh: FAIL: $*"; exit 1; }

command -v mmdebstrap >/dev/null || fail "mmdebstrap is missing (scripts/install-deps installs it)"
[ "$(id -u)" -eq 0 ] || fail "needs root (mmdebstrap, chroot, mounts)"
kdir=$(kernel_build_dir)
[ -f "$kdir/.hy300-built" ] || fail "no test kernel at $kdir (scripts/kernel build)"
src=$(kernel_src_dir) || fail "no kernel source (scripts/kernel fetch)"
srcver=$(dirname "$src")

work=$(mktemp -d "${TMPDIR:-/var/tmp}/hy300-fresh.XXXXXX")
root=$work/root
mkdir -p "$root"
cleanup() {
	# The mounts live in the private namespace below and are gone with it.
	rm -rf --one-file-system "$work"
}
trap cleanup EXIT

# --- the root ----------------------------------------------------------------
mirrors=()
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] && [ -s "$f" ] && mirrors+=("$f")
done
[ ${#mirrors[@]} -gt 0 ] || fail "the host has no apt sources"
echo "fresh: mmdebstrap --variant=apt bookworm (sources: ${mirrors[*]})"
start=$SECONDS
with_progress "fresh: mmdebstrap" : mmdebstrap --variant=apt --quiet bookworm "$root" "${mirrors[@]}" ||
	fail "mmdebstrap failed"
# The host's apt sources (exactly), apt settings and CA certificates, set
# after the bootstrap (the host's apt hooks would run outside the root
# during it). The root is a chroot, not a booted machine: policy-rc.d keeps
# package scripts from starting daemons in it (on the host's network).
rm -f "$root"/etc/apt/sources.list "$root"/etc/apt/sources.list.d/*
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*; do
	[ ! -f "$f" ] || cp "$f" "$root$f"
done
cp -a /etc/apt/apt.conf.d/. "$root"/etc/apt/apt.conf.d/
mkdir -p "$root"/etc/ssl/certs
cp -L /etc/ssl/certs/ca-certificates.crt "$root"/etc/ssl/certs/
if [ -d /usr/local/share/ca-certificates ]; then
	mkdir -p "$root"/usr/local/share
	cp -a /usr/local/share/ca-certificates "$root"/usr/local/share/
fi
printf '#!/bin/sh\nexit 101\n' >"$root"/usr/sbin/policy-rc.d
chmod 755 "$root"/usr/sbin/policy-rc.d
echo "fresh: root bootstrapped in $((SECONDS - start)) s ($(du -sh --one-file-system "$root" | cut -f1))"

# The checkout: the working tree's tracked files (what a clone has), and a
# second, clean copy for the package build (the demo builds in the first).
for d in /root/hy300 /root/hy300-src/hy300; do
	mkdir -p "$root$d"
	git ls-files -z --cached | (while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done) |
		tar --null -T - -cf - | tar -xf - -C "$root$d"
done

# --- run the demo in it --------------------------------------------------------
# In a private mount and PID namespace: the mounts and every process the
# demo started go with it.
out=${HY300_FRESH_LOG:-$work/demo.log}
# The root's cache is at the host's path: the kernel build tree refers to
# its own paths, and kbuild rewrites the build tree's Makefile (read-only
# here) when it is reached by another (a cold run with HY300_CACHE
# elsewhere failed so). With the default cache, the root gets no variable
# a new user would not have.
root_cache=$HY300_CACHE
inside() {
	set -euo pipefail
	local m
	mount -t proc proc "$root/proc"
	mount --rbind /dev "$root/dev"
	mount -t tmpfs tmpfs "$root/tmp"
	mkdir -p "$work/apt-upper" "$work/apt-work"
	mount -t overlay overlay -o "lowerdir=/var/cache/apt/archives,upperdir=$work/apt-upper,workdir=$work/apt-work" \
		"$root/var/cache/apt/archives"
	# The test kernel, read-only, at the root's cache path (what
	# kernel_build_dir computes there, the host's own path).
	for m in "$srcver:$root_cache/src/$(basename "$srcver")" "$kdir:$root_cache/build/$(basename "$kdir")"; do
		mkdir -p "$root${m#*:}"
		mountpoint -q "$root${m#*:}" || mount --bind -o ro "${m%%:*}" "$root${m#*:}"
	done
	printf '%s\n' "$root_cache/src/$(basename "$srcver")/linux" >"$root$root_cache/src/current"
	local status=0
	in_root 'cd /root/hy300 && scripts/demo' || status=$?
	echo "$status" >"$work/demo.status"
	[ "$status" -eq 0 ] || return 0
	echo "== the Debian packages (tests/deb.sh)"
	status=0
	in_root "/root/hy300/tests/deb.sh /root/hy300-src/hy300 $root_cache/build/$(basename "$kdir")" || status=$?
	echo "$status" >"$work/deb.status"
}
# in_root CMD: CMD run by bash in the root, as root, with a clean environment.
in_root() {
	local vars=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb)
	[ "$root_cache" = /root/.cache/hy300 ] || vars+=("HY300_CACHE=$root_cache")
	env -i "${vars[@]}" chroot "$root" /bin/bash -c "$1"
}
export -f inside in_root
echo "fresh: scripts/demo in the root, then tests/deb.sh (output: $out)"
start=$SECONDS
set +e
root=$root work=$work srcver=$srcver kdir=$kdir root_cache=$root_cache \
	unshare --mount --pid --fork --propagation private bash -c inside 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || fail "setting up the root's mounts failed (exit $status)"
[ -f "$work/demo.status" ] || fail "scripts/demo never ran"
status=$(<"$work/demo.status")
[ "$status" -eq 0 ] || fail "scripts/demo failed on a fresh Debian 12 root (exit $status)"
for dev in motor mips tvcap; do
	grep -q "^== /sys/class/hy300/$dev/" "$out" || fail "the demo printed no file of $dev"
	echo "fresh: the demo printed $(grep -c "^== /sys/class/hy300/$dev/" "$out") files of $dev"
done
echo "fresh: scripts/demo works on a fresh Debian 12 root"
[ -f "$work/deb.status" ] || fail "tests/deb.sh never ran"
status=$(<"$work/deb.status")
[ "$status" -eq 0 ] || fail "the Debian packages failed in the fresh root (tests/deb.sh exit $status)"
echo "fresh: the Debian packages build, pass lintian, install, DKMS-build and purge cleanly ($((SECONDS - start)) s with the demo)"
