// SPDX-License-Identifier: GPL-2.0

//! The capture metrics (updated from the interrupt path with atomics only;
//! the families and the pages' layout: `page.rs`), which file shows which
//! page, the register status and the pages' size check.

#![forbid(unsafe_code)]

use core::sync::atomic::Ordering::Relaxed;

use crate::format::FORMATS;
use crate::hy300::bytes_eq;
use crate::hy300::class_device::fits_page_budget;
use crate::page::{self, Input, Page, BIT, IRQ_EN_BIT, IRQ_STATUS_BIT, STATUS_BIT};
use crate::prometheus::{Family, Series, Writer};
use crate::regs::{Bit, Irq, IRQ_EN_BITS, IRQ_STATUS_BITS, STATUS, STATUS_BITS};
use crate::{Tvcap, TvcapFile};

pub(crate) use crate::page::TvcapMetrics;

/// Capture error kinds: the error sources of IRQ_STATUS, in the order of
/// `page::ERROR_KINDS` (checked below).
const ERROR_KINDS: [Irq; 5] = [
    Irq::BufferUnderflow,
    Irq::HwError,
    Irq::DmaError,
    Irq::FifoError,
    Irq::Timeout,
];

// The driver's error sources and pixel formats are the pages' label values,
// in their order.
const _: () = {
    let mut i = 0;
    while i < ERROR_KINDS.len() {
        assert!(bytes_eq(
            ERROR_KINDS[i].label().as_bytes(),
            page::ERROR_KINDS[i].as_bytes()
        ));
        i += 1;
    }
    assert!(FORMATS.len() == page::FORMAT_NAMES.len());
    let mut i = 0;
    while i < FORMATS.len() {
        assert!(bytes_eq(
            FORMATS[i].name.as_bytes(),
            page::FORMAT_NAMES[i].as_bytes()
        ));
        i += 1;
    }
};

impl TvcapMetrics {
    /// Counts a call of the interrupt handler; `handled` when it found a
    /// source pending (the line is shared: else another device's).
    pub(crate) fn interrupt(&self, handled: bool) {
        self.interrupts[usize::from(!handled)].inc();
    }

    /// Counts a stop that found the DMA engine still busy after
    /// [`crate::engine::DMA_IDLE_TIMEOUT`]: a capture error of kind
    /// `timeout`, like the block's own TIMEOUT interrupt.
    pub(crate) fn dma_idle_timeout(&self) {
        self.irq(Irq::Timeout);
    }

    /// Counts an interrupt source that is a capture error.
    pub(crate) fn irq(&self, irq: Irq) {
        if let Some(i) = ERROR_KINDS.iter().position(|&k| k == irq) {
            self.errors[i % ERROR_KINDS.len()].inc();
        }
    }
}

/// The series of `family` for each bit of `bits` (`bit="<field>"`), made
/// at compile time.
const fn bit_series<const N: usize>(family: &Family, bits: &[Bit]) -> [Series; N] {
    let mut out = [Series::new(family, &[]); N];
    let mut i = 0;
    while i < N {
        out[i] = Series::new(family, &[(BIT, bits[i].name)]);
        i += 1;
    }
    out
}

const STATUS_SERIES: [Series; STATUS_BITS.len()] = bit_series(&STATUS_BIT, STATUS_BITS);
const IRQ_EN_SERIES: [Series; IRQ_EN_BITS.len()] = bit_series(&IRQ_EN_BIT, IRQ_EN_BITS);
const IRQ_STATUS_SERIES: [Series; IRQ_STATUS_BITS.len()] =
    bit_series(&IRQ_STATUS_BIT, IRQ_STATUS_BITS);

/// The longest `bit="<field>"` of `bits`.
const fn max_bit_pair_len(bits: &[Bit]) -> usize {
    let mut max = 0;
    let mut i = 0;
    while i < bits.len() {
        let len = BIT.pair_len(bits[i].name);
        if len > max {
            max = len;
        }
        i += 1;
    }
    max
}

/// The longest text of one register's bit family.
const fn bits_max(family: &Family, bits: &[Bit]) -> usize {
    family.max_page_len_of::<bool>(bits.len(), max_bit_pair_len(bits))
}

const REGISTER_STATUS_MAX: usize = bits_max(&STATUS_BIT, STATUS_BITS)
    + bits_max(&IRQ_EN_BIT, IRQ_EN_BITS)
    + bits_max(&IRQ_STATUS_BIT, IRQ_STATUS_BITS);

/// The capture device's Prometheus pages: page, file name and the longest
/// text of each.
pub(crate) const PAGES: [(Page, &str, usize); 5] = page::pages(REGISTER_STATUS_MAX);

// Each file and its self-metric leave 10% of the page free, or the build
// fails.
const _: () = {
    let mut i = 0;
    while i < PAGES.len() {
        assert!(
            fits_page_budget("tvcap", PAGES[i].1, PAGES[i].2),
            "a tvcap metrics file leaves less than 10% of the page free"
        );
        i += 1;
    }
};

/// The raw STATUS, IRQ_EN and IRQ_STATUS read at render time; `None`
/// where the read failed.
pub(crate) struct RegisterStatus {
    pub(crate) status: Option<u32>,
    pub(crate) irq_en: Option<u32>,
    pub(crate) irq_status: Option<u32>,
}

