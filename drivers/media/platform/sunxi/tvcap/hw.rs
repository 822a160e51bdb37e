// SPDX-License-Identifier: GPL-2.0

//! Access to the TVTOP capture block: 32-bit register reads and writes.
//! `mmio.rs` implements it on the device, `sim.rs` in the QEMU guest;
//! everything above (`engine.rs`, the interrupt path, V4L2) is shared.

use kernel::prelude::*;

use crate::regs::Reg;

/// Register access. Implementations do no policy: the programming
/// sequences live in `engine.rs`, identical for every backend.
pub(crate) trait TvtopIo: Send + Sync {
    /// Reads a register; `ENXIO` once the device is gone.
    fn read(&self, reg: Reg) -> Result<u32>;
    /// Writes a register; `ENXIO` once the device is gone.
    fn write(&self, reg: Reg, value: u32) -> Result;
}

/// The backend a device uses: static dispatch, no trait objects.
pub(crate) enum Backend {
    /// The H713 register block, its interrupt and DMA.
    Mmio(crate::mmio::MmioTvtop),
    /// The QEMU guest's simulated capture block.
    #[cfg(hy300_sim)]
    Sim(Pin<KBox<crate::sim::SimTvtop>>),
}

impl TvtopIo for Backend {
    fn read(&self, reg: Reg) -> Result<u32> {
        match self {
            Backend::Mmio(hw) => hw.read(reg),
            #[cfg(hy300_sim)]
            Backend::Sim(hw) => hw.read(reg),
        }
    }

    fn write(&self, reg: Reg, value: u32) -> Result {
        match self {
            Backend::Mmio(hw) => hw.write(reg, value),
            #[cfg(hy300_sim)]
            Backend::Sim(hw) => hw.write(reg, value),
        }
    }
}

impl Backend {
    /// Connects the block's interrupt to `owner`'s [`crate::Tvcap::interrupt`].
    /// On the device the IRQ registration does this; the simulation starts
    /// its engine here.
    ///
    /// # Safety
    ///
    /// `owner` stays valid until [`Backend::shut_down`] returned.
    pub(crate) unsafe fn attach(&self, owner: *const crate::Tvcap) {
        match self {
            Backend::Mmio(_) => {
                let _ = owner;
            }
            #[cfg(hy300_sim)]
            // SAFETY: same contract.
            Backend::Sim(sim) => unsafe { sim.attach(owner) },
        }
    }

    /// Waits until no interrupt of the block is being handled.
    pub(crate) fn synchronize(&self) {
        match self {
            Backend::Mmio(hw) => hw.synchronize_irq(),
            #[cfg(hy300_sim)]
            Backend::Sim(sim) => sim.synchronize(),
        }
    }

    /// Stops everything the backend runs on its own, before the owner may
    /// go away.
    pub(crate) fn shut_down(&self) {
        match self {
            Backend::Mmio(hw) => hw.synchronize_irq(),
            #[cfg(hy300_sim)]
            Backend::Sim(sim) => sim.shut_down(),
        }
    }
}
