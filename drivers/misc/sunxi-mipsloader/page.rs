// SPDX-License-Identifier: GPL-2.0

//! The co-processor's metric families, label values and the layout of its
//! Prometheus pages: the one source of them, compiled into the driver
//! (`mod page`) and into the host tests and benchmark of rust/prometheus
//! (included by path), so that the host renders and measures the driver's
//! own pages.
//!
//! Needs only the writer and the memory layout, as `super::prometheus`
//! and `super::layout` (the driver's `crate::prometheus` and `layout.rs`;
//! the host's `hy300_prometheus` and the same `layout.rs` by path).

#![forbid(unsafe_code)]

use super::layout::REGIONS;
use super::prometheus::{ConstFamily, Counter, Family, Histogram, LabelName, Series, Writer};

/// Upper bounds of the load duration histogram, in nanoseconds.
pub static LOAD_SECONDS_BOUNDS: [u64; 4] = [10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000];

/// What the pages show: the driver's state, or the host's fixture values.
pub trait Source {
    /// Bytes last written to each region ([`REGIONS`] order).
    fn memory_used(&self, region: usize) -> u64;
    /// Reads of each register ([`REGISTER_NAMES`] order).
    fn register_reads(&self) -> &[Counter; 4];
    /// Writes of each register ([`REGISTER_NAMES`] order).
    fn register_writes(&self) -> &[Counter; 4];
    /// Whether a firmware image is loaded.
    fn fw_loaded(&self) -> bool;
    /// Size of the loaded image.
    fn fw_size(&self) -> u64;
    /// CRC32 of the loaded image.
    fn fw_crc(&self) -> u32;
    /// Loads tried.
    fn fw_attempts(&self) -> &Counter;
    /// Loads done.
    fn fw_successes(&self) -> &Counter;
    /// Loads failed for each reason ([`LOAD_FAILURE_REASONS`] order).
    fn fw_failures(&self) -> &[Counter; 6];
    /// Load times.
    fn fw_duration(&self) -> &Histogram<4>;
    /// Failed exchanges of each kind ([`ERROR_KINDS`] order).
    fn comm_errors(&self) -> [&Counter; 4];
}

pub const REGION_SIZE: Family = Family::gauge(
    "hy300_mips_memory_region_size_bytes",
    "Size of each reserved memory region.",
);
pub const REGION_USAGE: Family = Family::gauge(
    "hy300_mips_memory_usage_bytes",
    "Memory usage in MIPS regions",
);
pub const REGISTER_ACCESS: Family =
    Family::counter("hy300_mips_register_access_total", "Register access count");
pub const REGISTER_WRITES: Family =
    Family::counter("hy300_mips_register_writes_total", "Register writes.");
pub const LOADED: Family = Family::gauge("hy300_mips_firmware_loaded", "Firmware loading status");
pub const FW_SIZE: Family =
    Family::gauge("hy300_mips_firmware_size_bytes", "Loaded firmware size.");
pub const FW_CRC: Family = Family::gauge("hy300_mips_firmware_crc32", "Loaded firmware CRC32.");
pub const LOAD_ATTEMPTS: Family = Family::counter(
    "hy300_mips_firmware_load_attempts_total",
    "Firmware loads tried.",
);
pub const LOAD_SUCCESSES: Family = Family::counter(
    "hy300_mips_firmware_load_successes_total",
    "Firmware loads done.",
);
pub const LOAD_FAILURES: Family = Family::counter(
    "hy300_mips_firmware_load_failures_total",
    "Firmware loads failed.",
);
pub const LOAD_DURATION: Family = Family::histogram(
    "hy300_mips_firmware_load_duration_seconds",
    "Firmware load time.",
);
pub const COMM_ERRORS: Family =
    Family::counter("hy300_mips_communication_errors_total", "Failed exchanges.");

pub const REGION: LabelName = LabelName::new("region");
pub const REGISTER: LabelName = LabelName::new("register");
pub const REASON: LabelName = LabelName::new("reason");
pub const KIND: LabelName = LabelName::new("kind");

