// SPDX-License-Identifier: GPL-2.0

//! KUnit suite: CRC32, the memory layout, panel and firmware validation,
//! the register encodings and the protocol's register accesses.

#![forbid(unsafe_code)]

use kernel::prelude::*;

use crate::firmware::FirmwareState;
use crate::firmware::{validate, LoadFailure};
use crate::hw::MipsHw;
use crate::hy300::crc32::crc32;
use crate::hy300::testing::{truncated_pages_keep_whole_lines, worst_case_pages_fit};
use crate::layout::{layout_is_valid, Region, DEBUG, FIRMWARE, REGIONS, RESERVED_SIZE};
use crate::page::{Page, PAGES};
use crate::protocol::validate_panel;
use crate::protocol::Protocol;
use crate::protocol::ProtocolMetrics;
use crate::regs::{Command, MipsRegister, Reg, CMD, CONTROL, DATA, STATUS};
use crate::uapi::{self, LoadRequest};
use core::sync::atomic::{AtomicI64, AtomicU32, Ordering::Relaxed};
use kernel::time::Delta;

/// A backend that remembers the last value written to each register and
/// how often each was written, and reports STATUS busy for `busy_reads`
/// reads after every write to CMD. Its waits return at once; it records
/// the last one's length and how many CMD writes preceded it.
struct FakeHw {
    last: [AtomicU32; 4],
    writes: [AtomicU32; 4],
    busy_reads: u32,
    busy_left: AtomicU32,
    settled_ms: AtomicI64,
    cmd_writes_at_settle: AtomicU32,
}

impl FakeHw {
    fn new(busy_reads: u32) -> Self {
        FakeHw {
            last: [const { AtomicU32::new(0) }; 4],
            writes: [const { AtomicU32::new(0) }; 4],
            busy_reads,
            busy_left: AtomicU32::new(0),
            settled_ms: AtomicI64::new(0),
            cmd_writes_at_settle: AtomicU32::new(0),
        }
    }

    fn last(&self, reg: Reg) -> u32 {
        self.last[reg.index() % 4].load(Relaxed)
    }

    fn writes(&self, reg: Reg) -> u32 {
        self.writes[reg.index() % 4].load(Relaxed)
    }
}

impl MipsHw for FakeHw {
    fn read(&self, reg: Reg) -> Result<u32> {
        if reg == Reg::Status {
            let busy = self
                .busy_left
                .fetch_update(Relaxed, Relaxed, |n| n.checked_sub(1))
                .is_ok();
            return Ok(u32::from(busy));
        }
        Ok(self.last(reg))
    }

    fn write(&self, reg: Reg, value: u32) -> Result {
        self.last[reg.index() % 4].store(value, Relaxed);
        self.writes[reg.index() % 4].fetch_add(1, Relaxed);
        if reg == Reg::Cmd {
            self.busy_left.store(self.busy_reads, Relaxed);
        }
        Ok(())
    }

    fn write_memory(&self, _offset: usize, _data: &[u8]) -> Result {
        Ok(())
    }

    fn settle(&self, delay: Delta) {
        self.settled_ms.store(delay.as_millis(), Relaxed);
        self.cmd_writes_at_settle
            .store(self.writes(Reg::Cmd), Relaxed);
    }
}

