#!/bin/sh
# Guest half of tests/dkms.sh: /lib/modules/$(uname -r) is what dkms
# install left (plus the kernel's own modules) and nothing is loaded. Each
# driver is loaded by name with modprobe; depmod's dependencies must bring
# in hy300_class first (and videobuf2 for sunxi-tvcap), and modprobe -r
# must unload the driver and then the core.
set -u
loaded() { grep -q "^$1 " /proc/modules; }
fail() { echo "dkms-guest: FAIL: $*"; exit 1; }

dir=/lib/modules/$(uname -r)
[ -f "$dir/modules.dep" ] || fail "no $dir/modules.dep"
loaded hy300_class && fail "hy300_class loaded before any modprobe"
for m in hy300-keystone-motor sunxi-mipsloader sunxi-tvcap; do
	mod=$(echo "$m" | tr - _)
	modprobe "$m" || fail "modprobe $m"
	loaded "$mod" || fail "$mod not loaded by modprobe $m"
	loaded hy300_class || fail "modprobe $m did not load hy300_class"
	echo "dkms-guest: modprobe $m: $mod and hy300_class loaded"
done
grep '^hy300_class ' /proc/modules
users=$(awk '$1 == "hy300_class" { print $4 }' /proc/modules)
for mod in hy300_keystone_motor sunxi_mipsloader sunxi_tvcap; do
	case ",$users" in *",$mod,"*) ;; *) fail "hy300_class is not used by $mod ($users)" ;; esac
done
loaded videobuf2_dma_contig || fail "sunxi-tvcap's dependency videobuf2_dma_contig not loaded"
[ -d /sys/class/hy300 ] || fail "no /sys/class/hy300"
echo "dkms-guest: hy300_class used by $users"
# Unloading is judged by /proc/modules: busybox's modprobe -r also tries
# the module's dependencies and exits 1 when one stays in use (hy300_class
# while another driver holds it), after unloading the module itself.
for m in sunxi-tvcap sunxi-mipsloader hy300-keystone-motor; do
	mod=$(echo "$m" | tr - _)
	modprobe -r "$m" || echo "dkms-guest: modprobe -r $m: status $? (a dependency still in use)"
	loaded "$mod" && fail "modprobe -r $m left $mod loaded"
done
loaded videobuf2_dma_contig && fail "modprobe -r sunxi-tvcap left videobuf2_dma_contig loaded"
loaded hy300_class && fail "modprobe -r left hy300_class loaded"
echo "dkms-guest: modprobe -r unloaded the drivers and the core"