/// The registers' label values, in offset order (`regs.rs`: `Reg::name`).
pub const REGISTER_NAMES: [&str; 4] = ["cmd", "status", "data", "control"];
/// Why a load failed (`firmware.rs`: `LoadFailure::label`).
pub const LOAD_FAILURE_REASONS: [&str; 6] = [
    "not_found",
    "too_large",
    "truncated",
    "crc_mismatch",
    "busy",
    "io",
];
/// Failed exchanges by kind.
pub const ERROR_KINDS: [&str; 4] = ["timeout", "busy", "bad_status", "io"];

pub const REGION_NAMES: [&str; REGIONS.len()] = {
    let mut names = [""; REGIONS.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = REGIONS[i].name;
        i += 1;
    }
    names
};

/// The region sizes are constants of the layout: the whole family is one
/// block made at compile time.
const REGION_SIZES: ConstFamily = {
    let mut sizes = [0u64; REGIONS.len()];
    let mut i = 0;
    while i < sizes.len() {
        sizes[i] = REGIONS[i].size as u64;
        i += 1;
    }
    ConstFamily::each(&REGION_SIZE, REGION, &REGION_NAMES, &sizes)
};
const REGION_USAGE_SERIES: [Series; REGIONS.len()] =
    Series::each(&REGION_USAGE, REGION, &REGION_NAMES);
const REGISTER_ACCESS_SERIES: [Series; 4] =
    Series::each(&REGISTER_ACCESS, REGISTER, &REGISTER_NAMES);
const REGISTER_WRITES_SERIES: [Series; 4] =
    Series::each(&REGISTER_WRITES, REGISTER, &REGISTER_NAMES);
const LOAD_FAILURES_SERIES: [Series; 6] =
    Series::each(&LOAD_FAILURES, REASON, &LOAD_FAILURE_REASONS);
const COMM_ERRORS_SERIES: [Series; 4] = Series::each(&COMM_ERRORS, KIND, &ERROR_KINDS);

// The longest text of each file, from its families, label values and
// buckets with every value at its widest (the KUnit worst case renders it).
pub const MEMORY_STATS_MAX: usize = REGION_SIZE
    .max_page_len_of::<u64>(REGIONS.len(), REGION.max_pair_len(&REGION_NAMES))
    + REGION_USAGE.max_page_len_of::<u64>(REGIONS.len(), REGION.max_pair_len(&REGION_NAMES));
pub const REGISTER_ACCESS_MAX: usize = REGISTER_ACCESS
    .max_page_len_of::<u64>(REGISTER_NAMES.len(), REGISTER.max_pair_len(&REGISTER_NAMES));
pub const REGISTER_WRITES_MAX: usize = REGISTER_WRITES
    .max_page_len_of::<u64>(REGISTER_NAMES.len(), REGISTER.max_pair_len(&REGISTER_NAMES));
/// `firmware_status` in `metrics`: the state, the failures and the times.
pub const FIRMWARE_SUMMARY_MAX: usize = LOADED.max_page_len_of::<bool>(1, 0)
    + FW_SIZE.max_page_len_of::<u64>(1, 0)
    + LOAD_FAILURES.max_page_len_of::<u64>(
        LOAD_FAILURE_REASONS.len(),
        REASON.max_pair_len(&LOAD_FAILURE_REASONS),
    )
    + LOAD_DURATION.header_len()
    + Histogram::new(&LOAD_SECONDS_BOUNDS, 9).max_series_len(&LOAD_DURATION, 0);
/// `firmware_status` only: the image's CRC, loads tried and done.
pub const FIRMWARE_DETAIL_MAX: usize = FW_CRC.max_page_len_of::<u32>(1, 0)
    + LOAD_ATTEMPTS.max_page_len_of::<u64>(1, 0)
    + LOAD_SUCCESSES.max_page_len_of::<u64>(1, 0);
pub const COMMUNICATION_ERRORS_MAX: usize =
    COMM_ERRORS.max_page_len_of::<u64>(ERROR_KINDS.len(), KIND.max_pair_len(&ERROR_KINDS));

