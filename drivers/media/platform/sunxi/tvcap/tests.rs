// SPDX-License-Identifier: GPL-2.0

//! KUnit suite: format and size negotiation, the typed registers against
//! the C original's offsets and bits, IRQ status decoding and
//! write-1-to-clear, the engine's register sequences, the metrics page
//! bound.

#![forbid(unsafe_code)]

use core::sync::atomic::{AtomicU32, Ordering::Relaxed};
use kernel::prelude::*;

use crate::engine;
use crate::format::{by_hw_code, default_format, negotiate, FORMATS, MAX_SIZEIMAGE};
use crate::hw::TvtopIo;
use crate::hy300::testing::{truncated_pages_keep_whole_lines, worst_case_pages_fit};
use crate::ioctl::{detected_timings, DV_CAP};
use crate::metrics::{register_status, render_worst_case, RegisterStatus, PAGES};
use crate::page::Page;
use crate::prometheus::Writer;
use crate::regs::{
    decode, Irq, Reg, TvtopRegister, CAPTURE_IRQS, CAPTURE_SIZE, CTRL, DMA_ADDR, DMA_CTRL,
    DMA_SIZE, FORMAT, HDMI_CTRL, INPUT_IRQS, IRQ_EN, IRQ_MASK, IRQ_MASK_HANDLED, IRQ_SOURCES,
    IRQ_STATUS, RESOLUTION, STATUS, STATUS_BITS, VERSION,
};
use crate::v4l2::Detected;
use kernel::num::Bounded;

/// STATUS.READY (`TVTOP_STATUS_READY`, bit 6).
const READY: u32 = 1 << 6;

/// A plain register file with IRQ_STATUS write-1-to-clear, to check what
/// the engine writes (the device backend gets the same writes); STATUS
/// starts READY. Each write
/// to IRQ_STATUS is recorded, and `raise_on_read` sources become pending
/// right after IRQ_STATUS is read, as an event arriving while the handler
/// runs would.
struct Registers {
    file: [AtomicU32; 64],
    irq_status_writes: AtomicU32,
    last_irq_status_write: AtomicU32,
    raise_on_read: AtomicU32,
}

impl Registers {
    fn new() -> Self {
        let regs = Registers {
            file: [const { AtomicU32::new(0) }; 64],
            irq_status_writes: AtomicU32::new(0),
            last_irq_status_write: AtomicU32::new(0),
            raise_on_read: AtomicU32::new(0),
        };
        regs.set(Reg::Status, READY);
        regs
    }

    fn get(&self, reg: Reg) -> u32 {
        self.file[reg.offset() / 4 % 64].load(Relaxed)
    }

    fn set(&self, reg: Reg, value: u32) {
        self.file[reg.offset() / 4 % 64].store(value, Relaxed);
    }

    /// Register `R`, typed.
    fn reg<R: TvtopRegister>(&self) -> R {
        R::from(self.get(R::REG))
    }
}

impl TvtopIo for Registers {
    fn read(&self, reg: Reg) -> Result<u32> {
        let value = self.get(reg);
        if reg == Reg::IrqStatus {
            let raised = self.raise_on_read.swap(0, Relaxed);
            self.file[reg.offset() / 4 % 64].fetch_or(raised, Relaxed);
        }
        Ok(value)
    }

    fn write(&self, reg: Reg, value: u32) -> Result {
        if reg == Reg::IrqStatus {
            self.irq_status_writes.fetch_add(1, Relaxed);
            self.last_irq_status_write.store(value, Relaxed);
            self.file[reg.offset() / 4 % 64].fetch_and(!value, Relaxed);
        } else {
            self.set(reg, value);
        }
        Ok(())
    }
}

/// Whether CTRL has ENABLE, CAPTURE and DMA as given.
fn ctrl_bits(ctrl: CTRL) -> (bool, bool, bool) {
    (
        ctrl.enable().into_bool(),
        ctrl.capture().into_bool(),
        ctrl.dma().into_bool(),
    )
}

