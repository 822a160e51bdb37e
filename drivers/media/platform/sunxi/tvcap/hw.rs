// SPDX-License-Identifier: GPL-2.0

//! The TVTOP capture block as the driver sees it. The driver picks a
//! backend at probe: `mmio.rs` on the device, `sim.rs` in the QEMU guest;
//! everything above (`engine.rs`, the interrupt path, V4L2) is shared and
//! sees only these traits.
//!
//! The module graph has no cycle: `regs` is a leaf, this module imports
//! `regs` only, each backend imports this module and `regs`, and only the
//! driver's root module names the backends and the driver type (which it
//! hands to a backend as an [`InterruptSink`]).

use kernel::prelude::*;
use kernel::sync::Arc;

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

/// Where a backend delivers the block's interrupt: the driver's handler.
/// A trait, so that no backend names the driver.
pub(crate) trait InterruptSink: Send + Sync {
    /// Handles the pending sources; false when none was pending (the line
    /// is shared).
    fn interrupt(&self) -> bool;
}

/// A backend: register access, and the life of its interrupt path.
pub(crate) trait TvtopBackend: TvtopIo {
    /// Connects the block's interrupt to `sink` until [`Self::shut_down`].
    /// On the device the IRQ registration does that, so the device backend
    /// keeps nothing; the simulation keeps `sink` and starts its engine.
    fn attach(&self, sink: Arc<dyn InterruptSink>);

    /// Waits until no interrupt of the block is being handled.
    fn synchronize(&self);

    /// Stops everything the backend runs on its own and lets go of the
    /// sink: once it returned, no interrupt reaches the sink from here, and
    /// the sink's owner may go away.
    fn shut_down(&self);
}
