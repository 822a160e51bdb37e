// SPDX-License-Identifier: GPL-2.0

//! The capture device's metric families, label values and the layout of
//! its Prometheus pages: the one source of them, compiled into the driver
//! (`mod page`) and into the host tests and benchmark of rust/prometheus
//! (included by path), so that the host renders and measures the driver's
//! own pages. The register bits (named by the driver's `register!`
//! definitions) are rendered by the driver through [`Source`].
//!
//! Needs only the writer, as `super::prometheus` (the driver's
//! `crate::prometheus`, the host's `hy300_prometheus`).

#![forbid(unsafe_code)]

use core::sync::atomic::AtomicU64;
use core::sync::atomic::Ordering::Relaxed;

use super::prometheus::{Counter, Family, Gauge, Histogram, LabelName, Series, Value, Writer};

/// Upper bounds of the frame interval histogram, in nanoseconds.
pub static INTERVAL_BOUNDS: [u64; 6] = [
    10_000_000,
    20_000_000,
    34_000_000,
    50_000_000,
    100_000_000,
    1_000_000_000,
];

/// The capture metrics (updated from the interrupt path with atomics
/// only).
pub struct TvcapMetrics {
    pub frames_captured: Counter,
    pub frames_dropped: Counter,
    pub bytes_captured: Counter,
    /// Capture errors, [`ERROR_KINDS`] order.
    pub errors: [Counter; 5],
    pub hotplug_events: Counter,
    pub format_changes: Counter,
    pub buffers_allocated: Gauge,
    pub frame_interval: Histogram<6>,
    pub last_interval_ns: AtomicU64,
    /// Calls of the interrupt handler: [`INTERRUPT_RESULTS`] order.
    pub interrupts: [Counter; 2],
}