#[kunit_tests(hy300_tvcap)]
mod tvcap_tests {
    use super::*;

    #[test]
    fn query_dv_timings_follows_status() -> Result {
        let vic = |v: u32| Bounded::<u32, 8>::from_expr(v);
        let locked = STATUS::zeroed()
            .with_hdmi_connected(true)
            .with_signal(true)
            .with_format_locked(true);
        let size = |d: Detected| match d {
            // Which answer, and whether the timings are within the
            // capability (reported ones are, out-of-range ones are not).
            Detected::Timings(t) => (
                "timings",
                DV_CAP.valid(&t),
                t.width(),
                t.height(),
                t.pixelclock(),
            ),
            Detected::OutOfRange(t) => (
                "out of range",
                DV_CAP.valid(&t),
                t.width(),
                t.height(),
                t.pixelclock(),
            ),
        };
        // What STATUS.VIC names, nothing else: 1080p60, 720p60.
        assert_eq!(
            size(detected_timings(locked.with_vic(vic(16)))?),
            ("timings", true, 1920, 1080, 148_500_000)
        );
        assert_eq!(
            size(detected_timings(locked.with_vic(vic(4)))?),
            ("timings", true, 1280, 720, 74_250_000)
        );
        // 2160p30 is found, and out of range: ERANGE with it.
        assert_eq!(
            size(detected_timings(locked.with_vic(vic(95)))?),
            ("out of range", false, 3840, 2160, 297_000_000)
        );
        // Locked to no mode the block names: nothing claimed.
        assert_eq!(detected_timings(locked).err(), Some(ENOLCK));
        assert_eq!(
            detected_timings(locked.with_vic(vic(255))).err(),
            Some(ENOLCK)
        );
        let locked = locked.with_vic(vic(16));
        assert_eq!(detected_timings(STATUS::zeroed()).err(), Some(ENOLINK));
        assert_eq!(
            detected_timings(locked.with_hdmi_connected(false)).err(),
            Some(ENOLINK)
        );
        assert_eq!(
            detected_timings(locked.with_signal(false)).err(),
            Some(ENOLINK)
        );
        assert_eq!(
            detected_timings(locked.with_format_locked(false)).err(),
            Some(ENOLCK)
        );
        Ok(())
    }

    #[test]
    fn default_is_1080p_yuyv() {
        let f = default_format();
        assert_eq!((f.width, f.height, f.pixel.name), (1920, 1080, "YUYV"));
        assert_eq!(f.bytesperline, 3840);
        assert_eq!(f.sizeimage, 3840 * 1080);
    }

    #[test]
    fn create_bufs_bound_is_twice_1080p_rgb24() {
        assert_eq!(MAX_SIZEIMAGE, 2 * 1920 * 1080 * 3);
    }

    #[test]
    fn formats_are_the_c_originals_with_their_codes() {
        // The original's table: YUYV 0x04, YUV420 (3-plane YU12) 0x02,
        // RGB24 0x00 (TVTOP_FORMAT_RGB888; the original's second
        // initialiser, 0x04, is YUYV's code). RGB32 has no code: not offered.
        let table = FORMATS.map(|f| (f.name, f.hw_code));
        assert_eq!(table, [("YUYV", 0x04), ("YU12", 0x02), ("RGB24", 0x00)]);
        let fourcc = |c: &[u8; 4]| u32::from_le_bytes(*c);
        assert_eq!(
            FORMATS.map(|f| f.fourcc),
            [fourcc(b"YUYV"), fourcc(b"YU12"), fourcc(b"RGB3")]
        );
        assert_eq!(by_hw_code(0x00).map(|f| f.name), Some("RGB24"));
        for unknown in [0x01, 0x03, 0x05, 0x1234_5678] {
            assert!(by_hw_code(unknown).is_none());
        }
        // RGB32 is refused: negotiation falls back to the default.
        assert_eq!(negotiate(fourcc(b"XR24"), 640, 480).pixel.name, "YUYV");
    }

