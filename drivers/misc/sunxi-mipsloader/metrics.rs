// SPDX-License-Identifier: GPL-2.0

//! The co-processor's metric families and which file shows which.

use core::sync::atomic::Ordering::Relaxed;

use crate::firmware::FirmwareState;
use crate::firmware::{LoadFailure, LOAD_SECONDS_BOUNDS};
use crate::hy300::class_device::fits_page_budget;
use crate::layout::REGIONS;
use crate::prometheus::{Family, Histogram, LabelName, Writer};
use crate::protocol::ProtocolMetrics;
use crate::regs::Reg;
use crate::MipsFile;

const REGION_SIZE: Family = Family::gauge(
    "hy300_mips_memory_region_size_bytes",
    "Size of each reserved memory region.",
);
const REGION_USAGE: Family = Family::gauge(
    "hy300_mips_memory_usage_bytes",
    "Memory usage in MIPS regions",
);
const REGISTER_ACCESS: Family =
    Family::counter("hy300_mips_register_access_total", "Register access count");
const REGISTER_WRITES: Family =
    Family::counter("hy300_mips_register_writes_total", "Register writes.");
const LOADED: Family = Family::gauge("hy300_mips_firmware_loaded", "Firmware loading status");
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
const ERROR_KINDS: [&str; 4] = ["timeout", "busy", "bad_status", "io"];

const REGION_NAMES: [&str; REGIONS.len()] = {
    let mut names = [""; REGIONS.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = REGIONS[i].name;
        i += 1;
    }
    names
};
const REGISTER_NAMES: [&str; Reg::ALL.len()] = {
    let mut names = [""; Reg::ALL.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = Reg::ALL[i].name();
        i += 1;
    }
    names
};
const REASONS: [&str; LoadFailure::ALL.len()] = {
    let mut names = [""; LoadFailure::ALL.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = LoadFailure::ALL[i].label();
        i += 1;
    }
    names
};

// The longest text of each file, from its families, label values and
// buckets with every value at its widest (the KUnit worst case renders it).
const MEMORY_STATS_MAX: usize = REGION_SIZE
    .max_page_len_of::<u64>(REGIONS.len(), REGION.max_pair_len(&REGION_NAMES))
    + REGION_USAGE.max_page_len_of::<u64>(REGIONS.len(), REGION.max_pair_len(&REGION_NAMES));
const REGISTER_ACCESS_MAX: usize =
    REGISTER_ACCESS.max_page_len_of::<u64>(Reg::ALL.len(), REGISTER.max_pair_len(&REGISTER_NAMES));
const REGISTER_WRITES_MAX: usize =
    REGISTER_WRITES.max_page_len_of::<u64>(Reg::ALL.len(), REGISTER.max_pair_len(&REGISTER_NAMES));
/// `firmware_status` in `metrics`: the state, the failures and the times.
const FIRMWARE_SUMMARY_MAX: usize = LOADED.max_page_len_of::<bool>(1, 0)
    + FW_SIZE.max_page_len_of::<u64>(1, 0)
    + LOAD_FAILURES.max_page_len_of::<u64>(REASONS.len(), REASON.max_pair_len(&REASONS))
    + LOAD_DURATION.header_len()
    + Histogram::new(&LOAD_SECONDS_BOUNDS, 9).max_series_len(&LOAD_DURATION, 0);
/// `firmware_status` only: the image's CRC, loads tried and done.
const FIRMWARE_DETAIL_MAX: usize = FW_CRC.max_page_len_of::<u32>(1, 0)
    + LOAD_ATTEMPTS.max_page_len_of::<u64>(1, 0)
    + LOAD_SUCCESSES.max_page_len_of::<u64>(1, 0);
const COMMUNICATION_ERRORS_MAX: usize =
    COMM_ERRORS.max_page_len_of::<u64>(ERROR_KINDS.len(), KIND.max_pair_len(&ERROR_KINDS));

