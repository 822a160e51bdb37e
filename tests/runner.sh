#!/usr/bin/env bash
# The runner's own test (scripts/test with HY300_TEST_STEPS: a made-up step
# table):
#   - a command failing in the middle of a step fails the step (errexit is
#     really on inside steps, not ignored as in a "||" list);
#   - a step whose prerequisite failed is not run: "SKIP <name>: needs
#     <step>, which failed", counted, also for what needs that one, and the
#     run still fails on the prerequisite; a skipped prerequisite (77) is
#     no failure: its steps run;
#   - a step on request is not run unless its id is given (or
#     HY300_ON_REQUEST=1): otherwise "SKIP <name>: on request (scripts/test
#     <id>)", counted;
#   - HY300_TEST_LOGS must be fresh (a directory holding an earlier run's
#     files is refused), and HY300_BLESS is refused.
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"
cd "$HY300_ROOT"
work=$(mktemp -d "${TMPDIR:-/tmp}/hy300-runner.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "runner: FAIL: $*"; exit 1; }
run_tests() { "$HY300_ROOT/scripts/test" "$@"; }

cat >"$work/steps" <<'EOS'
mid_step_fails() {
	false
	echo "went on after a failing command"
}
skips() {
	echo "SKIP nothing to do here"
	return 77
}
add ok "fake: passes" "" true
add mid "fake: a command fails mid-step" "" mid_step_fails
add needs-mid "fake: needs mid" "mid" true
add needs-needs-mid "fake: needs needs-mid" "needs-mid" true
add skips "fake: skips" "" skips
add needs-skips "fake: needs skips" "skips" true
add asked "fake: on request" "" true
on_request asked
EOS
status=0
HY300_TEST_STEPS=$work/steps HY300_TEST_LOGS=$work/logs run_tests >"$work/out" 2>&1 || status=$?
cat "$work/out"
[ "$status" -ne 0 ] || fail "the run passed with a failing step"
grep -q '^PASS  fake: passes ' "$work/out" || fail "the passing step did not pass"
grep -q '^FAIL  fake: a command fails mid-step ' "$work/out" || fail "a command failing mid-step did not fail its step (errexit off inside steps)"
if grep -q 'went on after a failing command' "$work"/logs/*-mid.log; then fail "the step went on after its failing command"; fi
grep -qx 'SKIP fake: needs mid: needs mid, which failed' "$work/out" || fail "no SKIP line for the step whose prerequisite failed"
grep -qx 'SKIP fake: needs needs-mid: needs mid, which failed' "$work/out" || fail "no SKIP line naming the failed step for a step two levels down"
if compgen -G "$work/logs/*-needs-mid.log" >/dev/null; then fail "a step whose prerequisite failed was run"; fi
grep -q '^PASS  fake: needs skips ' "$work/out" || fail "a step whose prerequisite skipped did not run"
grep -qx 'SKIP fake: on request: on request (scripts/test asked)' "$work/out" || fail "no SKIP line for the step on request"
if compgen -G "$work/logs/*-asked.log" >/dev/null; then fail "a step on request ran unasked"; fi
grep -qx 'tests: 2 passed, 1 failed, 4 skipped' "$work/out" || fail "wrong counts"
echo "runner: errexit inside steps, dependents of a failed step skipped and counted, run fails on the prerequisite"

# A step on request: skipped (and counted) when a pattern only contains its
# name, run when its id is given or HY300_ON_REQUEST=1.
HY300_TEST_STEPS=$work/steps HY300_TEST_LOGS=$work/req1 run_tests "on request" >"$work/req1.out" 2>&1 ||
	{ cat "$work/req1.out"; fail "a run of only a skipped step on request failed"; }
grep -qx 'tests: 0 passed, 0 failed, 1 skipped' "$work/req1.out" || { cat "$work/req1.out"; fail "a pattern in its name ran the step on request"; }
HY300_TEST_STEPS=$work/steps HY300_TEST_LOGS=$work/req2 run_tests asked >"$work/req2.out" 2>&1 ||
	{ cat "$work/req2.out"; fail "the step asked for failed"; }
grep -q '^PASS  fake: on request ' "$work/req2.out" || { cat "$work/req2.out"; fail "the step on request did not run when its id was given"; }
HY300_ON_REQUEST=1 HY300_TEST_STEPS=$work/steps HY300_TEST_LOGS=$work/req3 run_tests "on request" >"$work/req3.out" 2>&1 ||
	{ cat "$work/req3.out"; fail "HY300_ON_REQUEST=1 run failed"; }
grep -q '^PASS  fake: on request ' "$work/req3.out" ||
	{ cat "$work/req3.out"; fail "HY300_ON_REQUEST=1 did not make the step on request an ordinary one"; }
echo "runner: a step on request is skipped and counted unless its id is given or HY300_ON_REQUEST=1"

# An earlier run's logs are never read: a used directory is refused.
status=0
HY300_TEST_STEPS=$work/steps HY300_TEST_LOGS=$work/logs run_tests ok >"$work/again" 2>&1 || status=$?
if [ "$status" -ne 2 ] || ! grep -q 'is not empty' "$work/again"; then
	cat "$work/again"
	fail "a used HY300_TEST_LOGS was accepted (status $status)"
fi
status=0
HY300_BLESS=1 HY300_TEST_STEPS=$work/steps HY300_TEST_LOGS=$work/bless run_tests ok >"$work/bless.out" 2>&1 || status=$?
if [ "$status" -ne 2 ] || ! grep -q 'HY300_BLESS is set' "$work/bless.out"; then
	cat "$work/bless.out"
	fail "HY300_BLESS was accepted (status $status)"
fi
echo "runner: a used HY300_TEST_LOGS and HY300_BLESS are refused"
echo "runner: ok"