    #[test]
    fn sizes_are_clamped_and_even() {
        let f = negotiate(FORMATS[0].fourcc, 100, 5000);
        assert_eq!((f.width, f.height), (320, 1080));
        let f = negotiate(FORMATS[0].fourcc, 641, 481);
        assert_eq!((f.width, f.height), (640, 480));
        let unknown = negotiate(0x1234_5678, 800, 600);
        assert_eq!(unknown.pixel.name, "YUYV");
    }

    #[test]
    fn bytes_per_format() {
        let size = |i: usize| {
            let f = negotiate(FORMATS[i].fourcc, 320, 240);
            (f.bytesperline, f.sizeimage)
        };
        assert_eq!(size(0), (640, 640 * 240)); // YUYV
                                               // YU12: Y at 1 byte per pixel, then U and V at a quarter each.
        assert_eq!(size(1), (320, 320 * 240 * 3 / 2));
        assert_eq!(size(2), (960, 960 * 240)); // RGB24: 3 bytes, not 4
    }

    #[test]
    fn registers_are_the_c_originals() {
        // TVTOP_CTRL_REG .. TVTOP_RESOLUTION_REG, TVTOP_IRQ_MASK_REG,
        // TVTOP_DMA_{CTRL,ADDR,SIZE}_REG, TVTOP_CAPTURE_SIZE_REG,
        // TVTOP_HDMI_CTRL_REG, TVTOP_DEBUG_REG.
        assert_eq!(
            Reg::ALL.map(Reg::offset),
            [0x00, 0x04, 0x08, 0x0c, 0x10, 0x14, 0x18, 0x28, 0x2c, 0x30, 0x38, 0x3c, 0xfc]
        );
        assert_eq!(
            [
                CTRL::REG,
                STATUS::REG,
                IRQ_EN::REG,
                IRQ_STATUS::REG,
                FORMAT::REG,
                RESOLUTION::REG,
                IRQ_MASK::REG,
                DMA_CTRL::REG,
                DMA_ADDR::REG,
                DMA_SIZE::REG,
                CAPTURE_SIZE::REG,
                HDMI_CTRL::REG,
                VERSION::REG,
            ],
            Reg::ALL
        );
    }