impl RegisterStatus {
    fn of(t: &Tvcap) -> Self {
        RegisterStatus {
            status: t.observe::<STATUS>().map(Into::into),
            irq_en: t.observe::<crate::regs::IRQ_EN>().map(Into::into),
            irq_status: t.observe::<crate::regs::IRQ_STATUS>().map(Into::into),
        }
    }
}

/// One gauge per documented bit of `raw`; a register whose read failed
/// leaves its family out (no sample rather than a made-up 0).
fn register_bits(
    family: &Family,
    series: &[Series],
    bits: &[Bit],
    raw: Option<u32>,
    w: &mut Writer<'_>,
) {
    let Some(raw) = raw else {
        return;
    };
    w.family(family, |f| {
        for (s, bit) in series.iter().zip(bits) {
            f.series(s, raw & bit.mask != 0);
        }
    });
}

/// The decoded status and interrupt registers: in `signal_detection`
/// only (with them `metrics` would not fit its page).
pub(crate) fn register_status(r: &RegisterStatus, w: &mut Writer<'_>) {
    register_bits(&STATUS_BIT, &STATUS_SERIES, STATUS_BITS, r.status, w);
    register_bits(&IRQ_EN_BIT, &IRQ_EN_SERIES, IRQ_EN_BITS, r.irq_en, w);
    register_bits(
        &IRQ_STATUS_BIT,
        &IRQ_STATUS_SERIES,
        IRQ_STATUS_BITS,
        r.irq_status,
        w,
    );
}

/// The input of `status` in `format`.
fn input(status: STATUS, format: crate::format::Format) -> Input {
    Input {
        signal: status.signal().into_bool(),
        hdmi_connected: status.hdmi_connected().into_bool(),
        width: format.width,
        height: format.height,
        format: FORMATS.iter().position(|p| p.fourcc == format.pixel.fourcc),
    }
}

impl page::Source for Tvcap {
    fn metrics(&self) -> &TvcapMetrics {
        &self.metrics
    }
    fn buffers_queued(&self) -> u64 {
        Tvcap::buffers_queued(self) as u64
    }
    fn streaming(&self) -> bool {
        self.streaming.load(Relaxed)
    }
    fn input(&self) -> Input {
        input(self.input_status(), self.format.get())
    }
    fn register_status(&self, w: &mut Writer<'_>) {
        register_status(&RegisterStatus::of(self), w);
    }
}

/// The page of `file`.
pub(crate) const fn page_of(file: TvcapFile) -> Page {
    match file {
        TvcapFile::Metrics => Page::Metrics,
        TvcapFile::CaptureStats => Page::CaptureStats,
        TvcapFile::BufferStatus => Page::BufferStatus,
        TvcapFile::SignalDetection => Page::SignalDetection,
        TvcapFile::FrameMetrics => Page::FrameMetrics,
    }
}

/// Renders the file `file`.
pub(crate) fn render(t: &Tvcap, file: TvcapFile, w: &mut Writer<'_>) {
    page::render(t, page_of(file), w);
}

/// Every value of the metrics at its widest (KUnit).
#[cfg(CONFIG_KUNIT)]
pub(crate) fn worst_case_metrics() -> TvcapMetrics {
    let m = TvcapMetrics::new();
    for c in [
        &m.frames_captured,
        &m.frames_dropped,
        &m.bytes_captured,
        &m.hotplug_events,
        &m.format_changes,
    ] {
        c.add(u64::MAX);
    }
    for c in &m.errors {
        c.add(u64::MAX);
    }
    m.buffers_allocated.set(8);
    m.frame_interval.observe(u64::MAX);
    m.last_interval_ns.store(1, Relaxed);
    for c in &m.interrupts {
        c.add(u64::MAX);
    }
    m
}

/// `m` with 8 buffers queued, streaming, every status bit set and the
/// largest format (KUnit).
#[cfg(CONFIG_KUNIT)]
struct WorstCase<'a>(&'a TvcapMetrics);

#[cfg(CONFIG_KUNIT)]
impl page::Source for WorstCase<'_> {
    fn metrics(&self) -> &TvcapMetrics {
        self.0
    }
    fn buffers_queued(&self) -> u64 {
        8
    }
    fn streaming(&self) -> bool {
        true
    }
    fn input(&self) -> Input {
        input(
            STATUS::from(u32::MAX),
            crate::format::negotiate(0, u32::MAX, u32::MAX),
        )
    }
    fn register_status(&self, w: &mut Writer<'_>) {
        let registers = RegisterStatus {
            status: Some(u32::MAX),
            irq_en: Some(u32::MAX),
            irq_status: Some(u32::MAX),
        };
        register_status(&registers, w);
    }
}

/// `page` of `m` with 8 buffers queued, streaming, every status bit set
/// and the largest format (KUnit).
#[cfg(CONFIG_KUNIT)]
pub(crate) fn render_worst_case_of(m: &TvcapMetrics, page: Page, w: &mut Writer<'_>) {
    page::render(&WorstCase(m), page, w);
}

/// `page` with every value at its widest (KUnit).
#[cfg(CONFIG_KUNIT)]
pub(crate) fn render_worst_case(page: Page, w: &mut Writer<'_>) {
    render_worst_case_of(&worst_case_metrics(), page, w);
}
