// SPDX-License-Identifier: GPL-2.0

//! The capture engine's programming sequences, written once against
//! [`TvtopIo`] on the typed registers of [`crate::regs`] and used unchanged
//! with every backend.

use kernel::prelude::*;

use crate::format::Format;
use crate::hw::{TvtopIo, TvtopRegs};
use crate::regs::TvtopRegister;
use crate::regs::{
    CAPTURE_IRQS, CTRL, DMA_ADDR, DMA_CTRL, DMA_SIZE, FORMAT, INPUT_IRQS, IRQ_EN, IRQ_MASK,
    IRQ_STATUS, RESOLUTION, STATUS, VERSION,
};

/// Resets the block and enables it with the HDMI receiver, interrupts
/// still masked. Returns the VERSION register.
pub(crate) fn init<T: TvtopIo + ?Sized>(io: &T) -> Result<u32> {
    io.write_reg(CTRL::zeroed().with_reset(true))?;
    io.write_reg(IRQ_EN::zeroed())?;
    io.write_reg(IRQ_STATUS::from(IRQ_MASK))?;
    io.write_reg(
        CTRL::zeroed()
            .with_enable(true)
            .with_hdmi(true)
            .with_auto_format(true),
    )?;
    Ok(io.read_reg::<VERSION>()?.value().get())
}

/// Unmasks the input sources (reported while not capturing too), once a
/// handler is in place; the capture sources stay masked until [`start`].
pub(crate) fn enable_irqs<T: TvtopIo + ?Sized>(io: &T) -> Result {
    io.write_reg(IRQ_EN::from(INPUT_IRQS))
}

/// Masks every interrupt and disables the block.
pub(crate) fn shut_down<T: TvtopIo + ?Sized>(io: &T) -> Result {
    io.write_reg(IRQ_EN::zeroed())?;
    io.write_reg(DMA_CTRL::zeroed())?;
    io.write_reg(CTRL::zeroed())?;
    io.write_reg(IRQ_STATUS::from(IRQ_MASK))
}

/// Starts capturing `format` into `first` (bus address, length), when
/// given. `ENOLINK` without an HDMI signal, checked before anything is
/// written: no buffer is armed and no interrupt unmasked for a capture
/// that cannot start.
pub(crate) fn start<T: TvtopIo + ?Sized>(
    io: &T,
    format: &Format,
    first: Option<(u64, u32)>,
) -> Result {
    let input: STATUS = io.read_reg()?;
    if !(input.hdmi_connected().into_bool() && input.signal().into_bool()) {
        return Err(ENOLINK);
    }
    io.write_reg(FORMAT::zeroed().with_code(format.pixel.hw_code))?;
    io.write_reg(RESOLUTION::of(format.width, format.height))?;
    if let Some((addr, len)) = first {
        arm(io, addr, len)?;
    }
    // Events of an earlier capture must not be taken for this one's.
    io.write_reg(IRQ_STATUS::from(CAPTURE_IRQS))?;
    let enabled: IRQ_EN = io.read_reg()?;
    io.write_reg(IRQ_EN::from(enabled.into_raw() | CAPTURE_IRQS))?;
    let ctrl: CTRL = io.read_reg()?;
    io.write_reg(ctrl.with_capture(true).with_dma(true))
}

/// Stops capturing: masks the capture sources first, then disables
/// capture and DMA and clears what is pending. A handler already running
/// may still act on an event taken before; the caller synchronises with
/// the interrupt before it gives the buffers back.
pub(crate) fn stop<T: TvtopIo + ?Sized>(io: &T) -> Result {
    let enabled: IRQ_EN = io.read_reg()?;
    io.write_reg(IRQ_EN::from(enabled.into_raw() & !CAPTURE_IRQS))?;
    let ctrl: CTRL = io.read_reg()?;
    io.write_reg(ctrl.with_capture(false).with_dma(false))?;
    io.write_reg(DMA_CTRL::zeroed())?;
    io.write_reg(IRQ_STATUS::from(CAPTURE_IRQS))
}

/// Gives the engine the buffer at bus address `addr` (`len` bytes) for
/// the next frame. The DMA mask is 32 bits, so `addr` always fits.
pub(crate) fn arm<T: TvtopIo + ?Sized>(io: &T, addr: u64, len: u32) -> Result {
    let addr = u32::try_from(addr).map_err(|_| ERANGE)?;
    io.write_reg(DMA_ADDR::zeroed().with_addr(addr))?;
    io.write_reg(DMA_SIZE::zeroed().with_bytes(len))?;
    io.write_reg(DMA_CTRL::zeroed().with_armed(true))
}

/// The STATUS register; no input once the device is gone.
pub(crate) fn status<T: TvtopIo + ?Sized>(io: &T) -> STATUS {
    io.read_reg().unwrap_or(STATUS::zeroed())
}

/// Register `R` as it is now, for the register status metrics; `None`
/// when the read failed (the device is gone): the caller shows nothing
/// rather than a made-up value. Reading changes nothing (IRQ_STATUS is
/// cleared by writes only).
pub(crate) fn observe<R: TvtopRegister, T: TvtopIo + ?Sized>(io: &T) -> Option<R> {
    io.read_reg().ok()
}

/// Reads and clears the pending interrupt sources (none: not ours).
/// IRQ_STATUS is write-1-to-clear: exactly the sources taken are written
/// back, so one raised in between stays pending for the next interrupt.
pub(crate) fn take_irq_status<T: TvtopIo + ?Sized>(io: &T) -> IRQ_STATUS {
    let Ok(pending) = io.read_reg::<IRQ_STATUS>() else {
        return IRQ_STATUS::zeroed();
    };
    let pending = IRQ_STATUS::from(pending.into_raw() & IRQ_MASK);
    if pending.into_raw() != 0 && io.write_reg(pending).is_err() {
        return IRQ_STATUS::zeroed();
    }
    pending
}