    #[test]
    fn register_fields_land_at_the_documented_bits() {
        // CTRL: TVTOP_CTRL_ENABLE BIT(0) .. _AUTO_FORMAT BIT(4), _RESET BIT(31).
        let one = |c: CTRL| u32::from(c);
        assert_eq!(one(CTRL::zeroed().with_enable(true)), 1 << 0);
        assert_eq!(one(CTRL::zeroed().with_capture(true)), 1 << 1);
        assert_eq!(one(CTRL::zeroed().with_hdmi(true)), 1 << 2);
        assert_eq!(one(CTRL::zeroed().with_dma(true)), 1 << 3);
        assert_eq!(one(CTRL::zeroed().with_auto_format(true)), 1 << 4);
        assert_eq!(one(CTRL::zeroed().with_reset(true)), 1 << 31);
        // A field written leaves the others alone.
        assert_eq!(one(CTRL::from(0xffff_ffff).with_dma(false)), !(1 << 3));
        // STATUS: TVTOP_STATUS_HDMI_CONNECTED BIT(0) .. _CAPTURE_ACTIVE
        // BIT(3), _READY BIT(6); bits 4, 5 and 7 are none of them but
        // _DMA_BUSY, _ERROR and _FIFO_FULL.
        let s = |bit: u32| {
            let v = STATUS::from(1 << bit);
            [
                v.hdmi_connected().into_bool(),
                v.signal().into_bool(),
                v.format_locked().into_bool(),
                v.capturing().into_bool(),
                v.ready().into_bool(),
            ]
        };
        assert_eq!(s(0), [true, false, false, false, false]);
        assert_eq!(s(1), [false, true, false, false, false]);
        assert_eq!(s(2), [false, false, true, false, false]);
        assert_eq!(s(3), [false, false, false, true, false]);
        assert_eq!(s(6), [false, false, false, false, true]);
        assert!(STATUS::from(1 << 4).dma_busy().into_bool());
        assert!(STATUS::from(1 << 5).error().into_bool());
        assert!(STATUS::from(1 << 7).fifo_full().into_bool());
        assert_eq!(u32::from(STATUS::zeroed().with_ready(true)), READY);
        // HDMI_CTRL: TVTOP_HDMI_HPD_ENABLE BIT(0), _EDID_READ BIT(1),
        // _FORCE_DETECT BIT(2).
        assert_eq!(u32::from(HDMI_CTRL::zeroed().with_hpd_enable(true)), 1 << 0);
        assert_eq!(u32::from(HDMI_CTRL::zeroed().with_edid_read(true)), 1 << 1);
        assert_eq!(
            u32::from(HDMI_CTRL::zeroed().with_force_detect(true)),
            1 << 2
        );
        // CAPTURE_SIZE: the layout of RESOLUTION (the original writes the
        // same 0x04380780 to both).
        assert_eq!(u32::from(CAPTURE_SIZE::of(1920, 1080)), 0x0438_0780);
        for undefined in [4, 5, 7, 31] {
            assert_eq!(s(undefined), [false; 5]);
        }
        // RESOLUTION: the C original's 1080p value, height high.
        assert_eq!(u32::from(RESOLUTION::of(1920, 1080)), 0x0438_0780);
        assert_eq!(u32::from(RESOLUTION::of(1280, 720)), 0x02d0_0500);
        let r = RESOLUTION::from(0x0438_0780);
        assert_eq!((r.width().get(), r.height().get()), (1920, 1080));
        // DMA_CTRL: ARMED is bit 0; the address and size take all 32 bits.
        assert_eq!(u32::from(DMA_CTRL::zeroed().with_armed(true)), 1);
        assert_eq!(
            u32::from(DMA_ADDR::zeroed().with_addr(0xfedc_ba98u32)),
            0xfedc_ba98
        );
        assert_eq!(u32::from(DMA_SIZE::zeroed().with_bytes(u32::MAX)), u32::MAX);
        assert_eq!(u32::from(FORMAT::zeroed().with_code(3u32)), 3);
        // IRQ_STATUS and IRQ_EN: TVTOP_IRQ_FRAME_DONE BIT(0) ..
        // TVTOP_IRQ_TIMEOUT BIT(9), the same bit in both registers.
        let expected: [u32; 10] = core::array::from_fn(|i| 1 << i);
        assert_eq!(Irq::ALL.map(Irq::bit), expected);
        assert_eq!(Irq::ALL.map(Irq::enable_bit), expected);
        assert_eq!(
            u32::from(
                IRQ_STATUS::zeroed()
                    .with_frame_done(true)
                    .with_timeout(true)
            ),
            1 << 0 | 1 << 9
        );
        assert_eq!(
            u32::from(IRQ_EN::zeroed().with_hotplug(true).with_dma_error(true)),
            1 << 5 | 1 << 7
        );
        assert!(IRQ_STATUS::from(1 << 3).buffer_overflow().into_bool());
        assert!(!IRQ_STATUS::from(1 << 3).buffer_underflow().into_bool());
        assert_eq!(IRQ_SOURCES, 0x3ff);
        // IRQ_MASK: exactly the ten handled sources unmasked.
        assert_eq!(IRQ_MASK_HANDLED, 0xffff_fc00);
    }

    #[test]
    fn irq_status_decoding() {
        let status = IRQ_STATUS::zeroed()
            .with_frame_done(true)
            .with_hotplug(true);
        let mut it = decode(IRQ_STATUS::from(u32::from(status) | 1 << 31));
        assert_eq!(it.next(), Some(Irq::FrameDone));
        assert_eq!(it.next(), Some(Irq::Hotplug));
        assert_eq!(it.next(), None);
        assert_eq!(decode(IRQ_STATUS::from(IRQ_SOURCES)).count(), 10);
        assert_eq!(decode(IRQ_STATUS::zeroed()).count(), 0);
        assert!(Irq::DmaError.is_error());
        assert!(!Irq::FrameDone.is_error());
        assert_eq!(Irq::Timeout.bit(), 1 << 9);
    }

