// SPDX-License-Identifier: GPL-2.0

//! The co-processor's own clocks, by the binding's names.
//!
//! The factory tree (the vendor kernel's system.dtb) gives the mipsloader
//! node `clocks` named "bus-clk" (the register block's bus gate) and
//! "mips-clk" (the core clock), and `resets` named "bus-reset",
//! "cold-reset" and "soft-reset"; the binding names them in the sunxi
//! style, "bus" and "mod", and "bus", "cold" and "soft"
//! (Documentation/hy300/devicetree.rst). Both clocks are taken by name and
//! optional: the project's overlay and the QEMU simulation name none, and
//! then they are no-ops on the same code path. The bus clock runs while the
//! driver holds the hardware (every register access needs it); the core
//! clock from the first load until a power down. The resets are not taken:
//! the core is reset through the CONTROL register, as the C original does.
//!
//! Never taken: a clock or reset named "mips". An earlier HY300 tree gave
//! the node the MBUS (memory bus) clock and reset under that name; they are
//! shared with the whole SoC, and gating or asserting them would stop all
//! DRAM traffic. See the binding.

#![forbid(unsafe_code)]

use core::sync::atomic::{AtomicBool, Ordering::Relaxed};
use kernel::clk::OptionalClk;
use kernel::device::Device;
use kernel::prelude::*;

/// The clocks, each enabled at most once; disabled on drop.
pub(crate) struct Clocks {
    bus: OptionalClk,
    core: OptionalClk,
    bus_on: AtomicBool,
    core_on: AtomicBool,
}

impl Clocks {
    /// Takes both clocks (absent ones are no-ops) and enables the bus clock.
    pub(crate) fn get(dev: &Device) -> Result<Self> {
        let clocks = Clocks {
            bus: OptionalClk::get(dev, Some(c"bus"))?,
            core: OptionalClk::get(dev, Some(c"mod"))?,
            bus_on: AtomicBool::new(false),
            core_on: AtomicBool::new(false),
        };
        clocks.bus.prepare_enable()?;
        clocks.bus_on.store(true, Relaxed);
        Ok(clocks)
    }

    /// Before the core is started: its clock runs.
    pub(crate) fn core_on(&self) -> Result {
        if !self.core_on.load(Relaxed) {
            self.core.prepare_enable()?;
            self.core_on.store(true, Relaxed);
        }
        Ok(())
    }

    /// After a power down: the core clock stops.
    pub(crate) fn core_off(&self) {
        if self.core_on.swap(false, Relaxed) {
            self.core.disable_unprepare();
        }
    }
}

impl Drop for Clocks {
    fn drop(&mut self) {
        self.core_off();
        if self.bus_on.swap(false, Relaxed) {
            self.bus.disable_unprepare();
        }
    }
}
