// SPDX-License-Identifier: GPL-2.0

//! Stepper motion: half-step sequencing, position tracking and homing.
//!
//! The logic runs against [`MotorHw`], so the same code drives the GPIO
//! backend on the device and in the QEMU guest (gpio-sim). Every state and
//! metric update is a relaxed atomic, so sysfs reads never wait for a move.

#![forbid(unsafe_code)]

use core::sync::atomic::{AtomicBool, AtomicI64, AtomicU8, AtomicUsize, Ordering::Relaxed};
use kernel::prelude::*;
use kernel::time::{delay::fsleep, Delta, Instant, Monotonic};

use crate::prometheus::Gauge;

/// Half-step sequence; bit `i` drives phase line `i` (PH4 + `i`). A clockwise
/// step (position + 1) drives the next entry, a counter-clockwise step
/// (position - 1, towards the limit switch) the previous one, wrapping
/// around; the index is kept across moves, and the lines are switched off
/// only when a move ends.
///
/// Only the 8 energised states, no all-off state between them. The factory
/// device tree (`motor_ctr`, `motor-step-num = <8>`) holds two 8-byte
/// tables, shown by dtc as cells: `motor-cw-table = <0x9080c04 0x6020301>`,
/// `motor-ccw-table = <0x1030206 0x40c0809>`. The factory driver
/// (Allwinner's `drivers/misc/gpio-motor/motor-control.c`) reads them with
/// `of_property_read_u8_array()`, i.e. the bytes `09 08 0c 04 06 02 03 01`
/// and `01 03 02 06 04 0c 08 09`, drives one byte after the other with no
/// off-state between them and switches every line off only after the move.
/// The 16-entry tables of the C port, with 0x00 between the states, came
/// from decoding those bytes as 4-bit nibbles: every byte is `0x0N`, so
/// every other nibble is 0. An off-state between steps would also be wrong
/// for the motor: with no coil energised there is no holding torque, only
/// detent torque, so the rotor may fall back to a full-step detent (losing
/// the half step just taken, or slipping under the lens' load), the mean
/// torque is halved, and counting each off-state as a step would double
/// the position.
///
/// Walking this table forwards (clockwise here) follows the cycle of the
/// factory's `motor-ccw-table`, backwards (homing) that of `motor-cw-table`;
/// the C port had the same orientation. The factory restarts at entry 0 on
/// every move yet loses no phase only because it moves whole 8-state cycles
/// and each of its tables ends on the other's first state; this driver
/// moves single half steps, so it keeps the index instead.
///
/// `tests.rs` and `tests/vm/motor.sh` check this exact order.
pub(crate) const HALF_STEP_SEQUENCE: [u8; 8] = [0x04, 0x0c, 0x08, 0x09, 0x01, 0x03, 0x02, 0x06];

pub(crate) use crate::page::PHASE_LINES;

/// Extra steps homing may take beyond `max-position` before giving up.
pub(crate) const HOMING_MARGIN_STEPS: u32 = 100;

/// The motor hardware: four phase outputs and a limit switch input.
pub(crate) trait MotorHw: Send + Sync {
    /// Drives phase line `i` to bit `i` of `mask`.
    fn set_phases(&self, mask: u8) -> Result;
    /// Whether the limit switch is active (the lens is at its end stop).
    fn limit_active(&self) -> Result<bool>;
}

/// Step timing from the device tree.
#[derive(Clone, Copy)]
pub(crate) struct Timing {
    /// Time the phases are held after each change (`hy300,phase-delay-us`).
    pub(crate) phase_delay_us: u32,
    /// Pause between steps (`hy300,step-delay-ms`).
    pub(crate) step_delay_ms: u32,
}

/// Step direction. Clockwise increases the position.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Clockwise,
    CounterClockwise,
}

pub(crate) use crate::page::MotorMetrics;

