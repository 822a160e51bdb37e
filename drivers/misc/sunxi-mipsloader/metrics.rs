// SPDX-License-Identifier: GPL-2.0

//! Which file of the co-processor shows which page (the families and the
//! pages' layout: `page.rs`), and the pages' size check.

#![forbid(unsafe_code)]

use core::sync::atomic::Ordering::Relaxed;

use crate::firmware::{FirmwareState, LoadFailure};
use crate::hy300::class_device::fits_page_budget;
use crate::layout::REGIONS;
use crate::page::{self, Page, PAGES};
use crate::prometheus::{Counter, Histogram, Writer};
use crate::protocol::ProtocolMetrics;
use crate::regs::Reg;
use crate::MipsFile;

// Each file and its self-metric leave 10% of the page free, or the build
// fails.
const _: () = {
    let mut i = 0;
    while i < PAGES.len() {
        assert!(
            fits_page_budget("mips", PAGES[i].1, PAGES[i].2),
            "a mips metrics file leaves less than 10% of the page free"
        );
        i += 1;
    }
};

// The per-register and per-reason tables are in the pages' label order.
const _: () = {
    let mut i = 0;
    while i < Reg::ALL.len() {
        assert!(Reg::ALL[i].index() == i);
        i += 1;
    }
    assert!(Reg::ALL.len() == page::REGISTER_NAMES.len());
    let mut i = 0;
    while i < LoadFailure::ALL.len() {
        assert!(LoadFailure::ALL[i] as usize == i);
        i += 1;
    }
    assert!(LoadFailure::ALL.len() == page::LOAD_FAILURE_REASONS.len());
    assert!(REGIONS.len() == 4);
};

/// The co-processor as the pages show it.
pub(crate) struct Shown<'a> {
    pub(crate) protocol: &'a ProtocolMetrics,
    pub(crate) firmware: &'a FirmwareState,
}

impl page::Source for Shown<'_> {
    fn memory_used(&self, region: usize) -> u64 {
        self.protocol
            .memory_used
            .get(region)
            .map_or(0, |used| used.load(Relaxed))
    }
    fn register_reads(&self) -> &[Counter; 4] {
        &self.protocol.registers.reads
    }
    fn register_writes(&self) -> &[Counter; 4] {
        &self.protocol.registers.writes
    }
    fn fw_loaded(&self) -> bool {
        self.firmware.loaded.load(Relaxed)
    }
    fn fw_size(&self) -> u64 {
        self.firmware.size.load(Relaxed)
    }
    fn fw_crc(&self) -> u32 {
        self.firmware.crc.load(Relaxed)
    }
    fn fw_attempts(&self) -> &Counter {
        &self.firmware.attempts
    }
    fn fw_successes(&self) -> &Counter {
        &self.firmware.successes
    }
    fn fw_failures(&self) -> &[Counter; 6] {
        &self.firmware.failures
    }
    fn fw_duration(&self) -> &Histogram<4> {
        &self.firmware.duration
    }
    fn comm_errors(&self) -> [&Counter; 4] {
        let e = &self.protocol.errors;
        [&e.timeout, &e.busy, &e.bad_status, &e.io]
    }
}

/// The page of `file`; `None` for `panelparam` (write-only).
pub(crate) const fn page_of(file: MipsFile) -> Option<Page> {
    match file {
        MipsFile::Metrics => Some(Page::Metrics),
        MipsFile::MemoryStats => Some(Page::MemoryStats),
        MipsFile::RegisterAccessCount => Some(Page::RegisterAccessCount),
        MipsFile::FirmwareStatus => Some(Page::FirmwareStatus),
        MipsFile::CommunicationErrors => Some(Page::CommunicationErrors),
        MipsFile::Panelparam => None,
    }
}

/// Renders `page` of the co-processor.
pub(crate) fn render(m: &ProtocolMetrics, fw: &FirmwareState, page: Page, w: &mut Writer<'_>) {
    page::render(
        &Shown {
            protocol: m,
            firmware: fw,
        },
        page,
        w,
    );
}
