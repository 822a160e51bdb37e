#!/usr/bin/env bash
# The device tree files, checked with the tools their users run:
# - the overlay compiles with the kernel's headers and dtc, and carries each
#   compatible the drivers match;
# - dt-doc-validate (dtschema from PyPI, installed by scripts/install-deps)
#   reports nothing for each binding;
# - each binding's example validates against the bindings (what the kernel's
#   `make dt_binding_check` does);
# - the overlay, applied with fdtoverlay to tests/dts/h713-test-base.dts (a
#   small base tree with the phandles it references: 7.3 has no H713 tree)
#   with every node enabled, passes dt-validate with no output;
# - dt-validate is shown to catch a fault in each of the three nodes (it
#   prints its findings and exits 0, so "no output" is the verdict).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
src=$(kernel_src_dir)
dtso=arch/arm64/boot/dts/allwinner/sun50i-h713-hy300-drivers.dtso
bindings=Documentation/devicetree/bindings
for tool in dt-doc-validate dt-mk-schema dt-extract-example dt-validate; do
	[ -x "$DTSCHEMA_BIN/$tool" ] || { echo "dts: $DTSCHEMA_BIN/$tool missing (scripts/install-deps)"; exit 1; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# dts_cpp IN OUT: the kernel's preprocessing of a .dts (dt-bindings headers).
dts_cpp() {
	cpp -nostdinc -undef -x assembler-with-cpp -I "$src/include" -I "$src/scripts/dtc/include-prefixes" "$1" -o "$2"
}
# quiet WHAT CMD...: CMD must succeed and print nothing.
quiet() {
	local what=$1 msg
	shift
	if ! msg=$("$@" 2>&1); then
		echo "dts: $what failed:"
		echo "$msg"
		exit 1
	fi
	if [ -n "$msg" ]; then
		echo "dts: $what reports:"
		echo "$msg"
		exit 1
	fi
}

dts_cpp "$dtso" "$out/overlay.dts"
dtc -@ -q -I dts -O dtb -o "$out/overlay.dtbo" "$out/overlay.dts"
dtc -q -I dtb -O dts "$out/overlay.dtbo" >"$out/roundtrip.dts"
for compatible in hy300,keystone-motor allwinner,sun50i-h713-mipsloader allwinner,sun50i-h713-tvcap; do
	grep -qF "$compatible" "$out/roundtrip.dts" || { echo "dts: $compatible missing"; exit 1; }
	grep -rq "\"$compatible\"" drivers/ || { echo "dts: no driver matches $compatible"; exit 1; }
done
echo "dts: overlay compiles ($(stat -c %s "$out/overlay.dtbo") bytes) and carries the drivers' compatibles"

for yaml in "$bindings"/*/*.yaml; do
	quiet "dt-doc-validate $yaml" "$DTSCHEMA_BIN/dt-doc-validate" "$yaml"
	echo "dts: dt-doc-validate $yaml: nothing to report"
done
"$DTSCHEMA_BIN/dt-mk-schema" -j "$bindings" >"$out/schema.json"
validate() { quiet "dt-validate $1" "$DTSCHEMA_BIN/dt-validate" -s "$out/schema.json" "$1"; }

for yaml in "$bindings"/*/*.yaml; do
	name=$(basename "$yaml" .yaml)
	"$DTSCHEMA_BIN/dt-extract-example" "$yaml" >"$out/$name.example.dts"
	dts_cpp "$out/$name.example.dts" "$out/$name.example.pp"
	dtc -q -@ -I dts -O dtb -o "$out/$name.example.dtb" "$out/$name.example.pp"
	validate "$out/$name.example.dtb"
	echo "dts: the example of $yaml passes dt-validate"
done

dts_cpp tests/dts/h713-test-base.dts "$out/base.dts"
dtc -@ -q -I dts -O dtb -o "$out/base.dtb" "$out/base.dts"
fdtoverlay -i "$out/base.dtb" -o "$out/merged.dtb" "$out/overlay.dtbo"
# The overlay's root compatible names its base trees (NixOS matches on
# it) and must not replace the base tree's.
[ "$(fdtget "$out/overlay.dtbo" / compatible)" = "allwinner,sun50i-h713" ] ||
	{ echo "dts: the overlay's root compatible is not allwinner,sun50i-h713"; exit 1; }
[ "$(fdtget "$out/merged.dtb" / compatible)" = "hy300,test-base allwinner,sun50i-h713" ] ||
	{ echo "dts: applying the overlay changed the base tree's compatible"; exit 1; }
# The capture node ships disabled (the base tree's CCU must provide its
# clocks first); dt-validate skips disabled nodes, so enable it here.
tvcap=/soc/video-capture@5700000
fdtput -t s "$out/merged.dtb" "$tvcap" status okay
validate "$out/merged.dtb"
echo "dts: the overlay applied to tests/dts/h713-test-base.dts passes dt-validate (every node enabled)"

# fault NAME FDTPUT-ARGS...: the merged tree with one fault must be reported.
fault() {
	local name=$1 msg
	shift
	cp "$out/merged.dtb" "$out/fault.dtb"
	fdtput "$@"
	msg=$("$DTSCHEMA_BIN/dt-validate" -s "$out/schema.json" "$out/fault.dtb" 2>&1)
	if [ -z "$msg" ]; then
		echo "dts: dt-validate missed: $name"
		exit 1
	fi
	echo "dts: dt-validate catches $name: $(head -n1 <<<"$msg" | sed 's/^[^:]*: //')"
}
fault "a motor without limit-gpios" -d "$out/fault.dtb" /keystone-motor limit-gpios
fault "a mipsloader without memory-region" -d "$out/fault.dtb" /soc/mipsloader@3061000 memory-region
fault "tvcap clock names of another driver" -t s "$out/fault.dtb" "$tvcap" clock-names bus mod dma
fault "the factory tree's tvcap clock names" -t s "$out/fault.dtb" "$tvcap" clock-names clk_bus_tvcap cap_300m vincap_dma_clk
fault "a motor property without the vendor prefix" -t u "$out/fault.dtb" /keystone-motor max-position 100
fault "the generic fallback compatible" -t s "$out/fault.dtb" /soc/mipsloader@3061000 compatible \
	allwinner,sun50i-h713-mipsloader allwinner,sunxi-mipsloader

# The motor's "hy300," prefix is not a registered vendor: its binding
# documents the vendor-prefixes.yaml entry.
python3 - "$bindings/misc/hy300,keystone-motor.yaml" <<'EOP'
import re, sys
text = open(sys.argv[1]).read()
desc = text.split('\ndescription:', 1)[1].split('\nproperties:', 1)[0]
if not re.search(r'"\^hy300,\.\*":\n\s+description: \S', desc):
    sys.exit('dts: the motor binding does not document the "^hy300,.*" vendor-prefix entry in its description')
print('dts: the motor binding documents the "^hy300,.*" vendor-prefix entry')
EOP

# Reviewers' conventions, for every binding: custom properties carry a
# vendor prefix, clock-names and reset-names are short sunxi-style names
# (no "clk", "reset" or "_" in them), and no compatible is a generic
# fallback (allwinner,sunxi-*). dtschema's Python has the YAML parser.
"$DTSCHEMA_BIN/python3" - "$bindings"/*/*.yaml <<'EOP'
import re, sys
from ruamel.yaml import YAML
generic = {'compatible', 'reg', 'interrupts', 'clocks', 'clock-names', 'resets',
           'reset-names', 'iommus', 'memory-region', 'firmware-name',
           'assigned-clocks', 'assigned-clock-rates'}
bad = []
for path in sys.argv[1:]:
    doc = YAML(typ='safe').load(open(path))
    for prop, schema in doc.get('properties', {}).items():
        if prop in generic or prop.endswith('-gpios'):
            continue
        if ',' not in prop:
            bad.append(f'{path}: property {prop} has no vendor prefix')
    for key in ('clock-names', 'reset-names'):
        for item in (doc.get('properties', {}).get(key) or {}).get('items', []):
            name = item.get('const', '')
            if re.search(r'clk|reset|_', name):
                bad.append(f'{path}: {key} entry "{name}" is not a short sunxi-style name')
    if re.search(r'allwinner,sunxi-', repr(doc.get('properties', {}).get('compatible'))):
        bad.append(f'{path}: a generic allwinner,sunxi-* compatible')
if bad:
    sys.exit('dts: ' + '\ndts: '.join(bad))
print(f'dts: {len(sys.argv) - 1} bindings: custom properties vendor-prefixed, sunxi-style clock and reset names, no generic compatible')
EOP
