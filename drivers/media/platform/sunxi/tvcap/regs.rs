// SPDX-License-Identifier: GPL-2.0

//! TVTOP register block and interrupt status decoding.

/// Register offsets.
pub(crate) mod offset {
    pub(crate) const CTRL: usize = 0x00;
    pub(crate) const STATUS: usize = 0x04;
    pub(crate) const IRQ_EN: usize = 0x08;
    pub(crate) const IRQ_STATUS: usize = 0x0c;
    pub(crate) const FORMAT: usize = 0x10;
    pub(crate) const RESOLUTION: usize = 0x14;
    pub(crate) const DMA_CTRL: usize = 0x28;
    pub(crate) const DMA_ADDR: usize = 0x2c;
    pub(crate) const DMA_SIZE: usize = 0x30;
}

/// CTRL bits.
pub(crate) mod ctrl {
    pub(crate) const ENABLE: u32 = 1 << 0;
    pub(crate) const CAPTURE: u32 = 1 << 1;
    pub(crate) const HDMI: u32 = 1 << 2;
    pub(crate) const DMA: u32 = 1 << 3;
    pub(crate) const AUTO_FORMAT: u32 = 1 << 4;
}

/// STATUS bits.
pub(crate) mod status {
    pub(crate) const HDMI_CONNECTED: u32 = 1 << 0;
    pub(crate) const SIGNAL: u32 = 1 << 1;
    pub(crate) const FORMAT_LOCKED: u32 = 1 << 2;
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

/// The sources set in an IRQ_STATUS value, in bit order; undefined bits
/// are ignored.
pub(crate) fn decode(irq_status: u32) -> impl Iterator<Item = Irq> {
    Irq::ALL
        .into_iter()
        .filter(move |irq| irq_status & irq.bit() != 0)
}
