// SPDX-License-Identifier: GPL-2.0

//! The TVTOP capture register block (first `reg` of the device tree node,
//! 0x05700000 on the H713), typed with `kernel::io::register!`, and the
//! decoding of its interrupt sources.
//!
//! Offsets and bits are the C original's (`TVTOP_*_REG`, `TVTOP_CTRL_*`,
//! `TVTOP_STATUS_*`, `TVTOP_IRQ_*`, `TVTOP_HDMI_*`), each checked against
//! it by the KUnit suite. Defined: every register the original's
//! programming sequence writes or reads, except three the driver does not
//! need: 0x1c IRQ_RAW_STATUS (the original never reads it), 0x20 CLK_CTRL
//! and 0x24 RST_CTRL (the original writes 1 and 0 once, with no stated
//! meaning beyond "enable core clocks"/"release internal resets"; the
//! clock controller's gates and the reset line do that here), 0x34
//! CAPTURE_CTRL (never written by the original), 0x40 HDMI_STATUS (read
//! for a log line only).
//!
//! This module is a leaf: the engine, both backends, the interrupt path
//! and the metrics import it; it imports none of them.

#![forbid(unsafe_code)]

use crate::hy300::bytes_eq;
use kernel::io::register;
use kernel::io::register::Register;
use kernel::num::Bounded;

/// Bytes of the block the driver maps.
pub(crate) const BLOCK_SIZE: usize = 0x100;