    #[test]
    fn irq_status_is_written_back_to_clear_exactly_what_was_taken() {
        let regs = Registers::new();
        regs.set(
            Reg::IrqStatus,
            Irq::FrameDone.bit() | Irq::DmaError.bit() | 1 << 20,
        );
        // A hotplug arrives after the handler read the status.
        regs.raise_on_read.store(Irq::Hotplug.bit(), Relaxed);
        let taken = engine::take_irq_status(&regs);
        assert_eq!(u32::from(taken), Irq::FrameDone.bit() | Irq::DmaError.bit());
        // One write of 1s for the taken sources: the later hotplug and the
        // undefined bit stay pending.
        assert_eq!(regs.irq_status_writes.load(Relaxed), 1);
        assert_eq!(
            regs.last_irq_status_write.load(Relaxed),
            Irq::FrameDone.bit() | Irq::DmaError.bit()
        );
        assert_eq!(regs.get(Reg::IrqStatus), Irq::Hotplug.bit() | 1 << 20);
        // The next interrupt takes the hotplug.
        assert_eq!(
            u32::from(engine::take_irq_status(&regs)),
            Irq::Hotplug.bit()
        );
        // Nothing pending: nothing written.
        assert_eq!(u32::from(engine::take_irq_status(&regs)), 0);
        assert_eq!(regs.irq_status_writes.load(Relaxed), 2);
    }

    #[test]
    fn init_masks_interrupts_and_enables_the_block() -> Result {
        let regs = Registers::new();
        regs.set(Reg::IrqEn, IRQ_SOURCES);
        regs.set(Reg::IrqStatus, Irq::Hotplug.bit());
        regs.set(Reg::IrqMask, u32::MAX);
        regs.set(Reg::Version, 0x0713_0001);
        assert_eq!(engine::init(&regs).map_err(|(e, _)| e)?, 0x0713_0001);
        assert_eq!(regs.get(Reg::IrqEn), 0);
        assert_eq!(regs.get(Reg::IrqStatus), 0);
        // Exactly the handled sources unmasked.
        assert_eq!(regs.get(Reg::IrqMask), 0xffff_fc00);
        // Hot-plug detection on.
        assert_eq!(regs.get(Reg::HdmiCtrl), 1);
        // The default format, YUYV (0x04) 1080p, in FORMAT, RESOLUTION and
        // CAPTURE_SIZE; DMA cleared.
        assert_eq!(regs.get(Reg::Format), 0x04);
        assert_eq!(regs.get(Reg::Resolution), 0x0438_0780);
        assert_eq!(regs.get(Reg::CaptureSize), 0x0438_0780);
        assert_eq!(regs.get(Reg::DmaSize), 0);
        // ENABLE | HDMI_EN | AUTO_FORMAT, the reset released.
        assert_eq!(regs.get(Reg::Ctrl), 0x15);
        engine::enable_irqs(&regs)?;
        // Input changes only: no frame event before a capture starts.
        assert_eq!(regs.get(Reg::IrqEn), INPUT_IRQS);
        assert!(!regs.reg::<IRQ_EN>().frame_done().into_bool());
        assert_eq!(INPUT_IRQS | CAPTURE_IRQS, IRQ_SOURCES);
        Ok(())
    }

    #[test]
    fn init_and_start_fail_with_etimedout_while_not_ready() -> Result {
        let regs = Registers::new();
        regs.set(Reg::Status, 0);
        assert_eq!(engine::init(&regs).map_err(|(e, _)| e), Err(ETIMEDOUT));
        // Connected with a signal, not ready: nothing armed or unmasked.
        regs.set(Reg::Status, 0b11);
        regs.set(Reg::IrqEn, INPUT_IRQS);
        let first = Some((0x4000_0000, 4096));
        assert_eq!(
            engine::start(&regs, &default_format(), first),
            Err(engine::StartError::NotReady(0b11))
        );
        assert_eq!(regs.get(Reg::DmaCtrl), 0);
        assert_eq!(regs.get(Reg::IrqEn), INPUT_IRQS);
        assert!(!regs.reg::<CTRL>().capture().into_bool());
        Ok(())
    }

