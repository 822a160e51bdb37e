// SPDX-License-Identifier: GPL-2.0

//! KUnit suite of the motion logic against a recording hardware double.

#![forbid(unsafe_code)]

use core::sync::atomic::{AtomicU32, AtomicU8, AtomicUsize, Ordering::Relaxed};
use kernel::prelude::*;

use crate::hy300::input::parse_u32;
use crate::hy300::ratelimit::RateLimit;
use crate::hy300::testing::{truncated_pages_keep_whole_lines, worst_case_pages_fit};
use crate::motion::{Motion, MotorHw, Timing, HOMING_MARGIN_STEPS};
use crate::page::{Page, PAGES};
use kernel::time::{delay::fsleep, Delta};

/// Masks a test can have recorded: more than the longest test writes.
const LOG_CAPACITY: usize = 256;

/// Records every mask the logic drives, in order; the limit switch closes
/// after `limit_after` reads (never if `u32::MAX`) and opens again after
/// `limit_until` reads.
struct FakeHw {
    log: [AtomicU8; LOG_CAPACITY],
    writes: AtomicUsize,
    limit_reads: AtomicU32,
    limit_after: u32,
    limit_until: u32,
}

impl FakeHw {
    fn new(limit_after: u32) -> Self {
        FakeHw {
            log: [const { AtomicU8::new(0xff) }; LOG_CAPACITY],
            writes: AtomicUsize::new(0),
            limit_reads: AtomicU32::new(0),
            limit_after,
            limit_until: u32::MAX,
        }
    }

    /// The switch reads active once, at the first read (homing at once),
    /// then never again (the later moves towards it do not reach it).
    fn active_once() -> Self {
        FakeHw {
            limit_until: 1,
            ..FakeHw::new(0)
        }
    }

    /// The masks written so far, oldest first; `ENOSPC` if the log
    /// overflowed.
    fn written(&self) -> Result<KVec<u8>> {
        let writes = self.writes.load(Relaxed);
        if writes > LOG_CAPACITY {
            return Err(ENOSPC);
        }
        let mut masks = KVec::with_capacity(writes, GFP_KERNEL)?;
        for slot in self.log.iter().take(writes) {
            masks.push(slot.load(Relaxed), GFP_KERNEL)?;
        }
        Ok(masks)
    }
}

impl MotorHw for FakeHw {
    fn set_phases(&self, mask: u8) -> Result {
        let n = self.writes.fetch_add(1, Relaxed);
        if let Some(slot) = self.log.get(n) {
            slot.store(mask, Relaxed);
        }
        Ok(())
    }

    fn limit_active(&self) -> Result<bool> {
        let read = self.limit_reads.fetch_add(1, Relaxed);
        Ok(read >= self.limit_after && read < self.limit_until)
    }
}

/// A [`FakeHw`] that also acts on the motion after `after` phase writes:
/// an interrupt or an unbind arriving in the middle of a move.
struct ActingHw<'a> {
    fake: FakeHw,
    motion: &'a Motion,
    after: usize,
    /// Called with the motion and the recording hardware (the interrupt
    /// drives its lines through it).
    action: fn(&Motion, &dyn MotorHw),
}

impl MotorHw for ActingHw<'_> {
    fn set_phases(&self, mask: u8) -> Result {
        self.fake.set_phases(mask)?;
        if self.fake.writes.load(Relaxed) == self.after {
            (self.action)(self.motion, &self.fake);
        }
        Ok(())
    }

    fn limit_active(&self) -> Result<bool> {
        self.fake.limit_active()
    }
}

const FAST: Timing = Timing {
    phase_delay_us: 0,
    step_delay_ms: 0,
};

#[kunit_tests(hy300_motor_motion)]
mod motion_tests {
    use super::*;