register! {
    /// 0x00 (`TVTOP_CTRL_REG`): block control.
    pub(crate) CTRL(u32) @ 0x00 {
        /// Software reset (`TVTOP_CTRL_RESET`): the block is held in reset
        /// while set; the original sets it, waits 10 us, clears it and
        /// polls STATUS.READY.
        31:31 reset;
        /// Detect the input format on its own.
        4:4 auto_format;
        /// DMA of captured frames to memory.
        3:3 dma;
        /// The HDMI receiver.
        2:2 hdmi;
        /// The capture engine.
        1:1 capture;
        /// The block as a whole.
        0:0 enable;
    }

    /// 0x04 (`TVTOP_STATUS_REG`, read only): input and engine state. The
    /// driver reads the input bits; the simulation models the others too.
    pub(crate) STATUS(u32) @ 0x04 {
        /// The CTA-861 Video Identification Code of the mode the receiver
        /// locked to, 0 when it knows none. Not in the C original (bits
        /// 8 and up unnamed there): the place this driver reads the
        /// detected timings from, as the simulation models it; see
        /// Documentation/hy300/tvcap.rst on the H713 itself.
        15:8 vic;
        /// Input FIFO full.
        7:7 fifo_full;
        /// The block is ready (out of reset, configuration taken).
        6:6 ready;
        /// An error condition.
        5:5 error;
        /// A DMA transfer is under way.
        4:4 dma_busy;
        /// The engine is capturing.
        3:3 capturing;
        /// The input's format is detected.
        2:2 format_locked;
        /// A signal is present on the input.
        1:1 signal;
        /// An HDMI source is plugged in.
        0:0 hdmi_connected;
    }

    /// 0x08 (`TVTOP_IRQ_EN_REG`): interrupt enable, one bit per source, in
    /// the same places as [`IRQ_STATUS`].
    pub(crate) IRQ_EN(u32) @ 0x08 {
        9:9 timeout;
        8:8 fifo_error;
        7:7 dma_error;
        6:6 hw_error;
        5:5 hotplug;
        4:4 buffer_underflow;
        3:3 buffer_overflow;
        2:2 format_change;
        1:1 input_change;
        0:0 frame_done;
    }

    /// 0x0c (`TVTOP_IRQ_STATUS_REG`): pending interrupt sources; a 1
    /// written to a bit clears it, a 0 leaves it.
    pub(crate) IRQ_STATUS(u32) @ 0x0c {
        /// The engine gave up waiting (an error).
        9:9 timeout;
        /// The input FIFO failed (an error).
        8:8 fifo_error;
        /// A frame could not be written to its buffer (an error).
        7:7 dma_error;
        /// The block failed (an error).
        6:6 hw_error;
        /// An HDMI source was plugged in or out.
        5:5 hotplug;
        /// The engine ran dry (an error).
        4:4 buffer_underflow;
        /// A frame found no buffer armed and was dropped.
        3:3 buffer_overflow;
        /// The input's format or resolution changed.
        2:2 format_change;
        /// The input's signal came or went.
        1:1 input_change;
        /// A frame was written to the armed buffer.
        0:0 frame_done;
    }

    /// 0x10 (`TVTOP_FORMAT_REG`): output pixel format.
    pub(crate) FORMAT(u32) @ 0x10 {
        /// The format's code (the driver's `PixelFormat::hw_code`).
        31:0 code;
    }

    /// 0x14 (`TVTOP_RESOLUTION_REG`): frame size in pixels (the C original
    /// writes 0x04380780 for 1920x1080).
    pub(crate) RESOLUTION(u32) @ 0x14 {
        31:16 height;
        15:0 width;
    }

    /// 0x18 (`TVTOP_IRQ_MASK_REG`): a 1 masks its source, in the bit
    /// places of [`IRQ_STATUS`]; a source reaches the interrupt line when
    /// it is pending, enabled in IRQ_EN and not masked here. The original
    /// writes 0 ("unmask all enabled interrupts"); this driver masks every
    /// bit but the sources it handles ([`IRQ_MASK_HANDLED`]).
    pub(crate) IRQ_MASK(u32) @ 0x18 {
        31:0 masked;
    }

    /// 0x28 (`TVTOP_DMA_CTRL_REG`): the buffer hand-over.
    pub(crate) DMA_CTRL(u32) @ 0x28 {
        /// DMA_ADDR/DMA_SIZE hold a buffer for the next frame. The engine
        /// clears it when it takes the buffer; a frame that finds it clear
        /// is dropped with BUFFER_OVERFLOW.
        0:0 armed;
    }

    /// 0x2c (`TVTOP_DMA_ADDR_REG`): bus address (IOVA) of the next frame
    /// buffer.
    pub(crate) DMA_ADDR(u32) @ 0x2c {
        31:0 addr;
    }

    /// 0x30 (`TVTOP_DMA_SIZE_REG`): size of that buffer in bytes.
    pub(crate) DMA_SIZE(u32) @ 0x30 {
        31:0 bytes;
    }

    /// 0x38 (`TVTOP_CAPTURE_SIZE_REG`): the captured frame's size, in the
    /// layout of RESOLUTION (the original writes the same value to both).
    pub(crate) CAPTURE_SIZE(u32) @ 0x38 {
        31:16 height;
        15:0 width;
    }

    /// 0x3c (`TVTOP_HDMI_CTRL_REG`): HDMI input control.
    pub(crate) HDMI_CTRL(u32) @ 0x3c {
        /// Force signal detection (the original only probes it).
        2:2 force_detect;
        /// Trigger an EDID read (the original only probes it).
        1:1 edid_read;
        /// Hot-plug detection: without it no HOTPLUG is reported.
        0:0 hpd_enable;
    }

    /// 0xfc (`TVTOP_DEBUG_REG`, read only): block version.
    pub(crate) VERSION(u32) @ 0xfc {
        31:0 value;
    }
}

impl RESOLUTION {
    /// The value for a frame of `width` x `height`; each is 16 bits wide,
    /// higher bits are dropped (the formats stay far below).
    pub(crate) fn of(width: u32, height: u32) -> Self {
        RESOLUTION::from_raw(0)
            .with_width(Bounded::<u32, 16>::from_expr(width & 0xffff))
            .with_height(Bounded::<u32, 16>::from_expr(height & 0xffff))
    }
}

