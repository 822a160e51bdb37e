// SPDX-License-Identifier: GPL-2.0

//! KUnit suite: format and size negotiation, IRQ status decoding, the
//! metrics page bound.

use kernel::prelude::*;

use crate::format::{default_format, negotiate, FORMATS};
use crate::hy300::testing::{fits_page_with, GROWTH_PER_LINE};
use crate::metrics::{render_worst_case, INTERVAL_BOUNDS};
use crate::regs::{decode, Irq, IRQ_MASK};

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
    fn metrics_page_fits_with_every_value_at_its_widest() -> Result {
        let growth = GROWTH_PER_LINE * (INTERVAL_BOUNDS.len() + 2);
        assert!(fits_page_with("tvcap", growth, render_worst_case)?);
        Ok(())
    }
}
