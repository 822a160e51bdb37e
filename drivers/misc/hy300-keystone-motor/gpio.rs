// SPDX-License-Identifier: GPL-2.0

//! GPIO backend of the motor: four phase outputs and the limit switch input,
//! through the gpiod consumer API.
//!
//! Kernel 7.3 has no Rust GPIO abstraction and its generated bindings do not
//! include `<linux/gpio/consumer.h>`; the project's generated bindings
//! (`rust/bindings`) do, with `struct gpio_desc` opaque.
//!
//! Built with `HY300_SIM=y`, the backend also reads the phase lines back
//! from the chip after each line it sets and logs every change
//! (`sim.rs`), so the QEMU guest sees each transition on gpio-sim.

use core::ptr::NonNull;
use kernel::device::Device;
use kernel::prelude::*;

use crate::motion::{MotorHw, PHASE_LINES};

#[cfg(hy300_sim)]
use crate::hy300_bindings::gpiod_get_raw_value_cansleep;
use crate::hy300_bindings::{
    gpio_desc as GpioDesc, gpiod_cansleep, gpiod_flags_GPIOD_IN as GPIOD_IN,
    gpiod_flags_GPIOD_OUT_LOW as GPIOD_OUT_LOW, gpiod_get_index, gpiod_get_value,
    gpiod_get_value_cansleep, gpiod_put, gpiod_set_value, gpiod_set_value_cansleep, gpiod_to_irq,
};

/// One requested GPIO line, released on drop.
///
/// # Invariants
///
/// `desc` was returned by a successful `gpiod_get_index` and not yet put.
pub(crate) struct GpioLine {
    desc: NonNull<GpioDesc>,
}

// SAFETY: gpiod calls on a descriptor may be made from any thread.
unsafe impl Send for GpioLine {}
// SAFETY: the `_cansleep` accessors are safe to call concurrently.
unsafe impl Sync for GpioLine {}

impl GpioLine {
    /// Requests line `idx` of `<con_id>-gpios` of `dev`. Flags such as
    /// active-low come from the firmware description (DT or lookup table).
    fn request(dev: &Device, con_id: &CStr, idx: u32, output: bool) -> Result<Self> {
        let flags = if output { GPIOD_OUT_LOW } else { GPIOD_IN };
        // `Device` is a transparent wrapper of `struct device`.
        let raw_dev = core::ptr::from_ref(dev).cast_mut().cast();
        // SAFETY: `dev` is a live device and `con_id` is NUL-terminated.
        let desc = unsafe { gpiod_get_index(raw_dev, con_id.as_char_ptr(), idx, flags) };
        let desc = kernel::error::from_err_ptr(desc)?;
        // INVARIANT: a successful request returned a non-null descriptor.
        Ok(GpioLine {
            desc: NonNull::new(desc).ok_or(ENOENT)?,
        })
    }

    /// Sets the logical value (true = active).
    pub(crate) fn set(&self, active: bool) -> Result {
        // SAFETY: `desc` is a requested line (type invariant).
        let ret = unsafe { gpiod_set_value_cansleep(self.desc.as_ptr(), active.into()) };
        kernel::error::to_result(ret)
    }

    /// Reads the logical value (true = active).
    pub(crate) fn get(&self) -> Result<bool> {
        // SAFETY: `desc` is a requested line (type invariant).
        let ret = unsafe { gpiod_get_value_cansleep(self.desc.as_ptr()) };
        kernel::error::to_result(ret)?;
        Ok(ret != 0)
    }

    /// Whether accessing the line may sleep (its chip is behind a slow
    /// bus, or is gpio-sim).
    fn can_sleep(&self) -> bool {
        // SAFETY: `desc` is a requested line (type invariant).
        unsafe { gpiod_cansleep(self.desc.as_ptr()) != 0 }
    }

    /// The interrupt number of the line, if its chip has one.
    pub(crate) fn to_irq(&self) -> Result<u32> {
        // SAFETY: `desc` is a requested line (type invariant).
        let ret = unsafe { gpiod_to_irq(self.desc.as_ptr()) };
        kernel::error::to_result(ret)?;
        // 0 is no interrupt: gpiod_to_irq() reports it so on some chips.
        u32::try_from(ret).ok().filter(|&irq| irq != 0).ok_or(ENXIO)
    }

    /// Reads the level the chip holds (true = high), ignoring active-low.
    #[cfg(hy300_sim)]
    fn get_raw(&self) -> Result<bool> {
        // SAFETY: `desc` is a requested line (type invariant).
        let ret = unsafe { gpiod_get_raw_value_cansleep(self.desc.as_ptr()) };
        kernel::error::to_result(ret)?;
        Ok(ret != 0)
    }
}

impl Drop for GpioLine {
    fn drop(&mut self) {
        // SAFETY: `desc` is a requested line and is put exactly once.
        unsafe { gpiod_put(self.desc.as_ptr()) };
    }
}

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
            phases.push(GpioLine::request(dev, c"phase", idx, true)?, GFP_KERNEL)?;
        }
        let limit = GpioLine::request(dev, c"limit", 0, false)?;
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
            let active = mask & (1 << line) != 0;
            // SAFETY: `desc` is a requested line (type invariant) that does
            // not sleep (`GpioMotor::atomic`).
            let ret = unsafe { gpiod_set_value(gpio.desc.as_ptr(), active.into()) };
            kernel::error::to_result(ret)?;
        }
        Ok(())
    }

    fn limit_active(&self) -> Result<bool> {
        // SAFETY: as above.
        let ret = unsafe { gpiod_get_value(self.0.limit.desc.as_ptr()) };
        kernel::error::to_result(ret)?;
        Ok(ret != 0)
    }
}