    #[test]
    fn homing_steps_ccw_until_the_switch() -> Result {
        let hw = FakeHw::new(5);
        let m = Motion::new(100);
        assert_eq!(m.home(&hw, FAST), Ok(()));
        assert!(m.homed.load(Relaxed));
        assert_eq!(m.position.get(), 0);
        assert_eq!(m.metrics.steps_counter_clockwise.get(), 5);
        assert_eq!(m.metrics.homing_successes.get(), 1);
        // Counter-clockwise walks the half-step table backwards from entry
        // 0 (0x04): entries 7, 6, 5, 4, 3; then idle, all lines off.
        assert_eq!(hw.written()?, [0x06, 0x02, 0x03, 0x01, 0x09, 0x00]);
        Ok(())
    }

    #[test]
    fn homing_without_switch_fails_and_stays_unhomed() {
        let hw = FakeHw::new(u32::MAX);
        let m = Motion::new(50);
        assert_eq!(m.home(&hw, FAST), Err(ETIMEDOUT));
        assert!(!m.homed.load(Relaxed));
        // Position 0 (as documented until homed), not -150 (every step
        // counted down from where the run started).
        assert_eq!(m.position.get(), 0);
        assert_eq!(m.metrics.homing_failures.get(), 1);
        // Exactly the documented budget (the failure message names it),
        // not one more.
        assert_eq!(
            m.metrics.steps_counter_clockwise.get(),
            u64::from(50 + HOMING_MARGIN_STEPS)
        );
    }

    #[test]
    fn homing_sees_the_switch_reached_by_the_last_step() {
        // The switch is read once more after the last step of the budget:
        // reached by that step, homing succeeds.
        let budget = 50 + HOMING_MARGIN_STEPS;
        let hw = FakeHw::new(budget);
        let m = Motion::new(50);
        assert_eq!(m.home(&hw, FAST), Ok(()));
        assert!(m.homed.load(Relaxed));
        assert_eq!(m.metrics.steps_counter_clockwise.get(), u64::from(budget));
    }

    #[test]
    fn move_homes_first_then_reaches_target() {
        let hw = FakeHw::active_once();
        let m = Motion::new(100);
        assert_eq!(m.move_to(&hw, FAST, 40), Ok(()));
        assert_eq!(m.position.get(), 40);
        assert_eq!(m.metrics.steps_clockwise.get(), 40);
        assert_eq!(m.metrics.movements.get(), 1);
        assert_eq!(m.metrics.homing_attempts.get(), 1);
        assert_eq!(m.move_to(&hw, FAST, 30), Ok(()));
        assert_eq!(m.position.get(), 30);
        assert_eq!(m.metrics.steps_counter_clockwise.get(), 10);
        assert_eq!(m.metrics.step_seconds.snapshot().count, 50);
    }

    #[test]
    fn phases_walk_the_table_both_ways_across_moves() -> Result {
        // The switch is active at once, so homing takes no step and every
        // mask below comes from the moves (which never reach the switch).
        // The literal masks are the half-step order (motion.rs); 0x00 only
        // ends a move.
        let hw = FakeHw::active_once();
        let m = Motion::new(100);
        for target in [3, 8, 4, 6] {
            assert_eq!(m.move_to(&hw, FAST, target), Ok(()));
        }
        assert_eq!(
            hw.written()?,
            [
                0x0c, 0x08, 0x09, 0x00, // +3: entries 1, 2, 3 (from 0)
                0x01, 0x03, 0x02, 0x06, 0x04, 0x00, // +5: 4, 5, 6, 7, wraps to 0
                0x06, 0x02, 0x03, 0x01, 0x00, // -4: 7, 6, 5, 4
                0x03, 0x02, 0x00, // +2: 5, 6 (after a reversal, no repeat)
            ]
        );
        // Level changes of lines 0..3 over those masks, starting from 0.
        let transitions = m.metrics.phase_transitions.each_ref().map(|c| c.get());
        assert_eq!(transitions, [8, 6, 6, 2]);
        Ok(())
    }

