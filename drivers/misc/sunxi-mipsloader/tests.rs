// SPDX-License-Identifier: GPL-2.0

//! KUnit suite: CRC32, the memory layout, panel and firmware validation.

use kernel::prelude::*;

use crate::crc32::crc32;
use crate::firmware::{validate, LoadFailure};
use crate::firmware::{FirmwareState, LOAD_SECONDS_BOUNDS};
use crate::hy300::testing::{fits_page_with, GROWTH_PER_LINE};
use crate::layout::{layout_is_valid, Region, DEBUG, FIRMWARE, REGIONS, RESERVED_SIZE};
use crate::protocol::validate_panel;
use crate::protocol::ProtocolMetrics;
use crate::uapi::{self, LoadRequest};
use core::sync::atomic::Ordering::Relaxed;

fn request(name: &[u8], flags: u32) -> LoadRequest {
    let mut r = LoadRequest {
        name: [0; 64],
        flags,
        crc32: 7,
    };
    r.name[..name.len()].copy_from_slice(name);
    r
}

#[kunit_tests(hy300_mips)]
mod mips_tests {
    use super::*;

    #[test]
    fn crc32_matches_reference_vectors() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(
            crc32(b"The quick brown fox jumps over the lazy dog"),
            0x414F_A339
        );
    }

    #[test]
    fn layout_is_the_documented_one() {
        assert!(layout_is_valid(&REGIONS, RESERVED_SIZE));
        assert_eq!(REGIONS[FIRMWARE].offset, 0x1000);
        assert_eq!(REGIONS[FIRMWARE].size, 12 << 20);
        assert_eq!(REGIONS[DEBUG].offset, 0xC0_1000);
        let end = REGIONS[3].offset + REGIONS[3].size;
        assert_eq!(end, 0x1A0_0000 + 0xD0_1000);
        assert!(end <= RESERVED_SIZE);
        let overlapping = [
            Region {
                name: "a",
                offset: 0,
                size: 8,
            },
            Region {
                name: "b",
                offset: 4,
                size: 8,
            },
        ];
        assert!(!layout_is_valid(&overlapping, 64));
        let too_big = [Region {
            name: "a",
            offset: 0,
            size: 65,
        }];
        assert!(!layout_is_valid(&too_big, 64));
    }

    #[test]
    fn firmware_size_is_checked_against_the_region_exactly() {
        // The C original allowed 4 KiB too much; exactly 12 MiB is the limit.
        assert_eq!(validate(&[0u8; 8], None), Ok(0x6522_DF69));
        assert_eq!(validate(&[], None), Err(LoadFailure::Truncated));
        assert_eq!(validate(&[0u8; 6], None), Err(LoadFailure::Truncated));
        assert_eq!(validate(&[0u8; 8], Some(1)), Err(LoadFailure::CrcMismatch));
        assert_eq!(validate(&[0u8; 8], Some(0x6522_DF69)), Ok(0x6522_DF69));
    }

    #[test]
    fn panel_parameters_are_range_checked() {
        assert_eq!(validate_panel(&[0; 8]), Ok(()));
        assert_eq!(validate_panel(&[100, -100, 0, 0, 0, 0, 0, 0]), Ok(()));
        assert_eq!(validate_panel(&[101, 0, 0, 0, 0, 0, 0, 0]), Err(EINVAL));
        assert_eq!(validate_panel(&[0, 0, 0, 0, 0, 0, 0, -101]), Err(EINVAL));
        assert_eq!(
            validate_panel(&[i32::MIN, 0, 0, 0, 0, 0, 0, 0]),
            Err(EINVAL)
        );
    }

    #[test]
    fn metrics_page_fits_with_every_value_at_its_widest() -> Result {
        let p = ProtocolMetrics::new();
        let fw = FirmwareState::new();
        let e = &p.errors;
        let registers = Iterator::chain(p.registers.reads.iter(), p.registers.writes.iter());
        let named = [
            &e.timeout,
            &e.busy,
            &e.bad_status,
            &e.io,
            &fw.attempts,
            &fw.successes,
        ];
        let counters = Iterator::chain(Iterator::chain(registers, named), fw.failures.iter());
        for c in counters {
            c.add(u64::MAX);
        }
        // Usage and image size are bounded by the region sizes.
        for (used, region) in p.memory_used.iter().zip(REGIONS.iter()) {
            used.store(region.size as u64, Relaxed);
        }
        fw.loaded.store(true, Relaxed);
        fw.size.store(REGIONS[FIRMWARE].size as u64, Relaxed);
        fw.crc.store(u32::MAX, Relaxed);
        fw.duration.observe(u64::MAX);
        let growth = GROWTH_PER_LINE * (LOAD_SECONDS_BOUNDS.len() + 2);
        assert!(fits_page_with("mips", growth, |w| crate::metrics::render(
            &p, &fw, b"metrics", w
        ))?);
        Ok(())
    }

    #[test]
    fn firmware_names_are_validated() {
        assert!(request(b"display.bin", 0).firmware_name().is_ok());
        assert!(request(b"hy300/display-v2.bin", 0).firmware_name().is_ok());
        for bad in [
            &b""[..],
            b"/etc/passwd",
            b"../x",
            b"a/../b",
            b"a//b",
            b"a b",
            b"a\x01",
        ] {
            assert!(request(bad, 0).firmware_name().is_err());
        }
        let unterminated = LoadRequest {
            name: [b'a'; 64],
            flags: 0,
            crc32: 0,
        };
        assert!(unterminated.firmware_name().is_err());
        assert_eq!(request(b"x", 0).expected_crc(), Ok(None));
        assert_eq!(request(b"x", 1).expected_crc(), Ok(Some(7)));
        assert!(request(b"x", 2).expected_crc().is_err());
    }

    #[test]
    fn original_ioctl_numbers_coexist_with_the_extended_ones() {
        // The C original's numbers: _IOW('M', 1, char *), _IO('M', 2),
        // _IO('M', 3), _IOR('M', 4, int), as a 64-bit and a 32-bit caller
        // computes them.
        #[cfg(target_pointer_width = "64")]
        assert_eq!(uapi::IOC_LOAD_FW_ORIG, 0x4008_4d01);
        assert_eq!(uapi::IOC_LOAD_FW_ORIG_32, 0x4004_4d01);
        assert_eq!(uapi::IOC_RESTART, 0x4d02);
        assert_eq!(uapi::IOC_POWER_DOWN, 0x4d03);
        assert_eq!(uapi::IOC_GET_STATUS_ORIG, 0x8004_4d04);
        // The extended ones differ in the size field only.
        assert_eq!(uapi::IOC_LOAD_FW, 0x4048_4d01);
        assert_eq!(uapi::IOC_GET_STATUS, 0x8010_4d04);
        assert_eq!(uapi::IOC_SET_PANEL, 0x4020_4d05);
        // A 32-bit caller's LOAD_FW is the native one; nothing else moves.
        assert_eq!(
            uapi::compat_cmd(uapi::IOC_LOAD_FW_ORIG_32),
            uapi::IOC_LOAD_FW_ORIG
        );
        for cmd in [
            uapi::IOC_LOAD_FW,
            uapi::IOC_RESTART,
            uapi::IOC_POWER_DOWN,
            uapi::IOC_GET_STATUS,
            uapi::IOC_GET_STATUS_ORIG,
            uapi::IOC_SET_PANEL,
            0x4004_4d02,
        ] {
            assert_eq!(uapi::compat_cmd(cmd), cmd);
        }
    }

    #[test]
    fn panelparam_is_parsed_strictly() {
        let good = b"tl_x=1,tl_y=-2,tr_x=3,tr_y=-4,bl_x=100,bl_y=-100,br_x=0,br_y=-0";
        assert_eq!(
            crate::panel::parse(good),
            Ok([1, -2, 3, -4, 100, -100, 0, 0])
        );
        let mut newline = KVec::new();
        assert!(newline.extend_from_slice(good, GFP_KERNEL).is_ok());
        assert!(newline.push(b'\n', GFP_KERNEL).is_ok());
        assert!(crate::panel::parse(&newline).is_ok());
        for bad in [
            &b""[..],
            b"\n",
            b"tl_x=1,tl_y=2,tr_x=3,tr_y=4,bl_x=5,bl_y=6,br_x=7",
            b"tl_x=1,tl_y=2,tr_x=3,tr_y=4,bl_x=5,bl_y=6,br_x=7,br_y=8,",
            b"tl_x=1,tl_y=2,tr_x=3,tr_y=4,bl_x=5,bl_y=6,br_x=7,br_y=8 junk",
            b"tl_x=1,tl_y=2,tr_x=3,tr_y=4,bl_x=5,bl_y=6,br_x=7,br_y=8\n\n",
            b"tl_y=1,tl_x=2,tr_x=3,tr_y=4,bl_x=5,bl_y=6,br_x=7,br_y=8",
            b"tl_x=101,tl_y=2,tr_x=3,tr_y=4,bl_x=5,bl_y=6,br_x=7,br_y=8",
            b"tl_x=1,tl_y=2,tr_x=3,tr_y=4,bl_x=5,bl_y=6,br_x=7,br_y=-101",
            b"tl_x=+1,tl_y=2,tr_x=3,tr_y=4,bl_x=5,bl_y=6,br_x=7,br_y=8",
            b"tl_x= 1,tl_y=2,tr_x=3,tr_y=4,bl_x=5,bl_y=6,br_x=7,br_y=8",
            b"tl_x=,tl_y=2,tr_x=3,tr_y=4,bl_x=5,bl_y=6,br_x=7,br_y=8",
            b"tl_x=-,tl_y=2,tr_x=3,tr_y=4,bl_x=5,bl_y=6,br_x=7,br_y=8",
            b"tl_x=4294967297,tl_y=2,tr_x=3,tr_y=4,bl_x=5,bl_y=6,br_x=7,br_y=8",
            b"tl_x=0x1,tl_y=2,tr_x=3,tr_y=4,bl_x=5,bl_y=6,br_x=7,br_y=8",
            b"1,2,3,4,5,6,7,8",
        ] {
            assert_eq!(crate::panel::parse(bad), Err(EINVAL));
        }
    }
}
