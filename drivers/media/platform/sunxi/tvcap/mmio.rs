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
use crate::regs::{
    Reg, BLOCK_SIZE, CAPTURE_SIZE, CTRL, DMA_ADDR, DMA_CTRL, DMA_SIZE, FORMAT, HDMI_CTRL, IRQ_EN,
    IRQ_MASK, IRQ_STATUS, RESOLUTION, STATUS, VERSION,
};

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

/// Each register through its typed location.
impl TvtopIo for MmioTvtop {
    fn read(&self, reg: Reg) -> Result<u32> {
        let r = &self.regs;
        match reg {
            Reg::Ctrl => r.read(CTRL).map(u32::from),
            Reg::Status => r.read(STATUS).map(u32::from),
            Reg::IrqEn => r.read(IRQ_EN).map(u32::from),
            Reg::IrqStatus => r.read(IRQ_STATUS).map(u32::from),
            Reg::Format => r.read(FORMAT).map(u32::from),
            Reg::Resolution => r.read(RESOLUTION).map(u32::from),
            Reg::IrqMask => r.read(IRQ_MASK).map(u32::from),
            Reg::DmaCtrl => r.read(DMA_CTRL).map(u32::from),
            Reg::DmaAddr => r.read(DMA_ADDR).map(u32::from),
            Reg::DmaSize => r.read(DMA_SIZE).map(u32::from),
            Reg::CaptureSize => r.read(CAPTURE_SIZE).map(u32::from),
            Reg::HdmiCtrl => r.read(HDMI_CTRL).map(u32::from),
            Reg::Version => r.read(VERSION).map(u32::from),
        }
    }

    fn write(&self, reg: Reg, value: u32) -> Result {
        let r = &self.regs;
        match reg {
            Reg::Ctrl => r.write(CTRL, CTRL::from(value)),
            Reg::Status => r.write(STATUS, STATUS::from(value)),
            Reg::IrqEn => r.write(IRQ_EN, IRQ_EN::from(value)),
            Reg::IrqStatus => r.write(IRQ_STATUS, IRQ_STATUS::from(value)),
            Reg::Format => r.write(FORMAT, FORMAT::from(value)),
            Reg::Resolution => r.write(RESOLUTION, RESOLUTION::from(value)),
            Reg::IrqMask => r.write(IRQ_MASK, IRQ_MASK::from(value)),
            Reg::DmaCtrl => r.write(DMA_CTRL, DMA_CTRL::from(value)),
            Reg::DmaAddr => r.write(DMA_ADDR, DMA_ADDR::from(value)),
            Reg::DmaSize => r.write(DMA_SIZE, DMA_SIZE::from(value)),
            Reg::CaptureSize => r.write(CAPTURE_SIZE, CAPTURE_SIZE::from(value)),
            Reg::HdmiCtrl => r.write(HDMI_CTRL, HDMI_CTRL::from(value)),
            Reg::Version => r.write(VERSION, VERSION::from(value)),
        }
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
