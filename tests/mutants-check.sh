#!/usr/bin/env bash
# scripts/mutants --check: its negative tests on tests/mutants/sample.txt
# first (--check-edit, the same check for an ad-hoc edit), then every
# substitution of every fault must still apply to this checkout (each one,
# not only the fault's edit as a whole). The negative tests: a fault whose second substitution matches
# nothing is STALE (motor-limit-ignored once lost its second one silently:
# the first still changed the file), as is one whose first matches nothing,
# one that matches and changes nothing, and two substitutions in one edit.
# shellcheck disable=SC2016 # the edits are perl expressions, not shell
set -euo pipefail
cd "$(dirname "$0")/.."
f=tests/mutants/sample.txt
# stale WHAT MESSAGE FILE EDIT...: --check-edit must fail, printing MESSAGE.
stale() {
	local what=$1 message=$2 out
	shift 2
	if out=$(scripts/mutants --check-edit "$@"); then
		printf '%s\n' "$out"
		echo "mutants-check: FAIL: $what was not reported STALE"
		return 1
	fi
	if ! grep -qE "^STALE check-edit: $message" <<<"$out"; then
		printf '%s\n' "$out"
		echo "mutants-check: FAIL: $what: no line 'STALE check-edit: $message'"
		return 1
	fi
	echo "mutants-check: STALE as it must be: $what"
}
scripts/mutants --check-edit "$f" 's/read_switch\(\)/false/' "$f" 's/homed = limit;/homed = true;/' ||
	{ echo "mutants-check: FAIL: two substitutions that apply were reported STALE"; exit 1; }
stale "a second substitution that matches nothing" \
	"edit 2 of 2 \(tests/mutants/sample\.txt: .*\): matches nothing$" \
	"$f" 's/read_switch\(\)/false/' "$f" 's/homed = limit_active;/homed = true;/'
stale "a first substitution that matches nothing" \
	"edit 1 of 2 \(tests/mutants/sample\.txt: .*\): matches nothing$" \
	"$f" 's/read_limit\(\)/false/' "$f" 's/homed = limit;/homed = true;/'
stale "a substitution that changes nothing" \
	"edit 1 of 1 \(.*\): matches, but changes nothing$" \
	"$f" 's/(read_switch)/$1/'
stale "two substitutions in one edit" \
	"edit 1 of 1 \(.*\): 2 substitutions in one edit, expected 1$" \
	"$f" 's/read_switch\(\)/false/; s/homed = limit_active;/homed = true;/'
stale "a file that is not there" \
	"tests/mutants/no-such-file: no such file$" \
	tests/mutants/no-such-file 's/a/b/'
if ! out=$(scripts/mutants --check); then
	grep -v '^ok ' <<<"$out"
	echo "mutants-check: FAIL: a fault no longer applies"
	exit 1
fi
tail -n 1 <<<"$out"
echo "mutants-check: ok"
