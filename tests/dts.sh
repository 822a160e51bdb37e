#!/usr/bin/env bash
# Compiles the HY300 overlay with the kernel's headers and dtc, and checks
# that each compatible the drivers match is in it.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
src=$(kernel_src_dir)
dtso=arch/arm64/boot/dts/allwinner/sun50i-h713-hy300-drivers.dtso
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cpp -nostdinc -undef -x assembler-with-cpp -I "$src/include" -I "$src/scripts/dtc/include-prefixes" "$dtso" -o "$out/overlay.dts"
dtc -@ -q -I dts -O dtb -o "$out/overlay.dtbo" "$out/overlay.dts"
dtc -q -I dtb -O dts "$out/overlay.dtbo" >"$out/roundtrip.dts"
for compatible in hy300,keystone-motor allwinner,sun50i-h713-mipsloader allwinner,sun50i-h713-tvcap; do
	grep -qF "$compatible" "$out/roundtrip.dts" || { echo "dts: $compatible missing"; exit 1; }
	grep -rq "\"$compatible\"" drivers/ || { echo "dts: no driver matches $compatible"; exit 1; }
done
echo "dts: overlay compiles ($(stat -c %s "$out/overlay.dtbo") bytes) and carries the drivers' compatibles"
