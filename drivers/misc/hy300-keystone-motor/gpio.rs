// SPDX-License-Identifier: GPL-2.0

//! GPIO backend of the motor: four phase outputs and the limit switch input,
//! through the gpiod consumer API.
//!
//! The lines are `hy300::gpio::GpioLine`s (rust/hy300/gpio.rs, the typed
//! layer over `<linux/gpio/consumer.h>`): this file has no unsafe code.
//!
//! Built with `HY300_SIM=y`, the backend also reads the phase lines back
//! from the chip after each line it sets and logs every change
//! (`sim.rs`), so the QEMU guest sees each transition on gpio-sim.

#![forbid(unsafe_code)]

use kernel::device::Device;
use kernel::prelude::*;

use crate::hy300::gpio::{Direction, GpioLine};
use crate::motion::{MotorHw, PHASE_LINES};

/// The motor's lines: `phase-gpios` (4 outputs), `limit-gpios` (1 input).
pub(crate) struct GpioMotor {
    phases: KVec<GpioLine>,
    limit: GpioLine,
    /// No line may sleep: [`Atomic`] may use them from hard interrupt
    /// context.
    atomic: bool,
    /// Every change of the phase lines' levels on the chip.
    #[cfg(hy300_sim)]
    phase_log: crate::sim::PhaseLog,
}

impl GpioMotor {
    /// Requests every line; on any failure the lines already requested are
    /// released and nothing is left half-set.
    pub(crate) fn request(dev: &Device) -> Result<Self> {
        let mut phases = KVec::with_capacity(PHASE_LINES, GFP_KERNEL)?;
        for idx in 0..PHASE_LINES as u32 {
            phases.push(
                GpioLine::request(dev, c"phase", idx, Direction::OutputInactive)?,
                GFP_KERNEL,
            )?;
        }
        let limit = GpioLine::request(dev, c"limit", 0, Direction::Input)?;
        let atomic = !limit.can_sleep() && !phases.iter().any(GpioLine::can_sleep);
        Ok(GpioMotor {
            phases,
            limit,
            atomic,
            #[cfg(hy300_sim)]
            phase_log: crate::sim::PhaseLog::new()?,
        })
    }

    /// The lines for hard interrupt context, if none of them sleeps.
    pub(crate) fn atomic(&self) -> Option<Atomic<'_>> {
        self.atomic.then_some(Atomic(self))
    }

    /// The limit switch line's interrupt number, if it has one.
    pub(crate) fn limit_irq(&self) -> Result<u32> {
        self.limit.to_irq()
    }

    /// The levels the chip holds on the phase lines, bit `i` for line `i`.
    #[cfg(hy300_sim)]
    fn phase_levels(&self) -> Result<u8> {
        let mut levels = 0;
        for (line, gpio) in self.phases.iter().enumerate() {
            levels |= u8::from(gpio.get_raw()?) << line;
        }
        Ok(levels)
    }
}

impl MotorHw for GpioMotor {
    fn set_phases(&self, mask: u8) -> Result {
        for (line, gpio) in self.phases.iter().enumerate() {
            gpio.set(mask & (1 << line) != 0)?;
            #[cfg(hy300_sim)]
            self.phase_log.record(self.phase_levels()?);
        }
        #[cfg(hy300_sim)]
        if mask != 0 && self.limit.get()? {
            self.phase_log.step_with_limit_closed();
        }
        Ok(())
    }

    fn limit_active(&self) -> Result<bool> {
        self.limit.get()
    }
}

/// The lines of a [`GpioMotor`] none of which sleeps, accessed with the
/// non-sleeping calls: usable in hard interrupt context. (Not logged in
/// the simulation, whose gpio-sim lines sleep: it never gets one.)
pub(crate) struct Atomic<'a>(&'a GpioMotor);

impl MotorHw for Atomic<'_> {
    fn set_phases(&self, mask: u8) -> Result {
        for (line, gpio) in self.0.phases.iter().enumerate() {
            // None of the lines sleeps (`GpioMotor::atomic`).
            gpio.set_atomic(mask & (1 << line) != 0)?;
        }
        Ok(())
    }

    fn limit_active(&self) -> Result<bool> {
        self.0.limit.get_atomic()
    }
}
