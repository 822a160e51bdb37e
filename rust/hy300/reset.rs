// SPDX-License-Identifier: GPL-2.0

//! Shared reset lines (`<linux/reset.h>`), which 7.3's Rust lacks: a
//! line got by name ([`SharedReset`], put on drop) and deasserted
//! ([`DeassertedReset`], asserted again and put on drop). The raw calls
//! come from the project's generated bindings.

use kernel::device::Device;
use kernel::prelude::*;

use crate::hy300_bindings as raw;

/// A shared reset control of a device, got by name; put on drop.
///
/// # Invariants
///
/// `rstc` comes from `__reset_control_get` with a shared flag (NULL for an
/// optional line the node does not have, which the reset API takes as a
/// no-op) and is put only by `drop`.
pub struct SharedReset {
    rstc: *mut raw::reset_control,
}

// SAFETY: reset controls are refcounted and usable from any thread; the
// reset core locks its own state.
unsafe impl Send for SharedReset {}
// SAFETY: `&SharedReset` gives no access to the control.
unsafe impl Sync for SharedReset {}

impl SharedReset {
    /// Gets the shared reset line `name` of `dev`; with `optional`, a
    /// line the node does not have is a no-op line rather than an error.
    pub fn get(dev: &Device, name: &CStr, optional: bool) -> Result<Self> {
        // `Device` is a transparent wrapper of the kernel's `struct device`,
        // which these bindings use too (`Device::as_raw` is crate-private).
        let raw_dev = core::ptr::from_ref(dev).cast_mut().cast::<raw::device>();
        let flags = if optional {
            raw::reset_control_flags_RESET_CONTROL_OPTIONAL_SHARED
        } else {
            raw::reset_control_flags_RESET_CONTROL_SHARED
        };
        // SAFETY: `raw_dev` is a live device (borrowed for the call);
        // `name` is NUL-terminated; index 0 is ignored for a name.
        let rstc = kernel::error::from_err_ptr(unsafe {
            raw::__reset_control_get(raw_dev, name.as_char_ptr(), 0, flags)
        })?;
        // INVARIANT: obtained above with a shared flag.
        Ok(SharedReset { rstc })
    }

    /// Deasserts the line (one count of the shared line); on a failure the
    /// control is put.
    pub fn deassert(self) -> Result<DeassertedReset> {
        // SAFETY: `rstc` is a live shared control (type invariant).
        kernel::error::to_result(unsafe { raw::reset_control_deassert(self.rstc) })?;
        // INVARIANT: deasserted once above.
        Ok(DeassertedReset(self))
    }
}

impl Drop for SharedReset {
    fn drop(&mut self) {
        // SAFETY: got in `get` and not put before (type invariant); not
        // used after.
        unsafe { raw::reset_control_put(self.rstc) };
    }
}

/// A shared reset line deasserted by this owner: asserted again (its
/// count given back) and put on drop.
///
/// # Invariants
///
/// The control was deasserted once by [`SharedReset::deassert`].
pub struct DeassertedReset(SharedReset);

impl Drop for DeassertedReset {
    fn drop(&mut self) {
        // SAFETY: deasserted once by this owner (type invariant), so this
        // assert balances it; the control is put after, by the field's
        // drop.
        unsafe { raw::reset_control_assert(self.0.rstc) };
    }
}
