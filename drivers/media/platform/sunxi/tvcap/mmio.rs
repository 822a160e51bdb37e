// SPDX-License-Identifier: GPL-2.0

//! The device backend: the TVTOP register block through `IoMem`, its
//! interrupt (SPI 110, shared with the decoder) and its capture clocks.

#![forbid(unsafe_code)]

use kernel::device::{Core, Device};
use kernel::platform;
use kernel::prelude::*;
use kernel::sync::aref::ARef;

use crate::hw::{TvtopBackend, TvtopIo};
use crate::hy300::registers::RegisterBlock;
use crate::power::CaptureClocks;
use crate::regs::{Reg, BLOCK_SIZE};

/// The register block, its interrupt line and capture clocks.
pub(crate) struct MmioTvtop {
    regs: RegisterBlock<BLOCK_SIZE>,
    irq: u32,
    clocks: CaptureClocks,
    dev: ARef<Device>,
}

impl MmioTvtop {
    /// Maps the first `reg` of the node; `irq` is its first interrupt.
    pub(crate) fn new(
        pdev: &platform::Device<Core<'_>>,
        irq: u32,
        clocks: CaptureClocks,
    ) -> Result<Self> {
        let regs = RegisterBlock::map(pdev, 0)?;
        let dev: &Device = pdev.as_ref();
        Ok(MmioTvtop {
            regs,
            irq,
            clocks,
            dev: dev.into(),
        })
    }

    /// Waits for a running handler of the block's interrupt.
    fn synchronize_irq(&self) {
        // With no handler (not yet requested, or freed) this returns at
        // once.
        crate::hy300::irq::synchronize(self.irq);
    }
}

/// Each register at its typed offset ([`Reg`] is the `register!`
/// type's `OFFSET`): one access, no dispatch on the register.
impl TvtopIo for MmioTvtop {
    fn read(&self, reg: Reg) -> Result<u32> {
        self.regs.read::<u32, usize>(reg.offset())
    }

    fn write(&self, reg: Reg, value: u32) -> Result {
        self.regs.write::<u32, usize>(reg.offset(), value)
    }
}

impl TvtopBackend for MmioTvtop {
    fn device(&self) -> &Device {
        &self.dev
    }

    fn capture_clocks(&self, on: bool) -> Result {
        self.clocks.set(&self.dev, on)
    }

    fn synchronize(&self) {
        self.synchronize_irq();
    }

    /// Nothing runs on its own here; a handler still running is waited for.
    fn shut_down(&self) {
        self.synchronize_irq();
    }
}
