// SPDX-License-Identifier: GPL-2.0

//! The device backend: the TVTOP register block through `IoMem`, its
//! interrupt (SPI 110, shared with the decoder), and the clocks and reset
//! line the block needs, by the names the H713 device tree uses.

use kernel::bindings;
use kernel::clk::Clk;
use kernel::device::{Core, Device};
use kernel::platform;
use kernel::prelude::*;
use kernel::sync::Arc;

use crate::hw::{InterruptSink, TvtopBackend, TvtopIo};
use crate::hy300::registers::RegisterBlock;
use crate::regs::{
    Reg, BLOCK_SIZE, CTRL, DMA_ADDR, DMA_CTRL, DMA_SIZE, FORMAT, IRQ_EN, IRQ_STATUS, RESOLUTION,
    STATUS, VERSION,
};
use crate::v4l2::raw;

/// Clocks of the capture path, enabled while bound.
const CLOCKS: [&CStr; 3] = [c"clk_bus_tvcap", c"cap_300m", c"vincap_dma_clk"];
/// The capture block's reset line; shared with the rest of TVTOP.
const RESET: &CStr = c"reset_bus_tvcap";

/// The register block and its interrupt line.
pub(crate) struct MmioTvtop {
    regs: RegisterBlock<BLOCK_SIZE>,
    irq: u32,
}

impl MmioTvtop {
    /// Maps the first `reg` of the node; `irq` is its first interrupt.
    pub(crate) fn new(pdev: &platform::Device<Core<'_>>, irq: u32) -> Result<Self> {
        let regs = RegisterBlock::map(pdev, 0)?;
        Ok(MmioTvtop { regs, irq })
    }

    /// Waits for a running handler of the block's interrupt.
    fn synchronize_irq(&self) {
        // SAFETY: `irq` is this device's interrupt line; with no handler
        // (not yet requested, or freed) this returns at once.
        unsafe { bindings::synchronize_irq(self.irq) };
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
            Reg::DmaCtrl => r.read(DMA_CTRL).map(u32::from),
            Reg::DmaAddr => r.read(DMA_ADDR).map(u32::from),
            Reg::DmaSize => r.read(DMA_SIZE).map(u32::from),
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
            Reg::DmaCtrl => r.write(DMA_CTRL, DMA_CTRL::from(value)),
            Reg::DmaAddr => r.write(DMA_ADDR, DMA_ADDR::from(value)),
            Reg::DmaSize => r.write(DMA_SIZE, DMA_SIZE::from(value)),
            Reg::Version => r.write(VERSION, VERSION::from(value)),
        }
    }
}

impl TvtopBackend for MmioTvtop {
    /// The interrupt registration of the probe holds the driver's handler;
    /// the register block keeps no reference to it.
    fn attach(&self, sink: Arc<dyn InterruptSink>) {
        drop(sink);
    }

    fn synchronize(&self) {
        self.synchronize_irq();
    }

    /// Nothing runs on its own here; a handler still running is waited for.
    fn shut_down(&self) {
        self.synchronize_irq();
    }
}

/// A prepared and enabled clock; disabled and put on drop.
struct EnabledClock(Clk);

impl EnabledClock {
    fn get(dev: &Device, name: &CStr) -> Result<Self> {
        let clk = Clk::get(dev, Some(name)).inspect_err(|e| {
            dev_err!(dev, "clock {:?} missing: error {}\n", name, e.to_errno());
        })?;
        clk.prepare_enable().inspect_err(|e| {
            dev_err!(
                dev,
                "clock {:?} cannot be enabled: error {}\n",
                name,
                e.to_errno()
            );
        })?;
        Ok(EnabledClock(clk))
    }
}

impl Drop for EnabledClock {
    fn drop(&mut self) {
        self.0.disable_unprepare();
    }
}

/// A deasserted shared reset line; asserted and put on drop.
///
/// # Invariants
///
/// `rstc` is a reset control from `__reset_control_get`, deasserted once
/// by this owner.
struct DeassertedReset {
    rstc: *mut raw::reset_control,
}

// SAFETY: reset controls are refcounted and usable from any thread.
unsafe impl Send for DeassertedReset {}

impl DeassertedReset {
    fn get(dev: &Device, name: &CStr) -> Result<Self> {
        // `Device` is a transparent wrapper of `struct device`.
        let raw_dev = core::ptr::from_ref(dev).cast_mut().cast::<raw::device>();
        // SAFETY: `raw_dev` is a bound device; `name` is NUL-terminated.
        let rstc = kernel::error::from_err_ptr(unsafe {
            raw::__reset_control_get(
                raw_dev,
                name.as_char_ptr(),
                0,
                raw::reset_control_flags_RESET_CONTROL_SHARED,
            )
        })
        .inspect_err(|e| dev_err!(dev, "reset {:?} missing: error {}\n", name, e.to_errno()))?;
        // SAFETY: `rstc` was just obtained.
        let ret = unsafe { raw::reset_control_deassert(rstc) };
        if let Err(e) = kernel::error::to_result(ret) {
            dev_err!(
                dev,
                "reset {:?} cannot be deasserted: error {}\n",
                name,
                e.to_errno()
            );
            // SAFETY: obtained above, not used after.
            unsafe { raw::reset_control_put(rstc) };
            return Err(e);
        }
        // INVARIANT: obtained and deasserted above.
        Ok(DeassertedReset { rstc })
    }
}

impl Drop for DeassertedReset {
    fn drop(&mut self) {
        // SAFETY: deasserted once by this owner (type invariant); the
        // shared count goes back and the control is released.
        unsafe {
            raw::reset_control_assert(self.rstc);
            raw::reset_control_put(self.rstc);
        }
    }
}

/// The block's clocks and reset while the driver is bound: released on
/// drop, reset first.
pub(crate) struct Power {
    _reset: DeassertedReset,
    _clocks: [EnabledClock; 3],
}

impl Power {
    /// Enables the clocks, then takes the block out of reset.
    pub(crate) fn on(dev: &Device) -> Result<Self> {
        let clocks = [
            EnabledClock::get(dev, CLOCKS[0])?,
            EnabledClock::get(dev, CLOCKS[1])?,
            EnabledClock::get(dev, CLOCKS[2])?,
        ];
        let reset = DeassertedReset::get(dev, RESET)?;
        Ok(Power {
            _reset: reset,
            _clocks: clocks,
        })
    }
}
