// SPDX-License-Identifier: GPL-2.0

//! The capture engine's programming sequences, written once against
//! [`TvtopIo`] on the typed registers of [`crate::regs`] and used unchanged
//! with every backend.

#![forbid(unsafe_code)]

use kernel::io::poll::read_poll_timeout;
use kernel::prelude::*;
use kernel::time::delay::fsleep;
use kernel::time::Delta;

use crate::format::{default_format, Format};
use crate::hw::{TvtopIo, TvtopRegs};
use crate::regs::TvtopRegister;
use crate::regs::{
    CAPTURE_IRQS, CAPTURE_SIZE, CTRL, DMA_ADDR, DMA_CTRL, DMA_SIZE, FORMAT, HDMI_CTRL, INPUT_IRQS,
    IRQ_EN, IRQ_MASK, IRQ_MASK_HANDLED, IRQ_SOURCES, IRQ_STATUS, RESOLUTION, STATUS, VERSION,
};

/// How long the software reset is held (`TVTOP_RESET_DELAY_US`).
const RESET_HOLD: Delta = Delta::from_micros(10);
/// Poll interval of STATUS.READY.
const READY_POLL: Delta = Delta::from_micros(100);
/// How long the block may take to become ready. The original waits up to
/// 5 s (`TVTOP_TIMEOUT_MS`) after a 100 us stabilisation delay; a block
/// that is not ready after 200 ms is taken as broken, so that a probe or
/// a STREAMON on it fails promptly.
pub(crate) const READY_TIMEOUT: Delta = Delta::from_millis(200);

/// Waits (sleeping) until STATUS.READY is set: `ETIMEDOUT` after
/// [`READY_TIMEOUT`], with the last STATUS, for the caller's one error
/// message.
pub(crate) fn wait_ready<T: TvtopIo + ?Sized>(io: &T) -> core::result::Result<(), (Error, u32)> {
    let mut last = STATUS::zeroed();
    read_poll_timeout(
        || io.read_reg::<STATUS>(),
        |status: &STATUS| {
            last = *status;
            status.ready().into_bool()
        },
        READY_POLL,
        READY_TIMEOUT,
    )
    .map(|_| ())
    .map_err(|e| (e, last.into_raw()))
}

/// Resets the block and brings it up as the C original's
/// `tvtop_init_hardware` does, interrupts still disabled: software reset
/// and wait for READY; FORMAT, RESOLUTION and CAPTURE_SIZE at the default
/// format; DMA cleared; hot-plug detection on; pending sources cleared,
/// IRQ_MASK set to exactly the handled sources; the block enabled with the
/// HDMI receiver, and READY again. Sleeps. Returns the VERSION register,
/// or `ETIMEDOUT` (with STATUS) when the block does not become ready.
pub(crate) fn init<T: TvtopIo + ?Sized>(io: &T) -> core::result::Result<u32, (Error, u32)> {
    let ctrl: CTRL = io.read_reg().map_err(|e| (e, 0))?;
    io.write_reg(ctrl.with_reset(true)).map_err(|e| (e, 0))?;
    fsleep(RESET_HOLD);
    io.write_reg(CTRL::zeroed()).map_err(|e| (e, 0))?;
    wait_ready(io)?;
    configure(io).map_err(|e| (e, 0))?;
    io.write_reg(
        CTRL::zeroed()
            .with_enable(true)
            .with_hdmi(true)
            .with_auto_format(true),
    )
    .map_err(|e| (e, 0))?;
    wait_ready(io)?;
    io.read_reg::<VERSION>()
        .map(|v| v.value().get())
        .map_err(|e| (e, 0))
}

/// The register writes of [`init`] between the reset and the enable.
fn configure<T: TvtopIo + ?Sized>(io: &T) -> Result {
    io.write_reg(IRQ_EN::zeroed())?;
    let format = default_format();
    program_format(io, &format)?;
    io.write_reg(DMA_CTRL::zeroed())?;
    io.write_reg(DMA_ADDR::zeroed())?;
    io.write_reg(DMA_SIZE::zeroed())?;
    io.write_reg(HDMI_CTRL::zeroed().with_hpd_enable(true))?;
    io.write_reg(IRQ_STATUS::from(IRQ_SOURCES))?;
    io.write_reg(IRQ_MASK::from(IRQ_MASK_HANDLED))
}

