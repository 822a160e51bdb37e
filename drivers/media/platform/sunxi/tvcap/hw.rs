// SPDX-License-Identifier: GPL-2.0

//! The TVTOP capture block as the driver sees it. The driver picks a
//! backend at probe: `mmio.rs` on the device, `sim.rs` in the QEMU guest;
//! everything above (`engine.rs`, the interrupt path, V4L2) is shared and
//! sees only these traits.
//!
//! The module graph has no cycle: `regs` is a leaf, this module imports
//! `regs` only, each backend imports this module, `regs` and `power`, and
//! only the driver's root module names the backends. No backend calls the
//! driver: both deliver the block's interrupt through the interrupt line
//! the probe requests (the device's SPI, or the simulation's irq_sim line).

#![forbid(unsafe_code)]

use kernel::device::Device;
use kernel::prelude::*;

use crate::regs::{Reg, TvtopRegister};

/// Register access. Implementations do no policy: the programming
/// sequences live in `engine.rs`, identical for every backend, and give
/// the values their types ([`TvtopRegs`]).
pub(crate) trait TvtopIo: Send + Sync {
    /// Reads the raw value of a register; `ENXIO` once the device is gone.
    fn read(&self, reg: Reg) -> Result<u32>;
    /// Writes the raw value of a register; `ENXIO` once the device is gone.
    fn write(&self, reg: Reg, value: u32) -> Result;
}

/// Typed access over any [`TvtopIo`], trait objects included: each
/// register goes in and out as its `register!` type.
pub(crate) trait TvtopRegs {
    /// Reads register `R`.
    fn read_reg<R: TvtopRegister>(&self) -> Result<R>;
    /// Writes `value` to its register.
    fn write_reg<R: TvtopRegister>(&self, value: R) -> Result;
}

impl<T: TvtopIo + ?Sized> TvtopRegs for T {
    fn read_reg<R: TvtopRegister>(&self) -> Result<R> {
        self.read(R::REG).map(R::from)
    }

    fn write_reg<R: TvtopRegister>(&self, value: R) -> Result {
        self.write(R::REG, value.into())
    }
}

/// A backend: register access, its capture clocks, and the end of what it
/// runs on its own.
pub(crate) trait TvtopBackend: TvtopIo {
    /// The device, for messages.
    fn device(&self) -> &Device;

    /// Turns the clocks only a capture needs on or off.
    fn capture_clocks(&self, on: bool) -> Result;

    /// Waits until no interrupt of the block is being handled (and, in
    /// the simulation, no frame being written).
    fn synchronize(&self);

    /// Stops everything the backend runs on its own: once it returned, the
    /// backend raises no interrupt any more.
    fn shut_down(&self);

    /// The driver completed a frame's buffer (`vb2_buffer_done` returned),
    /// in its interrupt handler: the simulation takes the time from its
    /// frame interrupt to here (`irq_latency` in its debugfs, for
    /// scripts/bench's reader storm). Not in the device build.
    #[cfg(hy300_sim)]
    fn frame_completed(&self) {}
}