/// The co-processor's Prometheus pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Metrics,
    MemoryStats,
    RegisterAccessCount,
    FirmwareStatus,
    CommunicationErrors,
}

/// Each page, its file name and its longest text.
pub const PAGES: [(Page, &str, usize); 5] = [
    (
        Page::Metrics,
        "metrics",
        MEMORY_STATS_MAX + REGISTER_ACCESS_MAX + FIRMWARE_SUMMARY_MAX + COMMUNICATION_ERRORS_MAX,
    ),
    (Page::MemoryStats, "memory_stats", MEMORY_STATS_MAX),
    (
        Page::RegisterAccessCount,
        "register_access_count",
        REGISTER_ACCESS_MAX + REGISTER_WRITES_MAX,
    ),
    (
        Page::FirmwareStatus,
        "firmware_status",
        FIRMWARE_SUMMARY_MAX + FIRMWARE_DETAIL_MAX,
    ),
    (
        Page::CommunicationErrors,
        "communication_errors",
        COMMUNICATION_ERRORS_MAX,
    ),
];

fn memory_stats(s: &impl Source, w: &mut Writer<'_>) {
    w.constant(&REGION_SIZES);
    let mut used = [0u64; REGIONS.len()];
    for (i, u) in used.iter_mut().enumerate() {
        *u = s.memory_used(i);
    }
    w.each(&REGION_USAGE, &REGION_USAGE_SERIES, used);
}

/// The seed's schema: one sample per register, reads and writes together
/// (as the C original counts them).
fn register_access(s: &impl Source, w: &mut Writer<'_>) {
    let (reads, writes) = (s.register_reads(), s.register_writes());
    let mut total = [0u64; 4];
    for ((t, r), wr) in total.iter_mut().zip(reads).zip(writes) {
        *t = r.get().saturating_add(wr.get());
    }
    w.each(&REGISTER_ACCESS, &REGISTER_ACCESS_SERIES, total);
}

/// The writes alone, so reads are the difference and no access is counted
/// twice in a sum: in `register_access_count` only (with every family
/// `metrics` would leave less than 10% of its page free).
fn register_writes(s: &impl Source, w: &mut Writer<'_>) {
    w.each(
        &REGISTER_WRITES,
        &REGISTER_WRITES_SERIES,
        s.register_writes().each_ref().map(Counter::get),
    );
}

/// The firmware state, the failures by reason and the load times (in
/// `metrics` too).
fn firmware_summary(s: &impl Source, w: &mut Writer<'_>) {
    w.gauge(&LOADED, s.fw_loaded());
    w.gauge(&FW_SIZE, s.fw_size());
    w.each(
        &LOAD_FAILURES,
        &LOAD_FAILURES_SERIES,
        s.fw_failures().each_ref().map(Counter::get),
    );
    w.histogram(&LOAD_DURATION, s.fw_duration());
}

/// The image's CRC and the loads tried and done: in `firmware_status`
/// only (with every family `metrics` would leave less than 10% of its page
/// free).
fn firmware_detail(s: &impl Source, w: &mut Writer<'_>) {
    w.gauge(&FW_CRC, s.fw_crc());
    w.counter(&LOAD_ATTEMPTS, s.fw_attempts());
    w.counter(&LOAD_SUCCESSES, s.fw_successes());
}

fn communication_errors(s: &impl Source, w: &mut Writer<'_>) {
    w.each(
        &COMM_ERRORS,
        &COMM_ERRORS_SERIES,
        s.comm_errors().map(Counter::get),
    );
}

/// Renders `page` of `s`.
pub fn render(s: &impl Source, page: Page, w: &mut Writer<'_>) {
    match page {
        Page::MemoryStats => memory_stats(s, w),
        Page::RegisterAccessCount => {
            register_access(s, w);
            register_writes(s, w);
        }
        Page::FirmwareStatus => {
            firmware_summary(s, w);
            firmware_detail(s, w);
        }
        Page::CommunicationErrors => communication_errors(s, w),
        Page::Metrics => {
            memory_stats(s, w);
            register_access(s, w);
            firmware_summary(s, w);
            communication_errors(s, w);
        }
    }
}