    #[test]
    fn start_programs_format_size_buffer_and_capture() -> Result {
        let regs = Registers::new();
        engine::init(&regs).map_err(|(e, _)| e)?;
        engine::enable_irqs(&regs)?;
        regs.set(Reg::Status, READY | 0b11); // HDMI connected, signal
                                             // A frame event left over from an earlier capture.
        regs.set(Reg::IrqStatus, Irq::FrameDone.bit());
        let yu12 = negotiate(FORMATS[1].fourcc, 640, 480);
        engine::start(&regs, &yu12, Some((0x4000_0000, 4096))).map_err(Error::from)?;
        assert_eq!(regs.get(Reg::Format), 0x02);
        assert_eq!(regs.get(Reg::Resolution), 480 << 16 | 640);
        assert_eq!(regs.get(Reg::CaptureSize), 480 << 16 | 640);
        assert_eq!(regs.get(Reg::DmaAddr), 0x4000_0000);
        assert_eq!(regs.get(Reg::DmaSize), 4096);
        assert_eq!(regs.get(Reg::DmaCtrl), 1);
        assert_eq!(regs.get(Reg::IrqStatus), 0);
        assert_eq!(regs.get(Reg::IrqEn), IRQ_SOURCES);
        assert_eq!(ctrl_bits(regs.reg()), (true, true, true));
        // ENABLE | CAPTURE | HDMI | DMA | AUTO_FORMAT.
        assert_eq!(regs.get(Reg::Ctrl), 0x1f);
        Ok(())
    }

    #[test]
    fn stop_masks_capture_interrupts_and_disarms() -> Result {
        let regs = Registers::new();
        engine::init(&regs).map_err(|(e, _)| e)?;
        engine::enable_irqs(&regs)?;
        regs.set(Reg::Status, READY | 0b11);
        engine::start(&regs, &default_format(), Some((0x4000_0000, 4096))).map_err(Error::from)?;
        // A frame completes while the stop runs.
        regs.set(Reg::IrqStatus, Irq::FrameDone.bit() | Irq::Hotplug.bit());
        engine::stop(&regs)?;
        assert_eq!(regs.get(Reg::IrqEn), INPUT_IRQS);
        assert_eq!(regs.get(Reg::IrqStatus), Irq::Hotplug.bit());
        assert_eq!(regs.get(Reg::DmaCtrl), 0);
        assert_eq!(ctrl_bits(regs.reg()), (true, false, false));
        Ok(())
    }

    #[test]
    fn start_without_signal_changes_nothing() -> Result {
        let regs = Registers::new();
        engine::init(&regs).map_err(|(e, _)| e)?;
        engine::enable_irqs(&regs)?;
        regs.set(Reg::Status, READY | 0b01); // HDMI connected, no signal
        let before = regs.get(Reg::Ctrl);
        regs.set(Reg::Format, 0);
        let first = Some((0x4000_0000, 4096));
        assert_eq!(
            engine::start(&regs, &default_format(), first).map_err(Error::from),
            Err(ENOLINK)
        );
        assert_eq!(regs.get(Reg::Ctrl), before);
        assert_eq!(regs.get(Reg::Format), 0);
        // Nothing armed, no capture source unmasked.
        assert_eq!(regs.get(Reg::DmaCtrl), 0);
        assert_eq!(regs.get(Reg::DmaAddr), 0);
        assert_eq!(regs.get(Reg::IrqEn), INPUT_IRQS);
        Ok(())
    }