/// Position, homing state and phase of the motor.
///
/// Only one move runs at a time (the driver serialises them); readers may
/// look at any time.
pub(crate) struct Motion {
    pub(crate) max_position: u32,
    pub(crate) position: Gauge,
    pub(crate) target: Gauge,
    pub(crate) homed: AtomicBool,
    pub(crate) moving: AtomicBool,
    /// Index into [`HALF_STEP_SEQUENCE`], kept across moves so no
    /// micro-position is lost.
    phase_index: AtomicUsize,
    /// Mask currently driven on the phase lines.
    phase_mask: AtomicU8,
    /// Ask the running move to stop at the next step; cleared by `arm`.
    stop: AtomicBool,
    /// Stop every move from now on (driver unbinding, system suspend);
    /// cleared at resume.
    cancelled: AtomicBool,
    /// The limit switch has an interrupt ([`Motion::limit_interrupt`]);
    /// otherwise the switch is read before every step towards it.
    limit_irq: AtomicBool,
    /// Set by the interrupt when it found the switch active; cleared when
    /// a run towards the switch starts (which reads the line once).
    limit_event: AtomicBool,
    /// The running move steps towards the switch (counter-clockwise): the
    /// interrupt switches its phases off.
    towards_limit: AtomicBool,
    /// The position at which the last move was stopped by the limit
    /// switch (-1: none since [`Motion::take_limit_stop`]).
    limit_stop: AtomicI64,
    pub(crate) metrics: MotorMetrics,
}

impl Motion {
    pub(crate) const fn new(max_position: u32) -> Self {
        Motion {
            max_position,
            position: Gauge::new(),
            target: Gauge::new(),
            homed: AtomicBool::new(false),
            moving: AtomicBool::new(false),
            phase_index: AtomicUsize::new(0),
            phase_mask: AtomicU8::new(0),
            stop: AtomicBool::new(false),
            cancelled: AtomicBool::new(false),
            limit_irq: AtomicBool::new(false),
            limit_event: AtomicBool::new(false),
            towards_limit: AtomicBool::new(false),
            limit_stop: AtomicI64::new(-1),
            metrics: MotorMetrics::new(),
        }
    }

    /// The mask driven on the phase lines now.
    pub(crate) fn phase_mask(&self) -> u8 {
        self.phase_mask.load(Relaxed)
    }

    /// Asks the running or queued move (if any) to stop before its next step.
    pub(crate) fn request_stop(&self) {
        self.stop.store(true, Relaxed);
    }

    /// Clears an earlier stop request: called when a new move is accepted,
    /// before it is queued, so a stop written right after it still counts.
    pub(crate) fn arm(&self) {
        self.stop.store(false, Relaxed);
    }

    /// Stops the current move and every later one.
    pub(crate) fn cancel(&self) {
        self.cancelled.store(true, Relaxed);
    }

    /// Lets moves run again after [`Motion::cancel`] (system resume).
    pub(crate) fn uncancel(&self) {
        self.cancelled.store(false, Relaxed);
    }

    /// From now on the limit switch's interrupt reports it (called once the
    /// interrupt is requested): the line is no longer read before each step.
    pub(crate) fn use_limit_interrupt(&self) {
        self.limit_irq.store(true, Relaxed);
    }

    /// Whether the limit switch has an interrupt.
    pub(crate) fn has_limit_interrupt(&self) -> bool {
        self.limit_irq.load(Relaxed)
    }

    /// The limit switch's interrupt found the switch active: a move
    /// running towards it has its phases switched off here, at once (as
    /// the C original's interrupt handler did), and takes no further step
    /// (it checks the flag before each). `hw` is what the caller's context
    /// allows: the non-sleeping lines from the hard handler, the sleeping
    /// calls from the thread.
    pub(crate) fn limit_interrupt(&self, hw: &dyn MotorHw) {
        self.limit_event.store(true, Relaxed);
        if self.towards_limit.load(Relaxed) && self.drive(hw, 0).is_err() {
            self.metrics.step_errors.inc();
        }
    }

