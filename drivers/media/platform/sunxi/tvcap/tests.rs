// SPDX-License-Identifier: GPL-2.0

//! KUnit suite: format and size negotiation, IRQ status decoding, the
//! engine's register sequences, the metrics page bound.

use core::sync::atomic::{AtomicU32, Ordering::Relaxed};
use kernel::prelude::*;

use crate::engine;
use crate::format::{default_format, negotiate, FORMATS, MAX_SIZEIMAGE};
use crate::hw::TvtopIo;
use crate::hy300::testing::{bench_page, truncated_pages_keep_whole_lines, worst_case_pages_fit};
use crate::metrics::{render_worst_case, render_worst_case_of, worst_case_metrics, FILES};
use crate::regs::{ctrl, decode, dma_ctrl, status, Irq, Reg, CAPTURE_IRQS, INPUT_IRQS, IRQ_MASK};

/// A plain register file with IRQ_STATUS write-1-to-clear, to check what
/// the engine writes (the device backend gets the same writes).
struct Registers([AtomicU32; 64]);

impl Registers {
    fn new() -> Self {
        Registers([const { AtomicU32::new(0) }; 64])
    }

    fn get(&self, reg: Reg) -> u32 {
        self.0[reg.offset() / 4].load(Relaxed)
    }

    fn set(&self, reg: Reg, value: u32) {
        self.0[reg.offset() / 4].store(value, Relaxed);
    }
}

impl TvtopIo for Registers {
    fn read(&self, reg: Reg) -> Result<u32> {
        Ok(self.get(reg))
    }

    fn write(&self, reg: Reg, value: u32) -> Result {
        if reg == Reg::IrqStatus {
            self.0[reg.offset() / 4].fetch_and(!value, Relaxed);
        } else {
            self.set(reg, value);
        }
        Ok(())
    }
}

#[kunit_tests(hy300_tvcap)]
mod tvcap_tests {
    use super::*;

    #[test]
    fn default_is_1080p_yuyv() {
        let f = default_format();
        assert_eq!((f.width, f.height, f.pixel.name), (1920, 1080, "YUYV"));
        assert_eq!(f.bytesperline, 3840);
        assert_eq!(f.sizeimage, 3840 * 1080);
    }

    #[test]
    fn largest_image_is_1080p_rgb32() {
        assert_eq!(MAX_SIZEIMAGE, 1920 * 1080 * 4);
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
        assert_eq!(size(1), (320, 320 * 240 * 3 / 2)); // NV12
        assert_eq!(size(2), (960, 960 * 240)); // RGB24: 3 bytes, not 4
        assert_eq!(size(3), (1280, 1280 * 240)); // RGB32
    }

    #[test]
    fn irq_status_decoding() {
        let mut it = decode(Irq::FrameDone.bit() | Irq::Hotplug.bit() | (1 << 31));
        assert_eq!(it.next(), Some(Irq::FrameDone));
        assert_eq!(it.next(), Some(Irq::Hotplug));
        assert_eq!(it.next(), None);
        assert_eq!(decode(IRQ_MASK).count(), 10);
        assert_eq!(decode(0).count(), 0);
        assert!(Irq::DmaError.is_error());
        assert!(!Irq::FrameDone.is_error());
        assert_eq!(Irq::Timeout.bit(), 1 << 9);
    }

    #[test]
    fn init_masks_interrupts_and_enables_the_block() -> Result {
        let regs = Registers::new();
        regs.set(Reg::IrqEn, IRQ_MASK);
        regs.set(Reg::IrqStatus, Irq::Hotplug.bit());
        regs.set(Reg::Version, 0x0713_0001);
        assert_eq!(engine::init(&regs)?, 0x0713_0001);
        assert_eq!(regs.get(Reg::IrqEn), 0);
        assert_eq!(regs.get(Reg::IrqStatus), 0);
        assert_eq!(
            regs.get(Reg::Ctrl),
            ctrl::ENABLE | ctrl::HDMI | ctrl::AUTO_FORMAT
        );
        engine::enable_irqs(&regs)?;
        // Input changes only: no frame event before a capture starts.
        assert_eq!(regs.get(Reg::IrqEn), INPUT_IRQS);
        assert_eq!(regs.get(Reg::IrqEn) & Irq::FrameDone.bit(), 0);
        assert_eq!(INPUT_IRQS | CAPTURE_IRQS, IRQ_MASK);
        Ok(())
    }