impl CAPTURE_SIZE {
    /// The value for a frame of `width` x `height`, as [`RESOLUTION::of`].
    pub(crate) fn of(width: u32, height: u32) -> Self {
        CAPTURE_SIZE::from(RESOLUTION::of(width, height).into_raw())
    }
}

/// A register's identity: its byte offset in the block, taken from its
/// `register!` definition. A backend reads and writes the offset it is
/// given (the device through `IoMem`, no dispatch on the register);
/// the simulation and the test fake decode it as the hardware does.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Reg(usize);

// Named as the registers' identities always were (`Reg::Ctrl`...), so the
// simulation's and the fakes' decoding reads the same.
#[allow(non_upper_case_globals)]
impl Reg {
    pub(crate) const Ctrl: Reg = Reg(CTRL::OFFSET);
    pub(crate) const Status: Reg = Reg(STATUS::OFFSET);
    pub(crate) const IrqEn: Reg = Reg(IRQ_EN::OFFSET);
    pub(crate) const IrqStatus: Reg = Reg(IRQ_STATUS::OFFSET);
    pub(crate) const Format: Reg = Reg(FORMAT::OFFSET);
    pub(crate) const Resolution: Reg = Reg(RESOLUTION::OFFSET);
    pub(crate) const IrqMask: Reg = Reg(IRQ_MASK::OFFSET);
    pub(crate) const DmaCtrl: Reg = Reg(DMA_CTRL::OFFSET);
    pub(crate) const DmaAddr: Reg = Reg(DMA_ADDR::OFFSET);
    pub(crate) const DmaSize: Reg = Reg(DMA_SIZE::OFFSET);
    pub(crate) const CaptureSize: Reg = Reg(CAPTURE_SIZE::OFFSET);
    pub(crate) const HdmiCtrl: Reg = Reg(HDMI_CTRL::OFFSET);
    pub(crate) const Version: Reg = Reg(VERSION::OFFSET);

    /// Every register, in offset order.
    pub(crate) const ALL: [Reg; 13] = [
        Reg::Ctrl,
        Reg::Status,
        Reg::IrqEn,
        Reg::IrqStatus,
        Reg::Format,
        Reg::Resolution,
        Reg::IrqMask,
        Reg::DmaCtrl,
        Reg::DmaAddr,
        Reg::DmaSize,
        Reg::CaptureSize,
        Reg::HdmiCtrl,
        Reg::Version,
    ];

    /// Byte offset in the block, from the typed definition.
    pub(crate) const fn offset(self) -> usize {
        self.0
    }
}

/// A typed register of this block and its identity.
pub(crate) trait TvtopRegister:
    Register<Storage = u32> + Copy + From<u32> + Into<u32>
{
    /// Which register this is.
    const REG: Reg;
}

/// Ties each typed register to its identity.
macro_rules! identities {
    ($($ty:ident => $reg:ident),* $(,)?) => {
        $(
            impl TvtopRegister for $ty {
                const REG: Reg = Reg::$reg;
            }
        )*
    };
}

identities! {
    CTRL => Ctrl,
    STATUS => Status,
    IRQ_EN => IrqEn,
    IRQ_STATUS => IrqStatus,
    FORMAT => Format,
    RESOLUTION => Resolution,
    IRQ_MASK => IrqMask,
    DMA_CTRL => DmaCtrl,
    DMA_ADDR => DmaAddr,
    DMA_SIZE => DmaSize,
    CAPTURE_SIZE => CaptureSize,
    HDMI_CTRL => HdmiCtrl,
    VERSION => Version,
}

