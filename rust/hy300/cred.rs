// SPDX-License-Identifier: GPL-2.0

//! Capability checks of the calling task (`capable()`), for the file
//! operations and sysfs stores of the drivers.

use kernel::bindings;

/// A capability a driver checks (`include/uapi/linux/capability.h`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capability {
    /// `CAP_SYS_RAWIO`: raw access to hardware.
    SysRawio,
}

impl Capability {
    fn number(self) -> kernel::ffi::c_int {
        let cap = match self {
            Capability::SysRawio => bindings::CAP_SYS_RAWIO,
        };
        // The capability numbers are below 64.
        cap as kernel::ffi::c_int
    }
}

/// Whether the current task has `cap` (in its effective set, checked
/// against the initial user namespace, as C's `capable()`); a success
/// marks the task as having used it (`PF_SUPERPRIV`). Process context
/// (an ioctl, a sysfs store).
pub fn capable(cap: Capability) -> bool {
    // SAFETY: capable() checks the current task's credentials; it takes
    // no pointer and has no precondition beyond running in a task.
    unsafe { bindings::capable(cap.number()) }
}