/// (reads, writes) the protocol counted for `reg`.
fn counted(m: &ProtocolMetrics, reg: Reg) -> (u64, u64) {
    let i = reg.index() % 4;
    (m.registers.reads[i].get(), m.registers.writes[i].get())
}

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
        assert_eq!(validate_panel(&[101, 0, 0, 0, 0, 0, 0, 0]), Err(ERANGE));
        assert_eq!(validate_panel(&[0, 0, 0, 0, 0, 0, 0, -101]), Err(ERANGE));
        assert_eq!(
            validate_panel(&[i32::MIN, 0, 0, 0, 0, 0, 0, 0]),
            Err(ERANGE)
        );
    }

    #[test]
    fn metrics_pages_fit_with_every_value_at_its_widest() -> Result {
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
        assert!(worst_case_pages_fit("mips", &PAGES, |page, w| {
            crate::metrics::render(&p, &fw, page, w)
        })?);
        Ok(())
    }

    /// A benchmark (no assertion on time): the render time of each file,
    /// logged for scripts/bench. Built only for it (HY300_BENCH=y): a case
    /// that asserts nothing is no test; the test build reports it skipped,
    /// declared in tests/kunit-skips.
    #[cfg(hy300_bench)]
    #[test]
    fn render_time_of_each_file() -> Result {
        use crate::hy300::testing::bench_page;
        let p = ProtocolMetrics::new();
        let fw = FirmwareState::new();
        p.registers.reads[0].add(40_000);
        fw.attempts.add(12);
        fw.duration.observe(45_000_000);
        for (page, file, _) in PAGES {
            bench_page("mips", file, |w| crate::metrics::render(&p, &fw, page, w))?;
        }
        Ok(())
    }

    /// A page forced short (every size up to the whole page): whole lines
    /// only, then the self-metric counting each cut-short read.
    #[test]
    fn metrics_page_cut_short_keeps_whole_lines_and_counts() -> Result {
        let p = ProtocolMetrics::new();
        let fw = FirmwareState::new();
        p.errors.busy.add(3);
        fw.duration.observe(20_000_000);
        assert!(truncated_pages_keep_whole_lines("mips", "metrics", |w| {
            crate::metrics::render(&p, &fw, Page::Metrics, w)
        })?);
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
        // A 32-bit caller's LOAD_FW is the native one; the native number
        // (size 8) is none a 32-bit caller makes; nothing else moves.
        assert_eq!(
            uapi::compat_cmd(uapi::IOC_LOAD_FW_ORIG_32),
            Some(uapi::IOC_LOAD_FW_ORIG)
        );
        #[cfg(target_pointer_width = "64")]
        assert_eq!(uapi::compat_cmd(uapi::IOC_LOAD_FW_ORIG), None);
        for cmd in [
            uapi::IOC_LOAD_FW,
            uapi::IOC_RESTART,
            uapi::IOC_POWER_DOWN,
            uapi::IOC_GET_STATUS,
            uapi::IOC_GET_STATUS_ORIG,
            uapi::IOC_SET_PANEL,
            0x4004_4d02,
        ] {
            assert_eq!(uapi::compat_cmd(cmd), Some(cmd));
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
        // Well formed but out of range: the C original's ERANGE.
        for far in [
            &b"tl_x=101,tl_y=2,tr_x=3,tr_y=4,bl_x=5,bl_y=6,br_x=7,br_y=8"[..],
            b"tl_x=1,tl_y=2,tr_x=3,tr_y=4,bl_x=5,bl_y=6,br_x=7,br_y=-101",
            b"tl_x=1,tl_y=2,tr_x=3,tr_y=4,bl_x=5,bl_y=6,br_x=7,br_y=999",
        ] {
            assert_eq!(crate::panel::parse(far), Err(ERANGE));
        }
    }

    #[test]
    fn registers_are_the_c_originals() {
        // MIPS_REG_CMD, _STATUS, _DATA, _CONTROL.
        assert_eq!(Reg::ALL.map(Reg::offset), [0x00, 0x04, 0x08, 0x0c]);
        assert_eq!(
            Reg::ALL.map(Reg::name),
            ["cmd", "status", "data", "control"]
        );
        assert_eq!(Reg::ALL.map(Reg::index), [0, 1, 2, 3]);
        assert_eq!([CMD::REG, STATUS::REG, DATA::REG, CONTROL::REG], Reg::ALL);
    }

    #[test]
    fn register_fields_encode_the_protocol_values() {
        // CMD: 0x02 powers down, 0x10 applies the panel; nothing else is
        // a command.
        let power_down = CMD::zeroed().with_command(Command::PowerDown);
        assert_eq!(u32::from(power_down), 0x02);
        let apply_panel = CMD::zeroed().with_command(Command::ApplyPanel);
        assert_eq!(u32::from(apply_panel), 0x10);
        assert_eq!(CMD::from(0x02).command(), Ok(Command::PowerDown));
        assert_eq!(CMD::from(0x10).command(), Ok(Command::ApplyPanel));
        assert_eq!(CMD::from(0x03).command(), Err(0x03));
        assert_eq!(CMD::from(0x1_0010).command(), Err(0x1_0010));
        // CONTROL: 1 holds the core in reset, 0 runs it.
        assert_eq!(u32::from(CONTROL::zeroed().with_reset(true)), 1);
        assert_eq!(u32::from(CONTROL::zeroed().with_reset(false)), 0);
        assert_eq!(u32::from(CONTROL::from(1).with_reset(false)), 0);
        // STATUS: bit 0 busy, every other bit undefined.
        assert!(STATUS::from(1).busy().into_bool());
        assert_eq!(STATUS::from(1).undefined().get(), 0);
        assert!(!STATUS::from(0x8000_0000).busy().into_bool());
        assert_eq!(STATUS::from(0x8000_0000).undefined().get(), 0x4000_0000);
        assert_eq!(STATUS::from(0xffff_ffff).undefined().get(), 0x7fff_ffff);
        assert_eq!(
            u32::from(
                STATUS::zeroed()
                    .with_busy(true)
                    .with_const_undefined::<{ 1 << 30 }>()
            ),
            0x8000_0001
        );
        assert_eq!(
            u32::from(DATA::zeroed().with_value(0xdead_beefu32)),
            0xdead_beef
        );
    }

    #[test]
    fn protocol_writes_the_encoded_values_and_counts_each_access() -> Result {
        let hw = FakeHw::new(2);
        let m = ProtocolMetrics::new();
        let proto = Protocol::new(&hw, &m);
        // Restart: CONTROL = 1, then 0; two writes, no read.
        proto.hold_reset()?;
        assert_eq!(hw.last(Reg::Control), 1);
        proto.release_reset()?;
        assert_eq!(hw.last(Reg::Control), 0);
        assert_eq!(hw.writes(Reg::Control), 2);
        assert_eq!(counted(&m, Reg::Control), (0, 2));
        // Panel: CMD = 0x10, then STATUS read until idle (2 busy + 1).
        proto.set_panel(&[0; 8])?;
        assert_eq!(hw.last(Reg::Cmd), 0x10);
        assert_eq!(counted(&m, Reg::Cmd), (0, 1));
        assert_eq!(counted(&m, Reg::Status), (3, 0));
        // Power down: CMD = 0x02, one write, then the C original's 100 ms
        // wait (after the write: the second CMD write preceded it).
        assert_eq!(hw.settled_ms.load(Relaxed), 0);
        proto.power_down()?;
        assert_eq!(hw.last(Reg::Cmd), 0x02);
        assert_eq!(counted(&m, Reg::Cmd), (0, 2));
        assert_eq!(hw.settled_ms.load(Relaxed), 100);
        assert_eq!(hw.cmd_writes_at_settle.load(Relaxed), 2);
        // Status: one read, the raw value (busy again after the command).
        assert_eq!(proto.status()?, 1);
        assert_eq!(counted(&m, Reg::Status), (4, 0));
        // DATA is never touched.
        assert_eq!(counted(&m, Reg::Data), (0, 0));
        assert_eq!(hw.writes(Reg::Data), 0);
        Ok(())
    }

    #[test]
    fn idle_status_with_undefined_bits_is_an_error() {
        struct BadStatus;
        impl MipsHw for BadStatus {
            fn read(&self, _reg: Reg) -> Result<u32> {
                Ok(0x8000_0000)
            }
            fn write(&self, _reg: Reg, _value: u32) -> Result {
                Ok(())
            }
            fn write_memory(&self, _offset: usize, _data: &[u8]) -> Result {
                Ok(())
            }
        }
        let m = ProtocolMetrics::new();
        let proto = Protocol::new(&BadStatus, &m);
        assert_eq!(proto.wait_idle(), Err(EIO));
        assert_eq!(m.errors.bad_status.get(), 1);
        // Not busy: a command may be sent, the raw value is reported.
        assert_eq!(proto.ensure_idle(), Ok(0x8000_0000));
        assert_eq!(m.errors.busy.get(), 0);
    }
}