    #[test]
    fn start_programs_format_size_buffer_and_capture() -> Result {
        let regs = Registers::new();
        engine::init(&regs)?;
        engine::enable_irqs(&regs)?;
        regs.set(Reg::Status, status::HDMI_CONNECTED | status::SIGNAL);
        // A frame event left over from an earlier capture.
        regs.set(Reg::IrqStatus, Irq::FrameDone.bit());
        let nv12 = negotiate(FORMATS[1].fourcc, 640, 480);
        engine::start(&regs, &nv12, Some((0x4000_0000, 4096)))?;
        assert_eq!(regs.get(Reg::Format), 1);
        assert_eq!(regs.get(Reg::Resolution), 480 << 16 | 640);
        assert_eq!(regs.get(Reg::DmaAddr), 0x4000_0000);
        assert_eq!(regs.get(Reg::DmaSize), 4096);
        assert_eq!(regs.get(Reg::DmaCtrl), dma_ctrl::ARMED);
        assert_eq!(regs.get(Reg::IrqStatus), 0);
        assert_eq!(regs.get(Reg::IrqEn), IRQ_MASK);
        let c = regs.get(Reg::Ctrl);
        assert_eq!(
            c & (ctrl::ENABLE | ctrl::CAPTURE | ctrl::DMA),
            ctrl::ENABLE | ctrl::CAPTURE | ctrl::DMA
        );
        Ok(())
    }

    #[test]
    fn stop_masks_capture_interrupts_and_disarms() -> Result {
        let regs = Registers::new();
        engine::init(&regs)?;
        engine::enable_irqs(&regs)?;
        regs.set(Reg::Status, status::HDMI_CONNECTED | status::SIGNAL);
        engine::start(&regs, &default_format(), Some((0x4000_0000, 4096)))?;
        // A frame completes while the stop runs.
        regs.set(Reg::IrqStatus, Irq::FrameDone.bit() | Irq::Hotplug.bit());
        engine::stop(&regs)?;
        assert_eq!(regs.get(Reg::IrqEn), INPUT_IRQS);
        assert_eq!(regs.get(Reg::IrqStatus), Irq::Hotplug.bit());
        assert_eq!(regs.get(Reg::DmaCtrl), 0);
        assert_eq!(regs.get(Reg::Ctrl) & (ctrl::CAPTURE | ctrl::DMA), 0);
        assert_eq!(regs.get(Reg::Ctrl) & ctrl::ENABLE, ctrl::ENABLE);
        Ok(())
    }

    #[test]
    fn start_without_signal_changes_nothing() -> Result {
        let regs = Registers::new();
        engine::init(&regs)?;
        engine::enable_irqs(&regs)?;
        regs.set(Reg::Status, status::HDMI_CONNECTED);
        let before = regs.get(Reg::Ctrl);
        let first = Some((0x4000_0000, 4096));
        assert_eq!(engine::start(&regs, &default_format(), first), Err(ENOLINK));
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
        assert_eq!(regs.get(Reg::DmaCtrl), dma_ctrl::ARMED);
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
            engine::take_irq_status(&regs),
            Irq::FrameDone.bit() | Irq::Hotplug.bit()
        );
        // Undefined bits are neither reported nor cleared.
        assert_eq!(regs.get(Reg::IrqStatus), 1 << 20);
        assert_eq!(engine::take_irq_status(&regs), 0);
    }

    #[test]
    fn metrics_pages_fit_with_every_value_at_its_widest() -> Result {
        assert!(worst_case_pages_fit("tvcap", &FILES, |file, w| {
            render_worst_case(file, w)
        })?);
        Ok(())
    }

    /// A benchmark (no assertion on time): the render time of each file
    /// (at the widest values), logged for scripts/bench.
    #[test]
    fn render_time_of_each_file() -> Result {
        let m = worst_case_metrics();
        for (file, _) in FILES {
            bench_page("tvcap", file, |w| {
                render_worst_case_of(&m, file.as_bytes(), w)
            })?;
        }
        Ok(())
    }

    /// A page forced short (every size up to the whole page): whole lines
    /// only, then the self-metric counting each cut-short read.
    #[test]
    fn metrics_page_cut_short_keeps_whole_lines_and_counts() -> Result {
        assert!(truncated_pages_keep_whole_lines("tvcap", "metrics", |w| {
            render_worst_case(b"metrics", w)
        })?);
        Ok(())
    }
}
