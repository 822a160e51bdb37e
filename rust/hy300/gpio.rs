// SPDX-License-Identifier: GPL-2.0

//! GPIO descriptors (the gpiod consumer API) for the drivers: a requested
//! line, released on drop.
//!
//! Kernel 7.3 has no Rust GPIO abstraction and its generated bindings do
//! not include `<linux/gpio/consumer.h>`; the project's generated bindings
//! (`rust/bindings`) do, with `struct gpio_desc` opaque. This is the thin
//! typed layer over them: the drivers hold a [`GpioLine`] and call no C.

use core::ptr::NonNull;
use kernel::device::Device;
use kernel::error::{from_err_ptr, to_result};
use kernel::prelude::*;

use crate::hy300_bindings::{
    gpio_desc as GpioDesc, gpiod_cansleep, gpiod_flags_GPIOD_IN as GPIOD_IN,
    gpiod_flags_GPIOD_OUT_LOW as GPIOD_OUT_LOW, gpiod_get_index, gpiod_get_raw_value_cansleep,
    gpiod_get_value, gpiod_get_value_cansleep, gpiod_put, gpiod_set_value,
    gpiod_set_value_cansleep, gpiod_to_irq,
};

/// How a line is requested.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// An input (`GPIOD_IN`).
    Input,
    /// An output, driven inactive at once (`GPIOD_OUT_LOW`: logical 0).
    OutputInactive,
}

/// One requested GPIO line, released on drop.
///
/// # Invariants
///
/// `desc` was returned by a successful `gpiod_get_index` and is put only
/// by `drop`.
pub struct GpioLine {
    desc: NonNull<GpioDesc>,
}

// SAFETY: a requested descriptor may be used and put from any thread; the
// gpiod calls take no lock of the caller's.
unsafe impl Send for GpioLine {}
// SAFETY: every method takes `&self` and the gpiod calls on one descriptor
// may run concurrently (gpiolib serialises what needs it).
unsafe impl Sync for GpioLine {}

impl GpioLine {
    /// Requests line `idx` of `<con_id>-gpios` of `dev`. Flags such as
    /// active-low come from the firmware description (DT or lookup table).
    /// May sleep.
    pub fn request(dev: &Device, con_id: &CStr, idx: u32, direction: Direction) -> Result<Self> {
        let flags = match direction {
            Direction::Input => GPIOD_IN,
            Direction::OutputInactive => GPIOD_OUT_LOW,
        };
        // `Device` is a transparent wrapper of `struct device`
        // (`Device::as_raw` is private to the kernel crate).
        let raw_dev = core::ptr::from_ref(dev).cast_mut().cast();
        // SAFETY: `raw_dev` is a live device for the call and `con_id` is
        // NUL-terminated; gpiod_get_index() returns a descriptor with a
        // reference of its own, or an error pointer.
        let desc = unsafe { gpiod_get_index(raw_dev, con_id.as_char_ptr(), idx, flags) };
        let desc = from_err_ptr(desc)?;
        // INVARIANT: a successful request returned a descriptor, put only
        // by `drop`.
        Ok(GpioLine {
            desc: NonNull::new(desc).ok_or(ENOENT)?,
        })
    }

    /// Sets the logical value (true = active). May sleep.
    pub fn set(&self, active: bool) -> Result {
        // SAFETY: `desc` is a requested line (type invariant).
        to_result(unsafe { gpiod_set_value_cansleep(self.desc.as_ptr(), active.into()) })
    }

    /// Reads the logical value (true = active). May sleep.
    pub fn get(&self) -> Result<bool> {
        // SAFETY: `desc` is a requested line (type invariant).
        level(unsafe { gpiod_get_value_cansleep(self.desc.as_ptr()) })
    }

    /// Sets the logical value without sleeping, for a line that does not
    /// sleep ([`GpioLine::can_sleep`] false): usable in hard interrupt
    /// context. On a line that sleeps gpiolib warns and refuses nothing.
    pub fn set_atomic(&self, active: bool) -> Result {
        // SAFETY: `desc` is a requested line (type invariant).
        to_result(unsafe { gpiod_set_value(self.desc.as_ptr(), active.into()) })
    }

    /// Reads the logical value without sleeping (as [`GpioLine::set_atomic`]).
    pub fn get_atomic(&self) -> Result<bool> {
        // SAFETY: `desc` is a requested line (type invariant).
        level(unsafe { gpiod_get_value(self.desc.as_ptr()) })
    }

    /// Reads the level the chip holds (true = high), ignoring active-low.
    /// May sleep.
    pub fn get_raw(&self) -> Result<bool> {
        // SAFETY: `desc` is a requested line (type invariant).
        level(unsafe { gpiod_get_raw_value_cansleep(self.desc.as_ptr()) })
    }

    /// Whether accessing the line may sleep (its chip is behind a slow
    /// bus, or is gpio-sim).
    pub fn can_sleep(&self) -> bool {
        // SAFETY: `desc` is a requested line (type invariant).
        unsafe { gpiod_cansleep(self.desc.as_ptr()) != 0 }
    }

    /// The interrupt number of the line, if its chip has one.
    pub fn to_irq(&self) -> Result<u32> {
        // SAFETY: `desc` is a requested line (type invariant).
        let ret = unsafe { gpiod_to_irq(self.desc.as_ptr()) };
        to_result(ret)?;
        // 0 is no interrupt: gpiod_to_irq() reports it so on some chips.
        u32::try_from(ret).ok().filter(|&irq| irq != 0).ok_or(ENXIO)
    }
}

/// A gpiod_get_*value*() return: a negative errno, or the level (0 or 1).
fn level(ret: i32) -> Result<bool> {
    to_result(ret)?;
    Ok(ret != 0)
}

impl Drop for GpioLine {
    fn drop(&mut self) {
        // SAFETY: `desc` is a requested line and is put only here, once
        // (type invariant).
        unsafe { gpiod_put(self.desc.as_ptr()) };
    }
}
