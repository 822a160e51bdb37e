// SPDX-License-Identifier: GPL-2.0

//! The TVTOP capture register block (first `reg` of the device tree node,
//! 0x05700000 on the H713) and interrupt status decoding.
//!
//! Not used by the driver, so not modelled: 0x3c HDMI_CTRL, 0x40
//! HDMI_STATUS; STATUS bits 4 DMA busy, 5 error, 7 FIFO full.

/// A register of the block. Offsets are from the H713 C driver.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Reg {
    /// 0x00: [`ctrl`] bits.
    Ctrl,
    /// 0x04: [`status`] bits (read only).
    Status,
    /// 0x08: interrupt enable, [`Irq`] bits.
    IrqEn,
    /// 0x0c: interrupt status, [`Irq`] bits; write 1 to clear.
    IrqStatus,
    /// 0x10: output pixel format ([`crate::format::PixelFormat::hw_code`]).
    Format,
    /// 0x14: `height << 16 | width`.
    Resolution,
    /// 0x28: [`dma_ctrl`] bits.
    DmaCtrl,
    /// 0x2c: bus address (IOVA) of the next frame buffer.
    DmaAddr,
    /// 0x30: size of that buffer in bytes.
    DmaSize,
    /// 0xfc: block version (read only).
    Version,
}

impl Reg {
    /// Byte offset in the block.
    pub(crate) const fn offset(self) -> usize {
        match self {
            Reg::Ctrl => 0x00,
            Reg::Status => 0x04,
            Reg::IrqEn => 0x08,
            Reg::IrqStatus => 0x0c,
            Reg::Format => 0x10,
            Reg::Resolution => 0x14,
            Reg::DmaCtrl => 0x28,
            Reg::DmaAddr => 0x2c,
            Reg::DmaSize => 0x30,
            Reg::Version => 0xfc,
        }
    }
}

/// Bytes of the block the driver maps.
pub(crate) const BLOCK_SIZE: usize = 0x100;

/// CTRL bits.
pub(crate) mod ctrl {
    pub(crate) const ENABLE: u32 = 1 << 0;
    pub(crate) const CAPTURE: u32 = 1 << 1;
    pub(crate) const HDMI: u32 = 1 << 2;
    pub(crate) const DMA: u32 = 1 << 3;
    pub(crate) const AUTO_FORMAT: u32 = 1 << 4;
    /// Resets the block; self-clearing.
    pub(crate) const RESET: u32 = 1 << 31;
}

/// STATUS bits. The driver reads the input bits; the simulation models
/// the others too.
#[cfg_attr(not(hy300_sim), allow(dead_code))]
pub(crate) mod status {
    pub(crate) const HDMI_CONNECTED: u32 = 1 << 0;
    pub(crate) const SIGNAL: u32 = 1 << 1;
    pub(crate) const FORMAT_LOCKED: u32 = 1 << 2;
    pub(crate) const CAPTURING: u32 = 1 << 3;
    pub(crate) const READY: u32 = 1 << 6;
}

/// DMA_CTRL bits.
pub(crate) mod dma_ctrl {
    /// DMA_ADDR/DMA_SIZE hold a buffer for the next frame. The engine
    /// clears it when it takes the buffer; a frame that finds it clear is
    /// dropped with BUFFER_OVERFLOW.
    pub(crate) const ARMED: u32 = 1 << 0;
}

/// RESOLUTION value for a frame size.
pub(crate) const fn resolution(width: u32, height: u32) -> u32 {
    (height & 0xffff) << 16 | (width & 0xffff)
}

/// The interrupt sources of IRQ_STATUS (write 1 to clear), bit order.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Irq {
    FrameDone,
    InputChange,
    FormatChange,
    BufferOverflow,
    BufferUnderflow,
    Hotplug,
    HwError,
    DmaError,
    FifoError,
    Timeout,
}

impl Irq {
    pub(crate) const ALL: [Irq; 10] = [
        Irq::FrameDone,
        Irq::InputChange,
        Irq::FormatChange,
        Irq::BufferOverflow,
        Irq::BufferUnderflow,
        Irq::Hotplug,
        Irq::HwError,
        Irq::DmaError,
        Irq::FifoError,
        Irq::Timeout,
    ];

    pub(crate) const fn bit(self) -> u32 {
        1 << (self as u32)
    }

    /// Whether this source is a capture error (counted by kind).
    pub(crate) const fn is_error(self) -> bool {
        matches!(
            self,
            Irq::BufferUnderflow | Irq::HwError | Irq::DmaError | Irq::FifoError | Irq::Timeout
        )
    }

    /// Label value in the metrics.
    pub(crate) const fn label(self) -> &'static str {
        match self {
            Irq::FrameDone => "frame_done",
            Irq::InputChange => "input_change",
            Irq::FormatChange => "format_change",
            Irq::BufferOverflow => "buffer_overflow",
            Irq::BufferUnderflow => "buffer_underflow",
            Irq::Hotplug => "hotplug",
            Irq::HwError => "hw_error",
            Irq::DmaError => "dma_error",
            Irq::FifoError => "fifo_error",
            Irq::Timeout => "timeout",
        }
    }
}

/// All bits the hardware defines.
pub(crate) const IRQ_MASK: u32 = (1 << 10) - 1;

/// The sources that belong to a running capture: unmasked by the start
/// sequence, masked again (and their pending bits cleared) by the stop
/// sequence, so a stopped engine cannot raise a frame event.
pub(crate) const CAPTURE_IRQS: u32 = Irq::FrameDone.bit()
    | Irq::BufferOverflow.bit()
    | Irq::BufferUnderflow.bit()
    | Irq::DmaError.bit()
    | Irq::FifoError.bit()
    | Irq::Timeout.bit();

/// The sources reported whether or not a capture runs: input and format
/// changes, hotplug, block errors.
pub(crate) const INPUT_IRQS: u32 = IRQ_MASK & !CAPTURE_IRQS;

/// The sources set in an IRQ_STATUS value, in bit order; undefined bits
/// are ignored.
pub(crate) fn decode(irq_status: u32) -> impl Iterator<Item = Irq> {
    Irq::ALL
        .into_iter()
        .filter(move |irq| irq_status & irq.bit() != 0)
}