    #[test]
    fn arm_takes_32_bit_bus_addresses_only() -> Result {
        let regs = Registers::new();
        engine::arm(&regs, 0x4000_0000, 4096)?;
        assert_eq!(regs.get(Reg::DmaAddr), 0x4000_0000);
        assert_eq!(regs.get(Reg::DmaSize), 4096);
        assert!(regs.reg::<DMA_CTRL>().armed().into_bool());
        regs.set(Reg::DmaCtrl, 0);
        assert_eq!(engine::arm(&regs, 1 << 32, 4096), Err(ERANGE));
        assert_eq!(regs.get(Reg::DmaCtrl), 0);
        assert_eq!(regs.get(Reg::DmaAddr), 0x4000_0000);
        Ok(())
    }

    #[test]
    fn interrupt_status_is_taken_and_cleared_once() {
        let regs = Registers::new();
        regs.set(
            Reg::IrqStatus,
            Irq::FrameDone.bit() | Irq::Hotplug.bit() | 1 << 20,
        );
        assert_eq!(
            u32::from(engine::take_irq_status(&regs)),
            Irq::FrameDone.bit() | Irq::Hotplug.bit()
        );
        // Undefined bits are neither reported nor cleared.
        assert_eq!(regs.get(Reg::IrqStatus), 1 << 20);
        assert_eq!(u32::from(engine::take_irq_status(&regs)), 0);
    }

    #[test]
    fn metrics_pages_fit_with_every_value_at_its_widest() -> Result {
        assert!(worst_case_pages_fit("tvcap", &PAGES, |page, w| {
            render_worst_case(page, w)
        })?);
        Ok(())
    }

    /// The register status shows one sample per documented bit of the
    /// value read; a register whose read failed is left out, not shown as
    /// zeros.
    #[test]
    fn register_status_shows_bits_and_leaves_failed_reads_out() -> Result {
        let mut page = KVec::from_elem(0u8, 4096, GFP_KERNEL)?;
        let mut w = Writer::new(&mut page);
        let registers = RegisterStatus {
            status: Some(STATUS::zeroed().with_hdmi_connected(true).into()),
            irq_en: None,
            irq_status: Some(Irq::Hotplug.bit()),
        };
        register_status(&registers, &mut w);
        let text = w.as_bytes();
        let has = |line: &[u8]| text.windows(line.len()).any(|l| l == line);
        assert!(has(b"hy300_tvcap_status_bit{bit=\"hdmi_connected\"} 1\n"));
        assert!(has(b"hy300_tvcap_status_bit{bit=\"signal\"} 0\n"));
        assert!(has(b"hy300_tvcap_irq_status_bit{bit=\"hotplug\"} 1\n"));
        assert!(has(b"hy300_tvcap_irq_status_bit{bit=\"frame_done\"} 0\n"));
        assert!(!has(b"hy300_tvcap_irq_enable_bit"));
        let status_lines = text
            .split(|&c| c == b'\n')
            .filter(|l| l.starts_with(b"hy300_tvcap_status_bit{"))
            .count();
        assert_eq!(status_lines, STATUS_BITS.len());
        Ok(())
    }

    /// A benchmark (no assertion on time): the render time of each file
    /// (at the widest values), logged for scripts/bench. Built only for it
    /// (HY300_BENCH=y): a case that asserts nothing is no test; the test
    /// build reports it skipped, declared in tests/kunit-skips.
    #[cfg(hy300_bench)]
    #[test]
    fn render_time_of_each_file() -> Result {
        use crate::hy300::testing::bench_page;
        use crate::metrics::{render_worst_case_of, worst_case_metrics};
        let m = worst_case_metrics();
        for (page, file, _) in PAGES {
            bench_page("tvcap", file, |w| render_worst_case_of(&m, page, w))?;
        }
        Ok(())
    }

    /// A page forced short (every size up to the whole page): whole lines
    /// only, then the self-metric counting each cut-short read.
    #[test]
    fn metrics_page_cut_short_keeps_whole_lines_and_counts() -> Result {
        assert!(truncated_pages_keep_whole_lines("tvcap", "metrics", |w| {
            render_worst_case(Page::Metrics, w)
        })?);
        Ok(())
    }
}
