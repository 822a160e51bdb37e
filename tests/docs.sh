#!/usr/bin/env bash
# What the docs claim, where a machine can check it:
# - README.md's list of step ids (between <!-- steps --> and <!-- /steps -->,
#   vm-ARCH-* for each guest architecture) is exactly `scripts/test --list`;
# - every family of Documentation/hy300/metrics-catalog.rst's tables (the
#   sections before "From the C original") is in the guest's idle dump
#   (DUMP: the metrics-idle test's log, files between ===HY300-FILE
#   markers) and every family of the dump is in the catalog;
# - the register bits the catalog lists for hy300_tvcap_status_bit,
#   hy300_tvcap_irq_enable_bit and hy300_tvcap_irq_status_bit are exactly
#   the "bit" label values of the dump;
# - README.md states no measured duration (minutes): figures live in
#   Documentation/hy300/testing.rst, which it refers to.
#
#   tests/docs.sh DUMP
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 1 ] || { echo "usage: tests/docs.sh METRICS-IDLE-LOG" >&2; exit 2; }
dump=$1
[ -s "$dump" ] || { echo "docs: no guest dump at $dump"; exit 1; }
catalog=Documentation/hy300/metrics-catalog.rst
status=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# compare WHAT A B: the sorted sets in files A (claimed by the docs) and B
# (the truth) must be equal; prints each difference.
compare() {
	local what=$1 a=$2 b=$3 x
	for x in $(comm -23 "$a" "$b"); do
		echo "docs: $what: $x is documented but not there"
		status=1
	done
	for x in $(comm -13 "$a" "$b"); do
		echo "docs: $what: $x is there but not documented"
		status=1
	done
	if [ "$(comm -3 "$a" "$b" | wc -l)" -eq 0 ]; then
		echo "docs: $what: $(wc -l <"$a") match"
	fi
}

# README's step ids against the runner's.
awk '/^<!-- steps -->$/ { on = 1; next } /^<!-- \/steps -->$/ { on = 0 }
	on && !/^```/ { for (i = 1; i <= NF; i++) print $i }' README.md | sort -u >"$work/readme-steps"
[ -s "$work/readme-steps" ] || { echo "docs: README.md has no <!-- steps --> list"; status=1; }
bash scripts/test --list >"$work/list"
[ -s "$work/list" ] || { echo "docs: scripts/test --list printed nothing"; exit 1; }
awk '{ print $1 }' "$work/list" | sed -E 's/^vm-(x86_64|arm64)-/vm-ARCH-/' | sort -u >"$work/runner-steps"
compare "README.md's step ids vs scripts/test --list" "$work/readme-steps" "$work/runner-steps"

# The families: the catalog's table rows (a family name at the start of a
# line) before the C-original section, against the dump's TYPE lines.
sed '/^From the C original$/,$d' "$catalog" | grep -oE '^hy300_[a-z0-9_]+' | sort -u >"$work/doc-families"
grep -oE '^# TYPE hy300_[a-z0-9_]+' "$dump" | awk '{ print $3 }' | sort -u >"$work/dump-families"
[ -s "$work/dump-families" ] || { echo "docs: no family in the dump $dump"; exit 1; }
compare "catalog families vs the guest's files" "$work/doc-families" "$work/dump-families"

# The register bits: the catalog's bullet of each bit family lists its
# bits as ``name``; the dump's samples carry them as bit="name".
# shellcheck disable=SC2016 # ``name`` is RST markup, not an expansion
bits_doc() { # FAMILY: the ``names`` of the catalog bullet that starts with FAMILY
	awk -v fam="$1" '
		index($0, "- ``" fam "``") == 1 { on = 1 }
		on && /^$/ { exit }
		on && /^- / && index($0, "- ``" fam "``") != 1 { exit }
		on { print }
	' "$catalog" | grep -oE '``[a-z_]+``' | tr -d '`' | grep -v '^hy300_' | sort -u
}
bits_dump() {
	grep -oE "^$1\{[^}]*bit=\"[a-z_]+\"" "$dump" | sed -E 's/.*bit="([a-z_]+)"/\1/' | sort -u
}
bits_doc hy300_tvcap_status_bit >"$work/doc-status"
bits_dump hy300_tvcap_status_bit >"$work/dump-status"
compare "STATUS bits" "$work/doc-status" "$work/dump-status"
bits_doc hy300_tvcap_irq_enable_bit >"$work/doc-irq"
for fam in hy300_tvcap_irq_enable_bit hy300_tvcap_irq_status_bit; do
	bits_dump "$fam" >"$work/dump-$fam"
	compare "$fam bits" "$work/doc-irq" "$work/dump-$fam"
done

# README: figures by reference only.
if grep -nE '[0-9]+ (minutes?|min)\b' README.md; then
	echo "docs: README.md states a duration: give it in Documentation/hy300/testing.rst and refer to it"
	status=1
else
	echo "docs: README.md states no measured duration"
fi
grep -q 'Documentation/hy300/testing.rst' README.md ||
	{ echo "docs: README.md does not refer to Documentation/hy300/testing.rst"; status=1; }
exit $status
