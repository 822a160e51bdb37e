#!/usr/bin/env bash
# The Debian packages (debian/), in the fresh Debian 12 root of
# tests/fresh.sh after its demo (run there as root, by tests/fresh.sh):
# - dpkg-buildpackage builds the source package and hy300-dkms,
#   hy300-monitoring from a clean copy of the checkout (SRC);
# - lintian: no error, no warning (overrides name their reason);
# - with the packages' dependencies installed, both install (dpkg -i); DKMS
#   builds the four modules against the test kernel tree (KDIR) and
#   sunxi-mipsloader.ko declares display.bin; the unit names the installed
#   collector and documentation; the udev rule's helper is installed and
#   the postinst linked the topic file of a (stand-in) bound device;
# - purging both leaves the root exactly as before they were installed
#   (every file, link and directory outside apt's and dpkg's own state).
#
#   tests/deb.sh SRC KDIR
set -euo pipefail
src=${1:?usage: tests/deb.sh SRC KDIR}
kdir=${2:?usage: tests/deb.sh SRC KDIR}

fail() { echo "deb: FAIL: $*"; exit 1; }

# The stand-in /sys/class/hy300 below needs a root without sysfs.
! mountpoint -q /sys || fail "run inside tests/fresh.sh's root only (sysfs is mounted here)"

cd "$src"
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)
echo "deb: dpkg-buildpackage (hy300 $version)"
dpkg-buildpackage -us -uc >../dpkg-buildpackage.log 2>&1 || { tail -n 40 ../dpkg-buildpackage.log; fail "dpkg-buildpackage failed"; }
cd ..
debs=("$PWD/hy300-dkms_${version}_all.deb" "$PWD/hy300-monitoring_${version}_all.deb")
for d in "${debs[@]}"; do [ -f "$d" ] || fail "dpkg-buildpackage made no $d"; done
echo "deb: built $(basename "${debs[0]}") $(basename "${debs[1]}") and the source package"

echo "deb: lintian (--fail-on error,warning)"
lintian --fail-on error,warning --display-info hy300_"${version}"_*.changes || fail "lintian reports errors or warnings (above)"
echo "deb: lintian: no error, no warning"

# The packages' dependencies first, so the purge can be compared with the
# root before the packages themselves.
deps=$(for d in "${debs[@]}"; do dpkg-deb -f "$d" Depends; done | paste -sd, -)
echo "deb: dependencies: $deps"
DEBIAN_FRONTEND=noninteractive apt-get satisfy -y -q --no-install-recommends "$deps" >../apt-satisfy.log 2>&1 ||
	{ tail -n 30 ../apt-satisfy.log; fail "apt-get satisfy failed"; }

snapshot() {
	find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /tmp -o -path /run -o -path /root \
		-o -path /var/cache -o -path /var/log -o -path /var/lib/dpkg -o -path /var/lib/apt \) -prune -o \
		-printf '%p %y %m %l\n' | sort
}
# What prometheus-node-exporter would bring (its textfile directory), and a
# bound motor: this chroot has no sysfs, so /sys/class/hy300 is a stand-in
# with one topic file and the summary `metrics` (not linked).
mkdir -p /var/lib/prometheus/node-exporter /sys/class/hy300/motor
printf '# HELP hy300_motor_phase_transitions_total Phase changes.\n# TYPE hy300_motor_phase_transitions_total counter\nhy300_motor_phase_transitions_total 0\n' \
	>/sys/class/hy300/motor/gpio_status
printf '# HELP hy300_motor_homed Homed.\n# TYPE hy300_motor_homed gauge\nhy300_motor_homed 0\n' >/sys/class/hy300/motor/metrics
chmod 444 /sys/class/hy300/motor/gpio_status /sys/class/hy300/motor/metrics
snapshot >../before.txt

DEBIAN_FRONTEND=noninteractive dpkg -i "${debs[@]}" || fail "dpkg -i of the packages failed"
[ -f "/usr/src/hy300-$version/dkms.conf" ] || fail "no /usr/src/hy300-$version/dkms.conf"
status=$(dkms status hy300)
grep -q "hy300/$version" <<<"$status" || fail "dkms does not know hy300/$version: $status"
echo "deb: installed; dkms status: $(tr '\n' ';' <<<"$status")"

# DKMS against the test kernel tree.
kver=$(make -s -C "$kdir" kernelrelease)
dkms build "hy300/$version" -k "$kver" --kernelsourcedir "$kdir" || fail "dkms build against the test kernel $kver failed"
built=$(cd "/var/lib/dkms/hy300/$version/$kver/$(uname -m)/module" && ls)
[ "$(sort <<<"$built" | tr '\n' ' ')" = "hy300-keystone-motor.ko hy300_class.ko sunxi-mipsloader.ko sunxi-tvcap.ko " ] ||
	fail "dkms built: $built"
fw=$(modinfo -F firmware "/var/lib/dkms/hy300/$version/$kver/$(uname -m)/module/sunxi-mipsloader.ko")
[ "$fw" = display.bin ] || fail "the DKMS-built sunxi-mipsloader.ko declares '$fw', not display.bin"
echo "deb: dkms built the four modules for the test kernel $kver (sunxi-mipsloader: firmware display.bin)"

unit=/usr/lib/systemd/system/hy300-textfile-collector.service
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
[ -x "$exec_start" ] || fail "the unit's ExecStart=$exec_start is not installed"
doc=$(sed -n 's#^Documentation=file://##p' "$unit")
[ -f "$doc" ] || fail "the unit's Documentation=$doc is not installed"
echo "deb: the unit's ExecStart ($exec_start) and Documentation ($doc) are installed"

rules=/usr/lib/udev/rules.d/90-hy300-textfile.rules
[ -f "$rules" ] || fail "no udev rule $rules"
runs=$(sed -n 's/.*RUN+="\([^" ]*\).*/\1/p' "$rules" | sort -u)
[ -n "$runs" ] || fail "the udev rule runs nothing"
for r in $runs; do
	[ -x "$r" ] || fail "the udev rule runs $r, which is not installed"
done
links=$(find /var/lib/prometheus/node-exporter -maxdepth 1 -name 'hy300-*.prom' -printf '%f -> %l\n' | sort)
[ "$links" = "hy300-motor-gpio_status.prom -> /sys/class/hy300/motor/gpio_status" ] ||
	fail "after install, the postinst's links of the bound devices are: $links"
echo "deb: the udev rule runs $(tr '\n' ' ' <<<"$runs")(installed); the postinst linked the bound device's topic file: $links"

DEBIAN_FRONTEND=noninteractive dpkg --purge hy300-monitoring hy300-dkms || fail "dpkg --purge failed"
snapshot >../after.txt
if ! diff -u ../before.txt ../after.txt; then
	fail "purging left the root changed (diff above: - before install, + after purge)"
fi
echo "deb: purge removed every file and link ($(wc -l <../before.txt) paths compared)"
rm -rf /sys/class/hy300
