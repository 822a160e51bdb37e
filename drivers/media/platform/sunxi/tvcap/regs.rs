// SPDX-License-Identifier: GPL-2.0

//! TVTOP register block and interrupt status decoding.

// Registers (device tree `tvtop@5700000`): 0x00 CTRL (bit 0 enable, 1
// capture, 2 HDMI, 3 DMA, 4 auto-format, 31 reset), 0x04 STATUS, 0x08
// IRQ_EN, 0x0C IRQ_STATUS (write 1 to clear), 0x10 FORMAT, 0x14 RESOLUTION,
// 0x28-0x30 DMA, 0x3C HDMI_CTRL, 0x40 HDMI_STATUS, 0xFC version. Only the
// STATUS and IRQ_STATUS layouts are used so far (the MMIO backend is not
// written); both are modelled by the simulation.

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