/// The interrupt sources of IRQ_STATUS (and IRQ_EN), bit order.
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

    /// The source's bit in IRQ_STATUS, from the typed field.
    pub(crate) const fn bit(self) -> u32 {
        match self {
            Irq::FrameDone => IRQ_STATUS::FRAME_DONE_MASK,
            Irq::InputChange => IRQ_STATUS::INPUT_CHANGE_MASK,
            Irq::FormatChange => IRQ_STATUS::FORMAT_CHANGE_MASK,
            Irq::BufferOverflow => IRQ_STATUS::BUFFER_OVERFLOW_MASK,
            Irq::BufferUnderflow => IRQ_STATUS::BUFFER_UNDERFLOW_MASK,
            Irq::Hotplug => IRQ_STATUS::HOTPLUG_MASK,
            Irq::HwError => IRQ_STATUS::HW_ERROR_MASK,
            Irq::DmaError => IRQ_STATUS::DMA_ERROR_MASK,
            Irq::FifoError => IRQ_STATUS::FIFO_ERROR_MASK,
            Irq::Timeout => IRQ_STATUS::TIMEOUT_MASK,
        }
    }

    /// The source's enable bit in IRQ_EN, from its own typed field.
    pub(crate) const fn enable_bit(self) -> u32 {
        match self {
            Irq::FrameDone => IRQ_EN::FRAME_DONE_MASK,
            Irq::InputChange => IRQ_EN::INPUT_CHANGE_MASK,
            Irq::FormatChange => IRQ_EN::FORMAT_CHANGE_MASK,
            Irq::BufferOverflow => IRQ_EN::BUFFER_OVERFLOW_MASK,
            Irq::BufferUnderflow => IRQ_EN::BUFFER_UNDERFLOW_MASK,
            Irq::Hotplug => IRQ_EN::HOTPLUG_MASK,
            Irq::HwError => IRQ_EN::HW_ERROR_MASK,
            Irq::DmaError => IRQ_EN::DMA_ERROR_MASK,
            Irq::FifoError => IRQ_EN::FIFO_ERROR_MASK,
            Irq::Timeout => IRQ_EN::TIMEOUT_MASK,
        }
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

/// The bits of `sources`, OR-ed.
const fn bits_of(sources: &[Irq]) -> u32 {
    let mut bits = 0;
    let mut i = 0;
    while i < sources.len() {
        bits |= sources[i].bit();
        i += 1;
    }
    bits
}

/// All bits the hardware defines: the ten sources, each handled (and
/// counted) by the driver.
pub(crate) const IRQ_SOURCES: u32 = bits_of(&Irq::ALL);

/// The IRQ_MASK value: exactly the handled sources unmasked, every other
/// bit masked.
pub(crate) const IRQ_MASK_HANDLED: u32 = !IRQ_SOURCES;

/// The sources that belong to a running capture: unmasked by the start
/// sequence, masked again (and their pending bits cleared) by the stop
/// sequence, so a stopped engine cannot raise a frame event.
pub(crate) const CAPTURE_IRQS: u32 = bits_of(&[
    Irq::FrameDone,
    Irq::BufferOverflow,
    Irq::BufferUnderflow,
    Irq::DmaError,
    Irq::FifoError,
    Irq::Timeout,
]);

/// The sources reported whether or not a capture runs: input and format
/// changes, hotplug, block errors.
pub(crate) const INPUT_IRQS: u32 = IRQ_SOURCES & !CAPTURE_IRQS;

/// The sources set in an IRQ_STATUS value, in bit order; undefined bits
/// are ignored.
pub(crate) fn decode(irq_status: IRQ_STATUS) -> impl Iterator<Item = Irq> {
    let raw = irq_status.into_raw();
    Irq::ALL.into_iter().filter(move |irq| raw & irq.bit() != 0)
}

/// The tables agree with the typed definitions: [`Reg::ALL`] in offset
/// order, each register 4-byte aligned inside the mapped block; [`Irq::ALL`]
/// in bit order (what [`decode`] promises), one bit each, enabled by the
/// same bit of IRQ_EN that reports it in IRQ_STATUS. Where each bit is,
/// the KUnit suite checks against the C original.
const fn tables_are_consistent() -> bool {
    let mut i = 0;
    while i < Reg::ALL.len() {
        let offset = Reg::ALL[i].offset();
        if offset % 4 != 0 || offset + 4 > BLOCK_SIZE {
            return false;
        }
        if i > 0 && Reg::ALL[i - 1].offset() >= offset {
            return false;
        }
        i += 1;
    }
    let mut i = 0;
    while i < Irq::ALL.len() {
        let bit = Irq::ALL[i].bit();
        if !bit.is_power_of_two() || Irq::ALL[i].enable_bit() != bit {
            return false;
        }
        if i > 0 && Irq::ALL[i - 1].bit() >= bit {
            return false;
        }
        i += 1;
    }
    true
}

const _: () = assert!(tables_are_consistent());

/// A documented bit of a register: its field name in the `register!`
/// definition above (the metrics' label value) and its mask.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Bit {
    pub(crate) name: &'static str,
    pub(crate) mask: u32,
}

