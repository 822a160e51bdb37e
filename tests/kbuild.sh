#!/usr/bin/env bash
# The Makefile as out-of-tree module users expect it:
# - `make help` exits 0, lists the targets and shows the default KDIR, the
#   running kernel's /lib/modules/$(uname -r)/build;
# - a KDIR without a kernel build tree fails with a message naming it; a
#   tree without the Rust metadata (a distribution's headers) or without
#   an option the modules need stops with scripts/check-kdir's message
#   naming what is missing;
# - `make KDIR=<test kernel>` builds exactly the four drivers (the simulated
#   board of tests/sim only with HY300_SIM=y: the modules-sim step checks
#   that half);
# - `make modules_install INSTALL_MOD_PATH=<staging>` installs them under
#   lib/modules/<release>/updates/ and depmod records that every driver
#   depends on the class core;
# - sunxi-mipsloader.ko declares its default firmware (modinfo: display.bin).
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"
cd "$HY300_ROOT"

fail() { echo "kbuild: FAIL: $*"; exit 1; }

help=$(env -u KDIR make -s help) || fail "make help exited non-zero"
default_kdir=/lib/modules/$(uname -r)/build
grep -qxF "  KDIR=$default_kdir" <<<"$help" || fail "make help does not show the default KDIR=$default_kdir:
$help"
for target in modules modules_install clean help; do
	grep -qE "^  $target " <<<"$help" || fail "make help does not list $target"
done
echo "kbuild: make help: default KDIR=$default_kdir, targets modules, modules_install, clean, help"

if out=$(make -s KDIR=/nonexistent/kernel/build modules 2>&1); then
	fail "make with a missing KDIR succeeded"
fi
grep -qF "no kernel build tree at KDIR=/nonexistent/kernel/build" <<<"$out" || fail "unclear error for a missing KDIR: $out"
echo "kbuild: a missing KDIR fails and names it"

kdir=$(kernel_build_dir)
[ -f "$kdir/.hy300-built" ] || fail "no test kernel at $kdir (scripts/kernel build)"
kver=$(make -s -C "$kdir" kernelrelease)
stage=$(mktemp -d "${TMPDIR:-/tmp}/hy300-kbuild.XXXXXX")
trap 'rm -rf "$stage"' EXIT

# A tree like a distribution's headers package (the kernel's Makefile and
# .config, no Rust metadata), and one whose .config lacks an option the
# modules need: make stops at once, naming what is missing
# (scripts/check-kdir, which dkms.conf runs too).
mkdir -p "$stage/headers" "$stage/novb2/rust/bindings"
cp "$kdir/Makefile" "$kdir/.config" "$stage/headers/"
if out=$(make -s KDIR="$stage/headers" modules 2>&1); then
	fail "make against a tree without Rust metadata succeeded"
fi
grep -qF "hy300: the kernel build tree $stage/headers cannot build the hy300 modules: no Rust metadata: rust/libkernel.rmeta rust/libmacros.so rust/bindings/.bindings_generated.rs.cmd" <<<"$out" ||
	fail "make against a tree without Rust metadata: $out"
echo "kbuild: make against a tree without Rust metadata stops: $out"
cp "$kdir/Makefile" "$stage/novb2/"
grep -v '^CONFIG_VIDEOBUF2_DMA_CONTIG=' "$kdir/.config" >"$stage/novb2/.config"
cp "$kdir/rust/libkernel.rmeta" "$kdir/rust/libmacros.so" "$stage/novb2/rust/"
cp "$kdir/rust/bindings/.bindings_generated.rs.cmd" "$stage/novb2/rust/bindings/"
if out=$(make -s KDIR="$stage/novb2" modules 2>&1); then
	fail "make against a tree without CONFIG_VIDEOBUF2_DMA_CONTIG succeeded"
fi
grep -qF "hy300: the kernel build tree $stage/novb2 cannot build the hy300 modules: options not set: CONFIG_VIDEOBUF2_DMA_CONTIG;" <<<"$out" ||
	fail "make against a tree without CONFIG_VIDEOBUF2_DMA_CONTIG: $out"
if grep -qF 'no Rust metadata' <<<"$out"; then fail "check-kdir reports Rust metadata missing that is there: $out"; fi
echo "kbuild: make against a tree without CONFIG_VIDEOBUF2_DMA_CONTIG stops, naming it"
sh scripts/check-kdir "$kdir" || fail "scripts/check-kdir refuses the test kernel"

make -s KDIR="$kdir" modules
expected="drivers/media/platform/sunxi/tvcap/sunxi-tvcap
drivers/misc/hy300-keystone-motor/hy300-keystone-motor
drivers/misc/hy300/hy300_class
drivers/misc/sunxi-mipsloader/sunxi-mipsloader"
built=$(sed 's/\.[ok]*$//' modules.order | sort)
[ "$built" = "$expected" ] || fail "make without HY300_SIM built:
$built"
echo "kbuild: make KDIR=<test kernel> builds the four drivers, no tests/sim"