    #[test]
    fn move_towards_the_switch_stops_at_it_when_polled() -> Result {
        // Homed at 50 (lost steps: the lens is nearer the stop than that);
        // the switch reads active from its 11th read, i.e. after 10 steps.
        let hw = FakeHw::new(10);
        let m = Motion::new(100);
        m.homed.store(true, Relaxed);
        m.position.set(50);
        assert_eq!(m.move_to(&hw, FAST, 20), Ok(()));
        assert_eq!(m.position.get(), 0);
        assert!(m.homed.load(Relaxed));
        assert_eq!(m.metrics.limit_switch_triggers.get(), 1);
        assert_eq!(m.metrics.steps_counter_clockwise.get(), 10);
        assert_eq!(hw.limit_reads.load(Relaxed), 11);
        assert_eq!(hw.written()?.last(), Some(&0x00));
        Ok(())
    }

    #[test]
    fn move_towards_the_switch_stops_at_its_interrupt_phases_off() -> Result {
        // With an interrupt, the line is read once when the run starts
        // (inactive here) and never again. The interrupt comes while the
        // 7th step is driven: it switches the phases off itself (the C
        // original's hard handler did), the step sees it and switches them
        // off again, and no step follows: every write after the 7th step's
        // is 0, none energises a line.
        let m = Motion::new(100);
        m.use_limit_interrupt();
        m.homed.store(true, Relaxed);
        m.position.set(50);
        let hw = ActingHw {
            fake: FakeHw::new(u32::MAX),
            motion: &m,
            after: 7,
            action: |m, hw| m.limit_interrupt(hw),
        };
        assert_eq!(m.move_to(&hw, FAST, 20), Ok(()));
        assert_eq!(m.metrics.steps_counter_clockwise.get(), 7);
        assert_eq!(hw.fake.limit_reads.load(Relaxed), 1);
        assert_eq!(m.position.get(), 0);
        assert!(m.homed.load(Relaxed));
        assert_eq!(m.metrics.limit_switch_triggers.get(), 1);
        let written = hw.fake.written()?;
        assert_eq!(written.len(), 10);
        assert_eq!(written.get(6), Some(&0x0c));
        assert_eq!(written.get(7..), Some(&[0x00, 0x00, 0x00][..]));
        Ok(())
    }

    #[test]
    fn an_interrupt_away_from_the_switch_leaves_the_phases() {
        // Moving clockwise (away from the switch), an interrupt does not
        // switch the phases off: the move goes on to its target.
        let m = Motion::new(100);
        m.use_limit_interrupt();
        m.homed.store(true, Relaxed);
        let hw = ActingHw {
            fake: FakeHw::new(u32::MAX),
            motion: &m,
            after: 2,
            action: |m, hw| m.limit_interrupt(hw),
        };
        assert_eq!(m.move_to(&hw, FAST, 5), Ok(()));
        assert_eq!(m.position.get(), 5);
        assert_eq!(hw.fake.writes.load(Relaxed), 6);
    }

    #[test]
    fn an_interrupt_before_the_move_does_not_stop_it() {
        // A stale event (the switch pressed while idle, then released) is
        // forgotten when a run towards the switch starts.
        let hw = FakeHw::new(u32::MAX);
        let m = Motion::new(100);
        m.use_limit_interrupt();
        m.homed.store(true, Relaxed);
        m.position.set(50);
        m.limit_interrupt(&hw);
        assert_eq!(m.move_to(&hw, FAST, 20), Ok(()));
        assert_eq!(m.position.get(), 20);
        assert_eq!(m.metrics.limit_switch_triggers.get(), 0);
    }

    #[test]
    fn the_switch_does_not_stop_a_move_away_from_it() {
        // Active all along (at the stop), the switch is ignored clockwise.
        let hw = FakeHw::new(0);
        let m = Motion::new(100);
        m.homed.store(true, Relaxed);
        assert_eq!(m.move_to(&hw, FAST, 30), Ok(()));
        assert_eq!(m.position.get(), 30);
        assert_eq!(hw.limit_reads.load(Relaxed), 0);
        assert_eq!(m.metrics.limit_switch_triggers.get(), 0);
    }

