// SPDX-License-Identifier: GPL-2.0

//! The capture metrics (updated from the interrupt path with atomics only)
//! and which file shows which.

#![forbid(unsafe_code)]

use core::sync::atomic::{AtomicU64, Ordering::Relaxed};

use crate::format::FORMATS;
use crate::hy300::class_device::fits_page_budget;
use crate::prometheus::{Counter, Family, Gauge, Histogram, LabelName, Series, Value, Writer};
use crate::regs::{Bit, Irq, IRQ_EN_BITS, IRQ_STATUS_BITS, STATUS, STATUS_BITS};
use crate::{Tvcap, TvcapFile};

/// Upper bounds of the frame interval histogram, in nanoseconds.
pub(crate) static INTERVAL_BOUNDS: [u64; 6] = [
    10_000_000,
    20_000_000,
    34_000_000,
    50_000_000,
    100_000_000,
    1_000_000_000,
];

/// Capture error kinds: the error sources of IRQ_STATUS.
const ERROR_KINDS: [Irq; 5] = [
    Irq::BufferUnderflow,
    Irq::HwError,
    Irq::DmaError,
    Irq::FifoError,
    Irq::Timeout,
];

pub(crate) struct TvcapMetrics {
    pub(crate) frames_captured: Counter,
    pub(crate) frames_dropped: Counter,
    pub(crate) bytes_captured: Counter,
    pub(crate) errors: [Counter; 5],
    pub(crate) hotplug_events: Counter,
    pub(crate) format_changes: Counter,
    pub(crate) buffers_allocated: Gauge,
    pub(crate) frame_interval: Histogram<6>,
    pub(crate) last_interval_ns: AtomicU64,
    /// Calls of the interrupt handler: [`INTERRUPT_RESULTS`] order.
    pub(crate) interrupts: [Counter; 2],
}