# The firmware the co-processor loader asks for by default is declared
# (MODULE_FIRMWARE / module_firmware!): initramfs tools copy what modinfo lists.
fw=$(modinfo -F firmware drivers/misc/sunxi-mipsloader/sunxi-mipsloader.ko) || fail "modinfo sunxi-mipsloader.ko failed"
[ "$fw" = display.bin ] || fail "modinfo -F firmware sunxi-mipsloader.ko lists '${fw}', not display.bin"
echo "kbuild: modinfo sunxi-mipsloader.ko: firmware display.bin"

# One generated bindings file for every module (Documentation/hy300/
# bindings.rst): no hand-written extern block or UAPI mirror in the Rust
# sources; a build with nothing changed regenerates and rebuilds nothing
# (the file is only replaced when its inputs or content change).
bindings=rust/bindings/hy300_bindings_generated.rs
[ -f "$bindings" ] || fail "$bindings was not generated"
externs=$(git grep -n 'extern "C" {' -- '*.rs' ':!rust/bindings/' || true)
[ -z "$externs" ] || fail "hand-written extern blocks (declare C in rust/bindings/hy300_bindings_helper.h):
$externs"
# Driver files have no unsafe code, and the compiler checks it (issue 24,
# item 1): each forbids unsafe_code, except the crate roots (the objects
# their Kbuild names), which include the rust/ layers as modules of the
# crate and so deny it, allowing it only on the mod items of those layers.
# A file without the attribute would not be checked at all: this is that.
unchecked=$(find drivers -name '*.rs' | sort | while IFS= read -r f; do
	grep -qx '#!\[forbid(unsafe_code)\]' "$f" && continue
	base=$(basename "$f" .rs)
	if ! grep -qx '#!\[deny(unsafe_code)\]' "$f" || ! grep -qw "$base\.o" "$(dirname "$f")/Kbuild"; then
		echo "$f: no #![forbid(unsafe_code)] (only a crate root may #![deny] it instead)"
		continue
	fi
	awk -v f="$f" '/allow\(.*unsafe_code/ {
		line = $0; n = NR
		if (line !~ /^#\[allow\(/ || (getline nxt) <= 0 || nxt !~ /^#\[path = ".*\/rust\//)
			print f ":" n ": allows unsafe_code on an item that is no rust/ layer: " line
	}' "$f"
done)
[ -z "$unchecked" ] || fail "driver files whose unsafe code the compiler would not refuse:
$unchecked"
echo "kbuild: every driver file forbids unsafe_code; the crate roots deny it (allowed only on the rust/ layers' mod items)"

kos=$(sed 's/\.o$/.ko/' modules.order)
# shellcheck disable=SC2086 # a list of module paths
before=$(stat -c '%n %Y.%y' "$bindings" $kos)
make -s KDIR="$kdir" modules
# shellcheck disable=SC2086
after=$(stat -c '%n %Y.%y' "$bindings" $kos)
[ "$before" = "$after" ] || fail "a second build with nothing changed regenerated or rebuilt:
$(diff <(echo "$before") <(echo "$after"))"
echo "kbuild: one generated bindings file, no extern block in the modules; an unchanged rebuild touches nothing"

# The kernel's own modules first (what a distribution kernel package
# installs), so depmod resolves every symbol; then ours.
make -s -C "$kdir" INSTALL_MOD_PATH="$stage" modules_install >/dev/null
make -s KDIR="$kdir" INSTALL_MOD_PATH="$stage" modules_install
moddir=$stage/lib/modules/$kver
installed=$(cd "$moddir" && find updates -name '*.ko*' | sort)
[ "$installed" = "updates/drivers/media/platform/sunxi/tvcap/sunxi-tvcap.ko
updates/drivers/misc/hy300-keystone-motor/hy300-keystone-motor.ko
updates/drivers/misc/hy300/hy300_class.ko
updates/drivers/misc/sunxi-mipsloader/sunxi-mipsloader.ko" ] || fail "modules_install installed:
$installed"
for m in hy300-keystone-motor sunxi-mipsloader sunxi-tvcap; do
	line=$(grep "/$m.ko[^:]*:" "$moddir/modules.dep") || fail "$m is not in modules.dep"
	grep -q 'hy300_class\.ko' <<<"$line" || fail "depmod does not record $m -> hy300_class: $line"
done
grep -q 'sunxi-tvcap.ko[^:]*:.*videobuf2-dma-contig' "$moddir/modules.dep" ||
	fail "depmod does not record sunxi-tvcap -> videobuf2-dma-contig"
echo "kbuild: make modules_install: lib/modules/$kver/updates/ holds the four modules; modules.dep: every driver -> hy300_class"