    #[test]
    fn stop_or_unbind_mid_move_switches_the_phases_off() -> Result {
        // `stop` and unbinding (`cancel`) arriving during the third step:
        // the move ends before the fourth with every line off.
        let stop: fn(&Motion, &dyn MotorHw) = |m, _| m.request_stop();
        let cancel: fn(&Motion, &dyn MotorHw) = |m, _| m.cancel();
        for action in [stop, cancel] {
            let m = Motion::new(100);
            m.homed.store(true, Relaxed);
            let hw = ActingHw {
                fake: FakeHw::new(u32::MAX),
                motion: &m,
                after: 3,
                action,
            };
            assert_eq!(m.move_to(&hw, FAST, 50), Err(EINTR));
            assert_eq!(m.position.get(), 3);
            assert_eq!(hw.fake.written()?, [0x0c, 0x08, 0x09, 0x00]);
            assert_eq!(m.phase_mask(), 0);
        }
        Ok(())
    }

    #[test]
    fn stop_ends_the_move_and_arm_clears_it() {
        let hw = FakeHw::new(u32::MAX);
        let m = Motion::new(100);
        m.homed.store(true, Relaxed);
        m.request_stop();
        assert_eq!(m.move_to(&hw, FAST, 10), Err(EINTR));
        assert_eq!(m.position.get(), 0);
        assert_eq!(m.metrics.moves_stopped.get(), 1);
        m.arm();
        assert_eq!(m.move_to(&hw, FAST, 10), Ok(()));
        assert_eq!(m.position.get(), 10);
    }

    #[test]
    fn cancel_stops_every_later_move() {
        let hw = FakeHw::new(0);
        let m = Motion::new(100);
        m.cancel();
        m.arm();
        assert_eq!(m.home(&hw, FAST), Ok(()));
        assert_eq!(m.move_to(&hw, FAST, 10), Err(EINTR));
        assert_eq!(m.position.get(), 0);
    }

    #[test]
    fn a_move_cancelled_by_suspend_keeps_the_count_and_resume_moves_on() -> Result {
        // System suspend cancels during the third step; resume uncancels:
        // the next move goes on from position 3 and from the phase the
        // stopped move left, without homing again.
        let m = Motion::new(100);
        m.homed.store(true, Relaxed);
        let hw = ActingHw {
            fake: FakeHw::new(u32::MAX),
            motion: &m,
            after: 3,
            action: |m, _| m.cancel(),
        };
        assert_eq!(m.move_to(&hw, FAST, 50), Err(EINTR));
        assert_eq!(m.position.get(), 3);
        m.uncancel();
        m.arm();
        assert_eq!(m.move_to(&hw, FAST, 5), Ok(()));
        assert_eq!(m.position.get(), 5);
        assert!(m.homed.load(Relaxed));
        assert_eq!(m.metrics.homing_attempts.get(), 0);
        assert_eq!(
            hw.fake.written()?,
            [0x0c, 0x08, 0x09, 0x00, 0x01, 0x03, 0x00]
        );
        Ok(())
    }

    /// Every file with every counter at `u64::MAX` and every gauge at its
    /// longest: within its compile-time bound, below `PAGE_SIZE - 1`, not
    /// cut short.
    #[test]
    fn metrics_pages_fit_with_every_value_at_its_widest() -> Result {
        let m = Motion::new(u32::MAX);
        m.position.set(i64::MIN);
        m.target.set(i64::MIN);
        m.homed.store(true, Relaxed);
        m.moving.store(true, Relaxed);
        let mm = &m.metrics;
        let named = [
            &mm.movements,
            &mm.moves_stopped,
            &mm.steps_clockwise,
            &mm.steps_counter_clockwise,
            &mm.limit_switch_triggers,
            &mm.step_errors,
            &mm.homing_attempts,
            &mm.homing_successes,
            &mm.homing_failures,
        ];
        for c in Iterator::chain(named.into_iter(), mm.phase_transitions.iter()) {
            c.add(u64::MAX);
        }
        // The sum at its widest; the bound also counts 20-digit bucket
        // counts, which no test can observe that often.
        mm.step_seconds.observe(u64::MAX);
        assert!(worst_case_pages_fit("motor", &PAGES, |page, w| {
            crate::metrics::render(&m, || Some(true), page, w)
        })?);
        Ok(())
    }