/// FORMAT, RESOLUTION and CAPTURE_SIZE for `format` (the original's
/// `tvtop_configure_format`).
fn program_format<T: TvtopIo + ?Sized>(io: &T, format: &Format) -> Result {
    io.write_reg(FORMAT::zeroed().with_code(format.pixel.hw_code))?;
    io.write_reg(RESOLUTION::of(format.width, format.height))?;
    io.write_reg(CAPTURE_SIZE::of(format.width, format.height))
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
    io.write_reg(HDMI_CTRL::zeroed())?;
    io.write_reg(CTRL::zeroed())?;
    io.write_reg(IRQ_STATUS::from(IRQ_SOURCES))
}

/// Why a capture could not start.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum StartError {
    /// No HDMI signal (`ENOLINK`).
    NoLink,
    /// The block did not become ready (`ETIMEDOUT`); STATUS as last read.
    NotReady(u32),
    /// A register access failed: the device is gone.
    Io(Error),
}

impl From<StartError> for Error {
    fn from(e: StartError) -> Error {
        match e {
            StartError::NoLink => ENOLINK,
            StartError::NotReady(_) => ETIMEDOUT,
            StartError::Io(e) => e,
        }
    }
}

impl From<Error> for StartError {
    fn from(e: Error) -> StartError {
        StartError::Io(e)
    }
}

/// Starts capturing `format` into `first` (bus address, length), when
/// given. Checked before anything is written, so no buffer is armed and
/// no interrupt unmasked for a capture that cannot start: the HDMI signal
/// ([`StartError::NoLink`]), then READY ([`StartError::NotReady`], after
/// [`READY_TIMEOUT`]; sleeps). Then FORMAT, RESOLUTION and CAPTURE_SIZE,
/// the first buffer (DMA_ADDR, DMA_SIZE, armed), the capture sources, and
/// capture with DMA.
pub(crate) fn start<T: TvtopIo + ?Sized>(
    io: &T,
    format: &Format,
    first: Option<(u64, u32)>,
) -> core::result::Result<(), StartError> {
    let input: STATUS = io.read_reg()?;
    if !(input.hdmi_connected().into_bool() && input.signal().into_bool()) {
        return Err(StartError::NoLink);
    }
    wait_ready(io).map_err(|(e, status)| {
        if e == ETIMEDOUT {
            StartError::NotReady(status)
        } else {
            StartError::Io(e)
        }
    })?;
    program_format(io, format)?;
    if let Some((addr, len)) = first {
        arm(io, addr, len)?;
    }
    // Events of an earlier capture must not be taken for this one's.
    io.write_reg(IRQ_STATUS::from(CAPTURE_IRQS))?;
    let enabled: IRQ_EN = io.read_reg()?;
    io.write_reg(IRQ_EN::from(enabled.into_raw() | CAPTURE_IRQS))?;
    let ctrl: CTRL = io.read_reg()?;
    io.write_reg(ctrl.with_capture(true).with_dma(true))?;
    Ok(())
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

/// Poll interval of STATUS.dma_busy at stop.
const DMA_IDLE_POLL: Delta = Delta::from_micros(500);
/// How long a stop waits for a frame still in flight: a 1080p frame takes
/// 16.7 ms at 60 Hz, so 100 ms is six frames.
pub(crate) const DMA_IDLE_TIMEOUT: Delta = Delta::from_millis(100);

/// Waits (sleeping) until STATUS.dma_busy is clear, after [`stop`]: a
/// frame still being written must land before its buffer goes back to
/// user space and before the clocks stop. `ETIMEDOUT` after
/// [`DMA_IDLE_TIMEOUT`]; another error when the device is gone.
pub(crate) fn wait_dma_idle<T: TvtopIo + ?Sized>(io: &T) -> Result {
    read_poll_timeout(
        || io.read_reg::<STATUS>(),
        |status: &STATUS| !status.dma_busy().into_bool(),
        DMA_IDLE_POLL,
        DMA_IDLE_TIMEOUT,
    )
    .map(|_| ())
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
    let pending = IRQ_STATUS::from(pending.into_raw() & IRQ_SOURCES);
    if pending.into_raw() != 0 && io.write_reg(pending).is_err() {
        return IRQ_STATUS::zeroed();
    }
    pending
}
