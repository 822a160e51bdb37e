# shellcheck shell=sh
# The one kernel-splat check of the project, sourced by the guest tests
# (/lib/hy300/splat.sh) and by the host (scripts/check-splat) for every
# guest run: Oops, BUG (KASAN's reports start with "BUG: KASAN"), WARNING,
# UBSAN, lockdep, sleeping in atomic context, debug objects, refcount,
# list corruption, hung tasks, RCU stalls, panics and kmemleak.
# An allocator's "page allocation failure" under fault injection prints a
# call trace too, so a bare "Call Trace" is not a splat: each of the reports
# above prints its own header line.
HY300_SPLATS='BUG:|WARNING:|Oops|general protection fault|Kernel panic|KASAN|UBSAN|possible circular|possible recursive|inconsistent lock state|lock held when returning|bad unlock balance|suspicious RCU usage|sleeping function called|ODEBUG|refcount_t|list_(add|del) corruption|INFO: task .* blocked|rcu: .* stall'
# kmemleak's scan summary. A run that judges kmemleak's report file itself
# (tests/vm/stress.sh: one known V4L2-core leak counted apart) sets
# HY300_KMEMLEAK_JUDGED=1; every other kernel log fails on it.
HY300_KMEMLEAK='kmemleak: [0-9]+ new suspected'

# splat_check < KERNEL_LOG: prints the splat lines; fails when there is one.
splat_check() {
	if [ -n "${HY300_KMEMLEAK_JUDGED:-}" ]; then
		! grep -E "$HY300_SPLATS"
	else
		! grep -E "$HY300_SPLATS|$HY300_KMEMLEAK"
	fi
}