/// The co-processor's Prometheus files: key, name and the longest text
/// of each.
pub(crate) const FILES: [(MipsFile, &str, usize); 5] = [
    (
        MipsFile::Metrics,
        "metrics",
        MEMORY_STATS_MAX + REGISTER_ACCESS_MAX + FIRMWARE_SUMMARY_MAX + COMMUNICATION_ERRORS_MAX,
    ),
    (MipsFile::MemoryStats, "memory_stats", MEMORY_STATS_MAX),
    (
        MipsFile::RegisterAccessCount,
        "register_access_count",
        REGISTER_ACCESS_MAX + REGISTER_WRITES_MAX,
    ),
    (
        MipsFile::FirmwareStatus,
        "firmware_status",
        FIRMWARE_SUMMARY_MAX + FIRMWARE_DETAIL_MAX,
    ),
    (
        MipsFile::CommunicationErrors,
        "communication_errors",
        COMMUNICATION_ERRORS_MAX,
    ),
];

// Each file and its self-metric leave 10% of the page free, or the build
// fails.
const _: () = {
    let mut i = 0;
    while i < FILES.len() {
        assert!(
            fits_page_budget("mips", FILES[i].1, FILES[i].2),
            "a mips metrics file leaves less than 10% of the page free"
        );
        i += 1;
    }
};

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
/// (as the C original counts them).
fn register_access(m: &ProtocolMetrics, w: &mut Writer<'_>) {
    let regs = &m.registers;
    w.family(&REGISTER_ACCESS, |f| {
        for reg in Reg::ALL {
            let i = reg.index() % 4;
            let total = regs.reads[i].get().saturating_add(regs.writes[i].get());
            f.sample(&[(REGISTER, reg.name())], total);
        }
    });
}

/// The writes alone, so reads are the difference and no access is counted
/// twice in a sum: in `register_access_count` only (with every family
/// `metrics` would leave less than 10% of its page free).
fn register_writes(m: &ProtocolMetrics, w: &mut Writer<'_>) {
    let regs = &m.registers;
    w.family(&REGISTER_WRITES, |f| {
        for reg in Reg::ALL {
            f.sample(
                &[(REGISTER, reg.name())],
                regs.writes[reg.index() % 4].get(),
            );
        }
    });
}

/// The firmware state, the failures by reason and the load times (in
/// `metrics` too).
fn firmware_summary(fw: &FirmwareState, w: &mut Writer<'_>) {
    w.gauge(&LOADED, fw.loaded.load(Relaxed));
    w.gauge(&FW_SIZE, fw.size.load(Relaxed));
    w.family(&LOAD_FAILURES, |f| {
        for reason in LoadFailure::ALL {
            f.sample(&[(REASON, reason.label())], fw.failures_for(reason).get());
        }
    });
    w.histogram(&LOAD_DURATION, &fw.duration);
}

/// The image's CRC and the loads tried and done: in `firmware_status`
/// only (with every family `metrics` would leave less than 10% of its page
/// free).
fn firmware_detail(fw: &FirmwareState, w: &mut Writer<'_>) {
    w.gauge(&FW_CRC, fw.crc.load(Relaxed));
    w.counter(&LOAD_ATTEMPTS, &fw.attempts);
    w.counter(&LOAD_SUCCESSES, &fw.successes);
}

fn communication_errors(m: &ProtocolMetrics, w: &mut Writer<'_>) {
    let e = &m.errors;
    w.family(&COMM_ERRORS, |f| {
        let counters = [&e.timeout, &e.busy, &e.bad_status, &e.io];
        for (kind, c) in ERROR_KINDS.iter().zip(counters) {
            f.sample(&[(KIND, kind)], c.get());
        }
    });
}

/// Renders the Prometheus file `file` (`panelparam`, write-only, is no
/// page).
pub(crate) fn render(m: &ProtocolMetrics, fw: &FirmwareState, file: MipsFile, w: &mut Writer<'_>) {
    match file {
        MipsFile::MemoryStats => memory_stats(m, w),
        MipsFile::RegisterAccessCount => {
            register_access(m, w);
            register_writes(m, w);
        }
        MipsFile::FirmwareStatus => {
            firmware_summary(fw, w);
            firmware_detail(fw, w);
        }
        MipsFile::CommunicationErrors => communication_errors(m, w),
        MipsFile::Metrics => {
            memory_stats(m, w);
            register_access(m, w);
            firmware_summary(fw, w);
            communication_errors(m, w);
        }
        MipsFile::Panelparam => {}
    }
}