    /// A benchmark (no assertion on time): the render time of each file,
    /// and of the one-value `position` file, logged for scripts/bench.
    /// Built only for it (HY300_BENCH=y): a case that asserts nothing is no
    /// test; the test build reports it skipped, declared in
    /// tests/kunit-skips.
    #[cfg(hy300_bench)]
    #[test]
    fn render_time_of_each_file() -> Result {
        use crate::hy300::testing::{bench_page, bench_render};
        let m = Motion::new(1000);
        m.position.set(734);
        m.metrics.movements.add(1_234_567);
        for i in 0..1000u64 {
            m.metrics
                .step_seconds
                .observe(800_000 + (i * 7919) % 4_000_000);
        }
        for (page, file, _) in PAGES {
            bench_page("motor", file, |w| {
                crate::metrics::render(&m, || Some(false), page, w)
            })?;
        }
        // The show of `position` (keystone_motor.rs: show_value).
        bench_render("motor", "position", |page| {
            use core::fmt::Write;
            let mut out = kernel::str::Formatter::new(page);
            let _ = writeln!(out, "{}", m.position.get());
            out.bytes_written()
        })
    }

    /// A page forced short (every size up to the whole page): whole lines
    /// only, then the self-metric counting each cut-short read.
    #[test]
    fn metrics_page_cut_short_keeps_whole_lines_and_counts() -> Result {
        let m = Motion::new(1000);
        m.metrics.movements.add(12);
        m.metrics.step_seconds.observe(700_000);
        assert!(truncated_pages_keep_whole_lines("motor", "metrics", |w| {
            crate::metrics::render(&m, || Some(false), Page::Metrics, w)
        })?);
        Ok(())
    }

    #[test]
    fn control_input_is_parsed_strictly() {
        assert_eq!(parse_u32(b"0", 100), Ok(0));
        assert_eq!(parse_u32(b"100\n", 100), Ok(100));
        for bad in [
            &b""[..],
            b"\n",
            b"101",
            b"-1",
            b"+1",
            b" 1",
            b"1 ",
            b"1\n\n",
            b"0x10",
            b"1a",
            b"99999999999",
            b"4294967296",
            b"1\0",
            b"\0",
            b"00000000001\n\n",
        ] {
            assert_eq!(parse_u32(bad, 100), Err(EINVAL));
        }
        assert_eq!(parse_u32(b"4294967295", u32::MAX), Ok(u32::MAX));
    }

    #[test]
    fn rate_limit_keeps_its_burst_and_interval() -> Result {
        // The kernel's ratelimit_state: `burst` lines, then none until the
        // interval has passed (an hour here: never within the test).
        let limit = KBox::pin_init(RateLimit::new(c"hy300 kunit", 3, 3_600_000), GFP_KERNEL)?;
        assert!(limit.allow());
        assert!(limit.allow());
        assert!(limit.allow());
        for _ in 0..10 {
            assert!(!limit.allow());
        }
        // After the interval a new burst starts (the sleep is a lower
        // bound: at least 50 ms pass, the interval is 10 ms).
        let short = KBox::pin_init(RateLimit::new(c"hy300 kunit", 1, 10), GFP_KERNEL)?;
        assert!(short.allow());
        assert!(!short.allow());
        fsleep(Delta::from_millis(50));
        assert!(short.allow());
        assert!(!short.allow());
        Ok(())
    }
}