/// `[Bit]` of register `$reg` for each named field, from the field's name
/// and its `register!` mask (a typo is a build error).
macro_rules! bits {
    ($reg:ident: $($field:ident),* $(,)?) => {
        ::kernel::macros::paste!(&[$(
            Bit {
                name: stringify!($field),
                mask: $reg::[<$field:upper _MASK>],
            },
        )*])
    };
}

// The bits the register status metrics show, one line per field: a field
// added to STATUS, IRQ_EN or IRQ_STATUS above is shown once named here.

/// The documented bits of STATUS.
pub(crate) const STATUS_BITS: &[Bit] = bits!(STATUS:
    fifo_full,
    ready,
    error,
    dma_busy,
    capturing,
    format_locked,
    signal,
    hdmi_connected,
);

/// `[Bit]` of the interrupt register `$reg` (IRQ_EN and IRQ_STATUS have
/// the same fields): the sources, highest bit first.
macro_rules! irq_bits {
    ($reg:ident) => {
        bits!($reg:
            timeout,
            fifo_error,
            dma_error,
            hw_error,
            hotplug,
            buffer_underflow,
            buffer_overflow,
            format_change,
            input_change,
            frame_done,
        )
    };
}

/// The documented bits of IRQ_EN.
pub(crate) const IRQ_EN_BITS: &[Bit] = irq_bits!(IRQ_EN);

/// The documented bits of IRQ_STATUS.
pub(crate) const IRQ_STATUS_BITS: &[Bit] = irq_bits!(IRQ_STATUS);

/// How many entries of `bits` are `name` at `mask`.
const fn entries(bits: &[Bit], name: &str, mask: u32) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < bits.len() {
        if bits[i].mask == mask && bytes_eq(bits[i].name.as_bytes(), name.as_bytes()) {
            n += 1;
        }
        i += 1;
    }
    n
}

/// Each table names distinct single bits; every interrupt source is in
/// both interrupt tables under its metrics label with its bit.
const fn bit_tables_are_consistent() -> bool {
    let tables = [STATUS_BITS, IRQ_EN_BITS, IRQ_STATUS_BITS];
    let mut t = 0;
    while t < tables.len() {
        let mut seen = 0u32;
        let mut i = 0;
        while i < tables[t].len() {
            let mask = tables[t][i].mask;
            if !mask.is_power_of_two() || seen & mask != 0 {
                return false;
            }
            seen |= mask;
            i += 1;
        }
        t += 1;
    }
    let mut i = 0;
    while i < Irq::ALL.len() {
        let irq = Irq::ALL[i];
        if entries(IRQ_STATUS_BITS, irq.label(), irq.bit()) != 1
            || entries(IRQ_EN_BITS, irq.label(), irq.enable_bit()) != 1
        {
            return false;
        }
        i += 1;
    }
    true
}

const _: () = assert!(bit_tables_are_consistent());
