// SPDX-License-Identifier: GPL-2.0

//! The co-processor's metric families and which file shows which.

use core::sync::atomic::Ordering::Relaxed;

use crate::firmware::FirmwareState;
use crate::firmware::LoadFailure;
use crate::hw::Reg;
use crate::layout::REGIONS;
use crate::prometheus::{Family, LabelName, Writer};
use crate::protocol::ProtocolMetrics;

const REGION_SIZE: Family = Family::gauge(
    "hy300_mips_memory_region_size_bytes",
    "Size of each reserved memory region.",
);
const REGION_USAGE: Family = Family::gauge(
    "hy300_mips_memory_usage_bytes",
    "Bytes last written to each region.",
);
const REGISTER_ACCESS: Family = Family::counter(
    "hy300_mips_register_access_total",
    "Register accesses, reads and writes.",
);
const REGISTER_WRITES: Family =
    Family::counter("hy300_mips_register_writes_total", "Register writes.");
const LOADED: Family = Family::gauge("hy300_mips_firmware_loaded", "1 while firmware is loaded.");
const FW_SIZE: Family = Family::gauge("hy300_mips_firmware_size_bytes", "Loaded firmware size.");
const FW_CRC: Family = Family::gauge("hy300_mips_firmware_crc32", "Loaded firmware CRC32.");
const LOAD_ATTEMPTS: Family = Family::counter(
    "hy300_mips_firmware_load_attempts_total",
    "Firmware loads tried.",
);
const LOAD_SUCCESSES: Family = Family::counter(
    "hy300_mips_firmware_load_successes_total",
    "Firmware loads done.",
);
const LOAD_FAILURES: Family = Family::counter(
    "hy300_mips_firmware_load_failures_total",
    "Firmware loads failed.",
);
const LOAD_DURATION: Family = Family::histogram(
    "hy300_mips_firmware_load_duration_seconds",
    "Firmware load time.",
);
const COMM_ERRORS: Family =
    Family::counter("hy300_mips_communication_errors_total", "Failed exchanges.");

const REGION: LabelName = LabelName::new("region");
const REGISTER: LabelName = LabelName::new("register");
const REASON: LabelName = LabelName::new("reason");
const KIND: LabelName = LabelName::new("kind");

fn memory_stats(m: &ProtocolMetrics, w: &mut Writer<'_>) {
    w.family(&REGION_SIZE, |f| {
        for r in &REGIONS {
            f.sample(&[(REGION, r.name)], r.size as u64);
        }
    });
    w.family(&REGION_USAGE, |f| {
        for (r, used) in REGIONS.iter().zip(m.memory_used.iter()) {
            f.sample(&[(REGION, r.name)], used.load(Relaxed));
        }
    });
}

/// The seed's schema: one sample per register, reads and writes together
/// (as the C original counts them); the writes alone in a second family,
/// so reads are the difference and no access is counted twice in a sum.
fn register_access_count(m: &ProtocolMetrics, w: &mut Writer<'_>) {
    let regs = &m.registers;
    w.family(&REGISTER_ACCESS, |f| {
        for reg in Reg::ALL {
            let i = reg.index() % 4;
            let total = regs.reads[i].get().saturating_add(regs.writes[i].get());
            f.sample(&[(REGISTER, reg.name())], total);
        }
    });
    w.family(&REGISTER_WRITES, |f| {
        for reg in Reg::ALL {
            f.sample(
                &[(REGISTER, reg.name())],
                regs.writes[reg.index() % 4].get(),
            );
        }
    });
}

fn firmware_status(fw: &FirmwareState, w: &mut Writer<'_>) {
    w.gauge(&LOADED, fw.loaded.load(Relaxed));
    w.gauge(&FW_SIZE, fw.size.load(Relaxed));
    w.gauge(&FW_CRC, fw.crc.load(Relaxed));
    w.counter(&LOAD_ATTEMPTS, &fw.attempts);
    w.counter(&LOAD_SUCCESSES, &fw.successes);
    w.family(&LOAD_FAILURES, |f| {
        for reason in LoadFailure::ALL {
            f.sample(&[(REASON, reason.label())], fw.failures_for(reason).get());
        }
    });
    w.histogram(&LOAD_DURATION, &fw.duration);
}

fn communication_errors(m: &ProtocolMetrics, w: &mut Writer<'_>) {
    let e = &m.errors;
    w.family(&COMM_ERRORS, |f| {
        f.sample(&[(KIND, "timeout")], e.timeout.get());
        f.sample(&[(KIND, "busy")], e.busy.get());
        f.sample(&[(KIND, "bad_status")], e.bad_status.get());
        f.sample(&[(KIND, "io")], e.io.get());
    });
}

/// Renders the file `attr`.
pub(crate) fn render(m: &ProtocolMetrics, fw: &FirmwareState, attr: &[u8], w: &mut Writer<'_>) {
    match attr {
        b"memory_stats" => memory_stats(m, w),
        b"register_access_count" => register_access_count(m, w),
        b"firmware_status" => firmware_status(fw, w),
        b"communication_errors" => communication_errors(m, w),
        b"metrics" => {
            memory_stats(m, w);
            register_access_count(m, w);
            firmware_status(fw, w);
            communication_errors(m, w);
        }
        _ => {}
    }
}