impl TvcapMetrics {
    pub(crate) const fn new() -> Self {
        TvcapMetrics {
            frames_captured: Counter::new(),
            frames_dropped: Counter::new(),
            bytes_captured: Counter::new(),
            errors: [
                Counter::new(),
                Counter::new(),
                Counter::new(),
                Counter::new(),
                Counter::new(),
            ],
            hotplug_events: Counter::new(),
            format_changes: Counter::new(),
            buffers_allocated: Gauge::new(),
            frame_interval: Histogram::new(&INTERVAL_BOUNDS, 9),
            last_interval_ns: AtomicU64::new(0),
            interrupts: [Counter::new(), Counter::new()],
        }
    }

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

const FRAMES: Family =
    Family::counter("hy300_tvcap_frames_captured_total", "Total captured frames");
const DROPPED: Family = Family::counter("hy300_tvcap_frames_dropped_total", "Frames lost.");
const BYTES: Family = Family::counter("hy300_tvcap_bytes_captured_total", "Bytes delivered.");
const ERRORS: Family = Family::counter("hy300_tvcap_capture_errors_total", "Capture errors.");
const ALLOCATED: Family = Family::gauge("hy300_tvcap_buffers_allocated", "Buffers allocated.");
const QUEUED: Family = Family::gauge("hy300_tvcap_buffers_queued", "Buffers held by the driver.");
const USAGE: Family = Family::gauge("hy300_tvcap_buffer_usage_ratio", "Buffer usage ratio");
const STREAMING: Family = Family::gauge("hy300_tvcap_streaming", "1 while streaming.");
const SIGNAL: Family = Family::gauge(
    "hy300_tvcap_signal_detected",
    "HDMI signal detection status",
);
const CONNECTED: Family = Family::gauge("hy300_tvcap_hdmi_connected", "1 with a cable.");
const HOTPLUG: Family = Family::counter("hy300_tvcap_hotplug_events_total", "Hotplug events.");
const FORMAT_CHANGES: Family =
    Family::counter("hy300_tvcap_format_changes_total", "Input format changes.");
const WIDTH: Family = Family::gauge("hy300_tvcap_width_pixels", "Capture width.");
const HEIGHT: Family = Family::gauge("hy300_tvcap_height_pixels", "Capture height.");
const FORMAT: Family = Family::gauge("hy300_tvcap_format_info", "Capture pixel format.");
const INTERVAL: Family =
    Family::histogram("hy300_tvcap_frame_interval_seconds", "Time between frames.");
const RATE: Family = Family::gauge(
    "hy300_tvcap_frame_rate_hertz",
    "Rate from the last interval.",
);
const INTERRUPTS: Family =
    Family::counter("hy300_tvcap_interrupts_total", "Interrupt handler calls.");
const STATUS_BIT: Family = Family::gauge("hy300_tvcap_status_bit", "TVTOP STATUS bits.");
const IRQ_EN_BIT: Family = Family::gauge("hy300_tvcap_irq_enable_bit", "TVTOP IRQ_EN bits.");
const IRQ_STATUS_BIT: Family =
    Family::gauge("hy300_tvcap_irq_status_bit", "TVTOP IRQ_STATUS bits.");
const KIND: LabelName = LabelName::new("kind");
const FORMAT_LABEL: LabelName = LabelName::new("format");
const RESULT: LabelName = LabelName::new("result");
const BIT: LabelName = LabelName::new("bit");

/// `result` of the interrupt handler calls: a source was pending, or none
/// (another device's interrupt on the shared line).
const INTERRUPT_RESULTS: [&str; 2] = ["handled", "none"];
const INTERRUPT_SERIES: [Series; 2] = [
    Series::new(&INTERRUPTS, &[(RESULT, INTERRUPT_RESULTS[0])]),
    Series::new(&INTERRUPTS, &[(RESULT, INTERRUPT_RESULTS[1])]),
];

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

const KIND_NAMES: [&str; ERROR_KINDS.len()] = {
    let mut names = [""; ERROR_KINDS.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = ERROR_KINDS[i].label();
        i += 1;
    }
    names
};
const FORMAT_NAMES: [&str; FORMATS.len()] = {
    let mut names = [""; FORMATS.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = FORMATS[i].name;
        i += 1;
    }
    names
};

// The longest text of each file, from its families, label values and
// buckets with every value at its widest (the KUnit worst case renders it).
// The ratio and the rate are fixed-point values: any width (max_page_len).
const CAPTURE_STATS_MAX: usize = FRAMES.max_page_len_of::<u64>(1, 0)
    + DROPPED.max_page_len_of::<u64>(1, 0)
    + BYTES.max_page_len_of::<u64>(1, 0)
    + ERRORS.max_page_len_of::<u64>(ERROR_KINDS.len(), KIND.max_pair_len(&KIND_NAMES));
const BUFFER_STATUS_MAX: usize = ALLOCATED.max_page_len_of::<u64>(1, 0)
    + QUEUED.max_page_len_of::<u64>(1, 0)
    + USAGE.max_page_len(1, 0)
    + STREAMING.max_page_len_of::<bool>(1, 0);
/// `signal_detection` without the format changes: the part in `metrics`.
const SIGNAL_MAX: usize = SIGNAL.max_page_len_of::<bool>(1, 0)
    + CONNECTED.max_page_len_of::<bool>(1, 0)
    + HOTPLUG.max_page_len_of::<u64>(1, 0)
    + WIDTH.max_page_len_of::<u32>(1, 0)
    + HEIGHT.max_page_len_of::<u32>(1, 0)
    + FORMAT.max_page_len_of::<bool>(FORMATS.len(), FORMAT_LABEL.max_pair_len(&FORMAT_NAMES));
const FORMAT_CHANGES_MAX: usize = FORMAT_CHANGES.max_page_len_of::<u64>(1, 0);
const INTERRUPTS_MAX: usize = INTERRUPTS.max_page_len_of::<u64>(
    INTERRUPT_RESULTS.len(),
    RESULT.max_pair_len(&INTERRUPT_RESULTS),
);
const REGISTER_STATUS_MAX: usize = bits_max(&STATUS_BIT, STATUS_BITS)
    + bits_max(&IRQ_EN_BIT, IRQ_EN_BITS)
    + bits_max(&IRQ_STATUS_BIT, IRQ_STATUS_BITS);
const FRAME_METRICS_MAX: usize = INTERVAL.header_len()
    + Histogram::new(&INTERVAL_BOUNDS, 9).max_series_len(&INTERVAL, 0)
    + RATE.max_page_len(1, 0);

/// The capture device's Prometheus files: key, name and the longest text
/// of each.
pub(crate) const FILES: [(TvcapFile, &str, usize); 5] = [
    (
        TvcapFile::Metrics,
        "metrics",
        CAPTURE_STATS_MAX + BUFFER_STATUS_MAX + SIGNAL_MAX + FRAME_METRICS_MAX,
    ),
    (
        TvcapFile::CaptureStats,
        "capture_stats",
        CAPTURE_STATS_MAX + INTERRUPTS_MAX,
    ),
    (TvcapFile::BufferStatus, "buffer_status", BUFFER_STATUS_MAX),
    (
        TvcapFile::SignalDetection,
        "signal_detection",
        SIGNAL_MAX + FORMAT_CHANGES_MAX + REGISTER_STATUS_MAX,
    ),
    (TvcapFile::FrameMetrics, "frame_metrics", FRAME_METRICS_MAX),
];

// Each file and its self-metric leave 10% of the page free, or the build
// fails.
const _: () = {
    let mut i = 0;
    while i < FILES.len() {
        assert!(
            fits_page_budget("tvcap", FILES[i].1, FILES[i].2),
            "a tvcap metrics file leaves less than 10% of the page free"
        );
        i += 1;
    }
};

fn capture_stats(m: &TvcapMetrics, w: &mut Writer<'_>) {
    w.counter(&FRAMES, &m.frames_captured);
    w.counter(&DROPPED, &m.frames_dropped);
    w.counter(&BYTES, &m.bytes_captured);
    w.family(&ERRORS, |f| {
        for (kind, c) in ERROR_KINDS.iter().zip(&m.errors) {
            f.sample(&[(KIND, kind.label())], c.get());
        }
    });
}

fn buffer_status(m: &TvcapMetrics, queued: u64, streaming: bool, w: &mut Writer<'_>) {
    let allocated = u64::try_from(m.buffers_allocated.get()).unwrap_or(0);
    w.gauge(&ALLOCATED, allocated);
    w.gauge(&QUEUED, queued);
    let ratio = (queued.min(allocated) * 1000)
        .checked_div(allocated)
        .unwrap_or(0);
    let ratio = i64::try_from(ratio).unwrap_or(0);
    w.gauge(
        &USAGE,
        Value::Fixed {
            raw: ratio,
            scale: 3,
        },
    );
    w.gauge(&STREAMING, streaming);
}

/// The input: in `metrics` too.
fn signal(m: &TvcapMetrics, hw_status: STATUS, format: crate::format::Format, w: &mut Writer<'_>) {
    w.gauge(&SIGNAL, hw_status.signal().into_bool());
    w.gauge(&CONNECTED, hw_status.hdmi_connected().into_bool());
    w.counter(&HOTPLUG, &m.hotplug_events);
    w.gauge(&WIDTH, format.width);
    w.gauge(&HEIGHT, format.height);
    w.family(&FORMAT, |f| {
        for p in &FORMATS {
            f.sample(&[(FORMAT_LABEL, p.name)], p.fourcc == format.pixel.fourcc);
        }
    });
}

/// Input format changes: in `signal_detection` only (with them `metrics`
/// would leave less than 10% of its page free at the widest values).
fn format_changes(m: &TvcapMetrics, w: &mut Writer<'_>) {
    w.counter(&FORMAT_CHANGES, &m.format_changes);
}

/// Interrupt handler calls (the C original's `error_counters` file): in
/// `capture_stats` only, like the register status below.
fn interrupts(m: &TvcapMetrics, w: &mut Writer<'_>) {
    w.family(&INTERRUPTS, |f| {
        for (series, c) in INTERRUPT_SERIES.iter().zip(&m.interrupts) {
            f.series(series, c.get());
        }
    });
}

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

fn frame_metrics(m: &TvcapMetrics, w: &mut Writer<'_>) {
    w.histogram(&INTERVAL, &m.frame_interval);
    let ns = m.last_interval_ns.load(Relaxed);
    // Frames per second with 3 decimals, from the last interval.
    let millihertz = 1_000_000_000_000u64.checked_div(ns).unwrap_or(0);
    let millihertz = i64::try_from(millihertz).unwrap_or(i64::MAX);
    w.gauge(
        &RATE,
        Value::Fixed {
            raw: millihertz,
            scale: 3,
        },
    );
}

/// Renders the file `file`.
pub(crate) fn render(t: &Tvcap, file: TvcapFile, w: &mut Writer<'_>) {
    let m = &t.metrics;
    let queued = || t.buffers_queued() as u64;
    let streaming = t.streaming.load(Relaxed);
    match file {
        TvcapFile::CaptureStats => {
            capture_stats(m, w);
            interrupts(m, w);
        }
        TvcapFile::BufferStatus => buffer_status(m, queued(), streaming, w),
        TvcapFile::SignalDetection => {
            signal(m, t.input_status(), t.format.get(), w);
            format_changes(m, w);
            register_status(&RegisterStatus::of(t), w);
        }
        TvcapFile::FrameMetrics => frame_metrics(m, w),
        TvcapFile::Metrics => {
            capture_stats(m, w);
            buffer_status(m, queued(), streaming, w);
            signal(m, t.input_status(), t.format.get(), w);
            frame_metrics(m, w);
        }
    }
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

/// The file `file` of `m` with 8 buffers queued, streaming, every status
/// bit set and the largest format (KUnit).
#[cfg(CONFIG_KUNIT)]
pub(crate) fn render_worst_case_of(m: &TvcapMetrics, file: TvcapFile, w: &mut Writer<'_>) {
    let format = crate::format::negotiate(0, u32::MAX, u32::MAX);
    let registers = RegisterStatus {
        status: Some(u32::MAX),
        irq_en: Some(u32::MAX),
        irq_status: Some(u32::MAX),
    };
    match file {
        TvcapFile::CaptureStats => {
            capture_stats(m, w);
            interrupts(m, w);
        }
        TvcapFile::BufferStatus => buffer_status(m, 8, true, w),
        TvcapFile::SignalDetection => {
            signal(m, STATUS::from(u32::MAX), format, w);
            format_changes(m, w);
            register_status(&registers, w);
        }
        TvcapFile::FrameMetrics => frame_metrics(m, w),
        TvcapFile::Metrics => {
            capture_stats(m, w);
            buffer_status(m, 8, true, w);
            signal(m, STATUS::from(u32::MAX), format, w);
            frame_metrics(m, w);
        }
    }
}

/// The file `file` with every value at its widest (KUnit).
#[cfg(CONFIG_KUNIT)]
pub(crate) fn render_worst_case(file: TvcapFile, w: &mut Writer<'_>) {
    render_worst_case_of(&worst_case_metrics(), file, w);
}