    /// Whether the limit switch is active, checked before each step towards
    /// it. The first check of a run (`first`) clears the interrupt's flag,
    /// then reads the line (the switch may be active already, and an edge
    /// interrupt would not fire again); later checks take the interrupt's
    /// word when there is one, and read the line when there is none.
    fn limit_reached(&self, hw: &dyn MotorHw, first: bool) -> Result<bool> {
        if first {
            self.limit_event.store(false, Relaxed);
        } else if self.limit_irq.load(Relaxed) {
            return Ok(self.limit_event.load(Relaxed));
        }
        hw.limit_active()
            .inspect_err(|_| self.metrics.step_errors.inc())
    }

    /// The switch is active: the lens is at its end stop, position 0.
    fn at_limit(&self) {
        self.metrics.limit_switch_triggers.inc();
        self.position.set(0);
        self.homed.store(true, Relaxed);
    }

    /// Where the last move was stopped by the limit switch, once.
    pub(crate) fn take_limit_stop(&self) -> Option<i64> {
        Some(self.limit_stop.swap(-1, Relaxed)).filter(|&p| p >= 0)
    }

    fn should_stop(&self) -> bool {
        self.stop.load(Relaxed) || self.cancelled.load(Relaxed)
    }

    /// Moves to `target`, homing first if the position is not known.
    /// Returns `EINTR` if stopped; phases are de-energised in every case.
    pub(crate) fn move_to(&self, hw: &dyn MotorHw, timing: Timing, target: u32) -> Result {
        let target = target.min(self.max_position);
        self.begin();
        self.metrics.movements.inc();
        let result = self.run_move(hw, timing, target);
        self.end(hw);
        result
    }

    /// Steps counter-clockwise until the limit switch is active; then the
    /// position is 0. Fails with `ETIMEDOUT` (and homed = false) if the
    /// switch is not seen within `max_position + HOMING_MARGIN_STEPS` steps.
    pub(crate) fn home(&self, hw: &dyn MotorHw, timing: Timing) -> Result {
        self.begin();
        let result = self.run_homing(hw, timing);
        self.end(hw);
        result
    }

    /// Switches every phase line off (remove, suspend: after the last move
    /// ended, when its own switch-off failed), counted like any change.
    pub(crate) fn release(&self, hw: &dyn MotorHw) -> Result {
        self.drive(hw, 0)
    }

    fn begin(&self) {
        self.moving.store(true, Relaxed);
    }

    fn end(&self, hw: &dyn MotorHw) {
        self.towards_limit.store(false, Relaxed);
        // De-energise while idle; the phase index is kept.
        if self.drive(hw, 0).is_err() {
            self.metrics.step_errors.inc();
        }
        self.moving.store(false, Relaxed);
    }

    fn run_move(&self, hw: &dyn MotorHw, timing: Timing, target: u32) -> Result {
        if !self.homed.load(Relaxed) {
            self.run_homing(hw, timing)?;
        }
        let target = i64::from(target);
        self.target.set(target);
        let mut first_towards_limit = true;
        loop {
            let position = self.position.get();
            if position == target {
                return Ok(());
            }
            if self.should_stop() {
                self.metrics.moves_stopped.inc();
                return Err(EINTR);
            }
            let direction = if target > position {
                Direction::Clockwise
            } else {
                Direction::CounterClockwise
            };
            // The switch is honoured on every step towards it, not only
            // while homing (the C original checked it too, and marked the
            // motor homed): the lens is at its end stop, whatever the
            // position said. It stops the move; away from it, the switch
            // is ignored (it reads active when leaving position 0).
            if direction == Direction::CounterClockwise {
                if self.limit_reached(hw, first_towards_limit)? {
                    self.at_limit();
                    // The driver logs it (rate limited) after the move.
                    self.limit_stop.store(position, Relaxed);
                    return Ok(());
                }
                first_towards_limit = false;
            }
            self.step(hw, timing, direction)?;
        }
    }