impl TvcapMetrics {
    /// Every count at 0.
    pub const fn new() -> Self {
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
}

impl Default for TvcapMetrics {
    fn default() -> Self {
        Self::new()
    }
}

/// The input as the signal families show it.
#[derive(Clone, Copy)]
pub struct Input {
    pub signal: bool,
    pub hdmi_connected: bool,
    pub width: u32,
    pub height: u32,
    /// Index in [`FORMAT_NAMES`] of the pixel format, if one of them.
    pub format: Option<usize>,
}

/// What the pages show: the driver's device, or the host's fixture values.
pub trait Source {
    /// The counters, gauges and histograms.
    fn metrics(&self) -> &TvcapMetrics;
    /// Buffers held by the driver now.
    fn buffers_queued(&self) -> u64;
    /// Whether the device streams.
    fn streaming(&self) -> bool;
    /// The input, read now.
    fn input(&self) -> Input;
    /// Renders the register status families ([`STATUS_BIT`],
    /// [`IRQ_EN_BIT`], [`IRQ_STATUS_BIT`]), read now.
    fn register_status(&self, w: &mut Writer<'_>);
}

pub const FRAMES: Family =
    Family::counter("hy300_tvcap_frames_captured_total", "Total captured frames");
pub const DROPPED: Family = Family::counter("hy300_tvcap_frames_dropped_total", "Frames lost.");
pub const BYTES: Family = Family::counter("hy300_tvcap_bytes_captured_total", "Bytes delivered.");
pub const ERRORS: Family = Family::counter("hy300_tvcap_capture_errors_total", "Capture errors.");
pub const ALLOCATED: Family = Family::gauge("hy300_tvcap_buffers_allocated", "Buffers allocated.");
pub const QUEUED: Family =
    Family::gauge("hy300_tvcap_buffers_queued", "Buffers held by the driver.");
pub const USAGE: Family = Family::gauge("hy300_tvcap_buffer_usage_ratio", "Buffer usage ratio");
pub const STREAMING: Family = Family::gauge("hy300_tvcap_streaming", "1 while streaming.");
pub const SIGNAL: Family = Family::gauge(
    "hy300_tvcap_signal_detected",
    "HDMI signal detection status",
);
pub const CONNECTED: Family = Family::gauge("hy300_tvcap_hdmi_connected", "1 with a cable.");
pub const HOTPLUG: Family = Family::counter("hy300_tvcap_hotplug_events_total", "Hotplug events.");
pub const FORMAT_CHANGES: Family =
    Family::counter("hy300_tvcap_format_changes_total", "Input format changes.");
pub const WIDTH: Family = Family::gauge("hy300_tvcap_width_pixels", "Capture width.");
pub const HEIGHT: Family = Family::gauge("hy300_tvcap_height_pixels", "Capture height.");
pub const FORMAT: Family = Family::gauge("hy300_tvcap_format_info", "Capture pixel format.");
pub const INTERVAL: Family =
    Family::histogram("hy300_tvcap_frame_interval_seconds", "Time between frames.");
pub const RATE: Family = Family::gauge(
    "hy300_tvcap_frame_rate_hertz",
    "Rate from the last interval.",
);
pub const INTERRUPTS: Family =
    Family::counter("hy300_tvcap_interrupts_total", "Interrupt handler calls.");
pub const STATUS_BIT: Family = Family::gauge("hy300_tvcap_status_bit", "TVTOP STATUS bits.");
pub const IRQ_EN_BIT: Family = Family::gauge("hy300_tvcap_irq_enable_bit", "TVTOP IRQ_EN bits.");
pub const IRQ_STATUS_BIT: Family =
    Family::gauge("hy300_tvcap_irq_status_bit", "TVTOP IRQ_STATUS bits.");
pub const KIND: LabelName = LabelName::new("kind");
pub const FORMAT_LABEL: LabelName = LabelName::new("format");
pub const RESULT: LabelName = LabelName::new("result");
pub const BIT: LabelName = LabelName::new("bit");

/// Capture error kinds: the error sources of IRQ_STATUS (`regs.rs`:
/// `Irq::label`).
pub const ERROR_KINDS: [&str; 5] = [
    "buffer_underflow",
    "hw_error",
    "dma_error",
    "fifo_error",
    "timeout",
];
/// The pixel formats (`format.rs`: `FORMATS`).
pub const FORMAT_NAMES: [&str; 3] = ["YUYV", "YU12", "RGB24"];
/// `result` of the interrupt handler calls: a source was pending, or none
/// (another device's interrupt on the shared line).
pub const INTERRUPT_RESULTS: [&str; 2] = ["handled", "none"];

const ERROR_SERIES: [Series; 5] = Series::each(&ERRORS, KIND, &ERROR_KINDS);
const FORMAT_SERIES: [Series; 3] = Series::each(&FORMAT, FORMAT_LABEL, &FORMAT_NAMES);
const INTERRUPT_SERIES: [Series; 2] = Series::each(&INTERRUPTS, RESULT, &INTERRUPT_RESULTS);

// The longest text of each file, from its families, label values and
// buckets with every value at its widest (the KUnit worst case renders it).
// The ratio and the rate are fixed-point values: any width (max_page_len).
pub const CAPTURE_STATS_MAX: usize = FRAMES.max_page_len_of::<u64>(1, 0)
    + DROPPED.max_page_len_of::<u64>(1, 0)
    + BYTES.max_page_len_of::<u64>(1, 0)
    + ERRORS.max_page_len_of::<u64>(ERROR_KINDS.len(), KIND.max_pair_len(&ERROR_KINDS));
pub const BUFFER_STATUS_MAX: usize = ALLOCATED.max_page_len_of::<u64>(1, 0)
    + QUEUED.max_page_len_of::<u64>(1, 0)
    + USAGE.max_page_len(1, 0)
    + STREAMING.max_page_len_of::<bool>(1, 0);
/// `signal_detection` without the format changes: the part in `metrics`.
pub const SIGNAL_MAX: usize = SIGNAL.max_page_len_of::<bool>(1, 0)
    + CONNECTED.max_page_len_of::<bool>(1, 0)
    + HOTPLUG.max_page_len_of::<u64>(1, 0)
    + WIDTH.max_page_len_of::<u32>(1, 0)
    + HEIGHT.max_page_len_of::<u32>(1, 0)
    + FORMAT.max_page_len_of::<bool>(FORMAT_NAMES.len(), FORMAT_LABEL.max_pair_len(&FORMAT_NAMES));
pub const FORMAT_CHANGES_MAX: usize = FORMAT_CHANGES.max_page_len_of::<u64>(1, 0);
pub const INTERRUPTS_MAX: usize = INTERRUPTS.max_page_len_of::<u64>(
    INTERRUPT_RESULTS.len(),
    RESULT.max_pair_len(&INTERRUPT_RESULTS),
);
pub const FRAME_METRICS_MAX: usize = INTERVAL.header_len()
    + Histogram::new(&INTERVAL_BOUNDS, 9).max_series_len(&INTERVAL, 0)
    + RATE.max_page_len(1, 0);

/// The capture device's Prometheus pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Metrics,
    CaptureStats,
    BufferStatus,
    SignalDetection,
    FrameMetrics,
}

/// Each page, its file name and its longest text but the register status
/// (`register_status_max`, from the driver's register tables, adds to
/// `signal_detection`).
pub const fn pages(register_status_max: usize) -> [(Page, &'static str, usize); 5] {
    [
        (
            Page::Metrics,
            "metrics",
            CAPTURE_STATS_MAX + BUFFER_STATUS_MAX + SIGNAL_MAX + FRAME_METRICS_MAX,
        ),
        (
            Page::CaptureStats,
            "capture_stats",
            CAPTURE_STATS_MAX + INTERRUPTS_MAX,
        ),
        (Page::BufferStatus, "buffer_status", BUFFER_STATUS_MAX),
        (
            Page::SignalDetection,
            "signal_detection",
            SIGNAL_MAX + FORMAT_CHANGES_MAX + register_status_max,
        ),
        (Page::FrameMetrics, "frame_metrics", FRAME_METRICS_MAX),
    ]
}

fn capture_stats(m: &TvcapMetrics, w: &mut Writer<'_>) {
    w.counter(&FRAMES, &m.frames_captured);
    w.counter(&DROPPED, &m.frames_dropped);
    w.counter(&BYTES, &m.bytes_captured);
    w.each(
        &ERRORS,
        &ERROR_SERIES,
        m.errors.each_ref().map(Counter::get),
    );
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
fn signal(m: &TvcapMetrics, input: Input, w: &mut Writer<'_>) {
    w.gauge(&SIGNAL, input.signal);
    w.gauge(&CONNECTED, input.hdmi_connected);
    w.counter(&HOTPLUG, &m.hotplug_events);
    w.gauge(&WIDTH, input.width);
    w.gauge(&HEIGHT, input.height);
    let mut formats = [false; FORMAT_NAMES.len()];
    for (i, on) in formats.iter_mut().enumerate() {
        *on = input.format == Some(i);
    }
    w.each(&FORMAT, &FORMAT_SERIES, formats);
}

/// Input format changes: in `signal_detection` only (with them `metrics`
/// would leave less than 10% of its page free at the widest values).
fn format_changes(m: &TvcapMetrics, w: &mut Writer<'_>) {
    w.counter(&FORMAT_CHANGES, &m.format_changes);
}

/// Interrupt handler calls (the C original's `error_counters` file): in
/// `capture_stats` only, like the register status.
fn interrupts(m: &TvcapMetrics, w: &mut Writer<'_>) {
    w.each(
        &INTERRUPTS,
        &INTERRUPT_SERIES,
        m.interrupts.each_ref().map(Counter::get),
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

/// Renders `page` of `s`.
pub fn render(s: &impl Source, page: Page, w: &mut Writer<'_>) {
    let m = s.metrics();
    match page {
        Page::CaptureStats => {
            capture_stats(m, w);
            interrupts(m, w);
        }
        Page::BufferStatus => buffer_status(m, s.buffers_queued(), s.streaming(), w),
        Page::SignalDetection => {
            signal(m, s.input(), w);
            format_changes(m, w);
            s.register_status(w);
        }
        Page::FrameMetrics => frame_metrics(m, w),
        Page::Metrics => {
            capture_stats(m, w);
            buffer_status(m, s.buffers_queued(), s.streaming(), w);
            signal(m, s.input(), w);
            frame_metrics(m, w);
        }
    }
}
