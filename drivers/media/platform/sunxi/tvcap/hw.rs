// SPDX-License-Identifier: GPL-2.0

//! The capture engine as the driver sees it: program a buffer, start,
//! stop, read STATUS. It reports back through [`crate::Tvcap::handle_irq`].
//!
//! Only the QEMU simulation (`sim.rs`, `HY300_SIM=y`) implements it so far;
//! the TVTOP MMIO/IRQ/DMA backend for the device is not written yet.

use kernel::prelude::*;

use crate::format::Format;
use crate::v4l2::raw;

/// The backend of a device.
pub(crate) enum Backend {
    /// The QEMU guest's frame source.
    #[cfg(hy300_sim)]
    Sim(Pin<KBox<crate::sim::SimSource>>),
}

impl Backend {
    /// Starts the engine's own activity (input monitoring) for `owner`.
    ///
    /// # Safety
    ///
    /// `owner` stays valid until [`Backend::shut_down`] returned.
    pub(crate) unsafe fn run_for(&self, owner: *const crate::Tvcap) {
        match self {
            #[cfg(hy300_sim)]
            // SAFETY: same contract.
            Backend::Sim(sim) => unsafe { sim.run_for(owner) },
            #[cfg(not(hy300_sim))]
            _ => {
                let _ = owner;
            }
        }
    }

    /// Points the engine at `vb` for the next frame.
    ///
    /// # Safety
    ///
    /// `vb` is owned by the driver until the frame-done interrupt for it has
    /// been handled (or capture stopped).
    pub(crate) unsafe fn program_dma(&self, vb: *mut raw::vb2_buffer) {
        match self {
            #[cfg(hy300_sim)]
            // SAFETY: same contract.
            Backend::Sim(sim) => unsafe { sim.program_dma(vb) },
            #[cfg(not(hy300_sim))]
            _ => {
                let _ = vb;
            }
        }
    }

    /// Starts capturing in `format`.
    pub(crate) fn start(&self, format: &Format) -> Result {
        match self {
            #[cfg(hy300_sim)]
            Backend::Sim(sim) => sim.start(format),
            #[cfg(not(hy300_sim))]
            _ => {
                let _ = format;
                Err(ENODEV)
            }
        }
    }

    /// Stops capturing; returns when no frame event runs any more.
    pub(crate) fn stop(&self) {
        match self {
            #[cfg(hy300_sim)]
            Backend::Sim(sim) => sim.stop(),
            #[cfg(not(hy300_sim))]
            _ => {}
        }
    }

    /// The STATUS register (HDMI connected, signal, format locked...).
    pub(crate) fn status(&self) -> u32 {
        match self {
            #[cfg(hy300_sim)]
            Backend::Sim(sim) => sim.status(),
            #[cfg(not(hy300_sim))]
            _ => 0,
        }
    }

    /// Stops everything the backend runs on its own (before the device
    /// state may go away).
    pub(crate) fn shut_down(&self) {
        match self {
            #[cfg(hy300_sim)]
            Backend::Sim(sim) => sim.shut_down(),
            #[cfg(not(hy300_sim))]
            _ => {}
        }
    }
}