    /// Homing; if it fails (switch not seen, stopped, an error) the motor
    /// stays un-homed and its position reads 0, as `position` is
    /// documented before homing, not the steps counted from wherever the
    /// run started (which went below 0).
    fn run_homing(&self, hw: &dyn MotorHw, timing: Timing) -> Result {
        self.seek_limit(hw, timing)
            .inspect_err(|_| self.position.set(0))
    }

    fn seek_limit(&self, hw: &dyn MotorHw, timing: Timing) -> Result {
        self.metrics.homing_attempts.inc();
        self.homed.store(false, Relaxed);
        let budget = self.max_position.saturating_add(HOMING_MARGIN_STEPS);
        // The switch is read before each of the `budget` steps and once
        // after the last: at most `budget` steps, as the failure says.
        for taken in 0..=budget {
            match self.limit_reached(hw, taken == 0) {
                Ok(true) => {
                    self.at_limit();
                    self.target.set(0);
                    self.metrics.homing_successes.inc();
                    return Ok(());
                }
                Ok(false) => {}
                Err(e) => {
                    self.metrics.homing_failures.inc();
                    return Err(e);
                }
            }
            if taken == budget {
                break;
            }
            if self.should_stop() {
                self.metrics.moves_stopped.inc();
                self.metrics.homing_failures.inc();
                return Err(EINTR);
            }
            if let Err(e) = self.step(hw, timing, Direction::CounterClockwise) {
                self.metrics.homing_failures.inc();
                return Err(e);
            }
        }
        self.metrics.homing_failures.inc();
        Err(ETIMEDOUT)
    }

    /// One half step in `direction`, then the configured delays.
    fn step(&self, hw: &dyn MotorHw, timing: Timing, direction: Direction) -> Result {
        let start = Instant::<Monotonic>::now();
        let len = HALF_STEP_SEQUENCE.len();
        let index = self.phase_index.load(Relaxed);
        let next = match direction {
            Direction::Clockwise => (index + 1) % len,
            Direction::CounterClockwise => (index + len - 1) % len,
        };
        let mask = HALF_STEP_SEQUENCE.get(next).copied().unwrap_or(0);
        let towards_limit = direction == Direction::CounterClockwise;
        self.towards_limit.store(towards_limit, Relaxed);
        if let Err(e) = self.drive(hw, mask) {
            self.metrics.step_errors.inc();
            return Err(e);
        }
        // The interrupt came while this step was being driven (after the
        // check before it): it may have switched the phases off before
        // this step switched them on again. Off again; the run stops at
        // its next check.
        if towards_limit
            && self.limit_irq.load(Relaxed)
            && self.limit_event.load(Relaxed)
            && self.drive(hw, 0).is_err()
        {
            self.metrics.step_errors.inc();
        }
        self.phase_index.store(next, Relaxed);
        match direction {
            Direction::Clockwise => {
                self.position.inc();
                self.metrics.steps_clockwise.inc();
            }
            Direction::CounterClockwise => {
                self.position.dec();
                self.metrics.steps_counter_clockwise.inc();
            }
        }
        // Sleep, never busy-wait: the phases hold, then the step pause.
        fsleep(Delta::from_micros(i64::from(timing.phase_delay_us)));
        fsleep(Delta::from_millis(i64::from(timing.step_delay_ms)));
        let elapsed = start.elapsed().as_nanos();
        self.metrics
            .step_seconds
            .observe(u64::try_from(elapsed).unwrap_or(0));
        Ok(())
    }

    /// Drives `mask` and counts the lines that changed.
    fn drive(&self, hw: &dyn MotorHw, mask: u8) -> Result {
        hw.set_phases(mask)?;
        let changed = self.phase_mask.swap(mask, Relaxed) ^ mask;
        for (line, counter) in self.metrics.phase_transitions.iter().enumerate() {
            if changed & (1 << line) != 0 {
                counter.inc();
            }
        }
        Ok(())
    }
}
