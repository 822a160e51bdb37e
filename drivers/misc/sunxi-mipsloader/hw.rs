// SPDX-License-Identifier: GPL-2.0

//! The co-processor's hardware interface: the register block
//! ([`crate::regs`]) and the reserved memory. The driver picks a backend at
//! probe: `mmio.rs` on the device, `sim.rs` in the QEMU guest; everything
//! above (protocol, firmware, metrics) is shared and sees only this trait.
//!
//! The module graph has no cycle: `regs` and `layout` are leaves, this
//! trait imports `regs` only, each backend imports the trait, and only the
//! driver's root module names the backends.

#![forbid(unsafe_code)]

use kernel::prelude::*;
use kernel::time::{delay::fsleep, Delta};

use crate::regs::Reg;

/// Access to the co-processor. Implementations do no counting or policy;
/// `protocol.rs` does both, identically for every backend, and gives the
/// values their types.
pub(crate) trait MipsHw: Send + Sync {
    /// Reads the raw value of a register.
    fn read(&self, reg: Reg) -> Result<u32>;
    /// Writes the raw value of a register.
    fn write(&self, reg: Reg, value: u32) -> Result;
    /// Copies `data` to `offset` in the reserved memory and makes it
    /// visible to the co-processor (write barrier).
    fn write_memory(&self, offset: usize, data: &[u8]) -> Result;
    /// Waits `delay` for the co-processor to act on a command that has no
    /// completion bit (the power down). The device sleeps; the simulation
    /// also logs the wait, so a guest test can see it on every path.
    fn settle(&self, delay: Delta) {
        fsleep(delay);
    }
}
