// SPDX-License-Identifier: GPL-2.0

//! The capture engine's programming sequences, written once against
//! [`TvtopIo`] and used unchanged with every backend.

use kernel::prelude::*;

use crate::format::Format;
use crate::hw::TvtopIo;
use crate::regs::{ctrl, dma_ctrl, resolution, status, Reg, CAPTURE_IRQS, INPUT_IRQS, IRQ_MASK};

/// Resets the block and enables it with the HDMI receiver, interrupts
/// still masked. Returns the VERSION register.
pub(crate) fn init(io: &impl TvtopIo) -> Result<u32> {
    io.write(Reg::Ctrl, ctrl::RESET)?;
    io.write(Reg::IrqEn, 0)?;
    io.write(Reg::IrqStatus, IRQ_MASK)?;
    io.write(Reg::Ctrl, ctrl::ENABLE | ctrl::HDMI | ctrl::AUTO_FORMAT)?;
    io.read(Reg::Version)
}

/// Unmasks the input sources (reported while not capturing too), once a
/// handler is in place; the capture sources stay masked until [`start`].
pub(crate) fn enable_irqs(io: &impl TvtopIo) -> Result {
    io.write(Reg::IrqEn, INPUT_IRQS)
}

/// Masks every interrupt and disables the block.
pub(crate) fn shut_down(io: &impl TvtopIo) -> Result {
    io.write(Reg::IrqEn, 0)?;
    io.write(Reg::DmaCtrl, 0)?;
    io.write(Reg::Ctrl, 0)?;
    io.write(Reg::IrqStatus, IRQ_MASK)
}

/// Starts capturing `format` into `first` (bus address, length), when
/// given. `ENOLINK` without an HDMI signal, checked before anything is
/// written: no buffer is armed and no interrupt unmasked for a capture
/// that cannot start.
pub(crate) fn start(io: &impl TvtopIo, format: &Format, first: Option<(u64, u32)>) -> Result {
    let needed = status::HDMI_CONNECTED | status::SIGNAL;
    if io.read(Reg::Status)? & needed != needed {
        return Err(ENOLINK);
    }
    io.write(Reg::Format, format.pixel.hw_code)?;
    io.write(Reg::Resolution, resolution(format.width, format.height))?;
    if let Some((addr, len)) = first {
        arm(io, addr, len)?;
    }
    // Events of an earlier capture must not be taken for this one's.
    io.write(Reg::IrqStatus, CAPTURE_IRQS)?;
    let enabled = io.read(Reg::IrqEn)?;
    io.write(Reg::IrqEn, enabled | CAPTURE_IRQS)?;
    let ctrl = io.read(Reg::Ctrl)?;
    io.write(Reg::Ctrl, ctrl | ctrl::CAPTURE | ctrl::DMA)
}

/// Stops capturing: masks the capture sources first, then disables
/// capture and DMA and clears what is pending. A handler already running
/// may still act on an event taken before; the caller synchronises with
/// the interrupt before it gives the buffers back.
pub(crate) fn stop(io: &impl TvtopIo) -> Result {
    let enabled = io.read(Reg::IrqEn)?;
    io.write(Reg::IrqEn, enabled & !CAPTURE_IRQS)?;
    let ctrl = io.read(Reg::Ctrl)?;
    io.write(Reg::Ctrl, ctrl & !(ctrl::CAPTURE | ctrl::DMA))?;
    io.write(Reg::DmaCtrl, 0)?;
    io.write(Reg::IrqStatus, CAPTURE_IRQS)
}

/// Gives the engine the buffer at bus address `addr` (`len` bytes) for
/// the next frame. The DMA mask is 32 bits, so `addr` always fits.
pub(crate) fn arm(io: &impl TvtopIo, addr: u64, len: u32) -> Result {
    let addr = u32::try_from(addr).map_err(|_| ERANGE)?;
    io.write(Reg::DmaAddr, addr)?;
    io.write(Reg::DmaSize, len)?;
    io.write(Reg::DmaCtrl, dma_ctrl::ARMED)
}

/// The STATUS register; 0 (no input) once the device is gone.
pub(crate) fn status(io: &impl TvtopIo) -> u32 {
    io.read(Reg::Status).unwrap_or(0)
}

/// Reads and clears the pending interrupt sources (0: not ours).
pub(crate) fn take_irq_status(io: &impl TvtopIo) -> u32 {
    let Ok(pending) = io.read(Reg::IrqStatus) else {
        return 0;
    };
    let pending = pending & IRQ_MASK;
    if pending != 0 && io.write(Reg::IrqStatus, pending).is_err() {
        return 0;
    }
    pending
}
