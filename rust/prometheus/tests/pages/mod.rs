// SPDX-License-Identifier: GPL-2.0
//! The three devices' pages on the host: each driver's own families and
//! page layout (drivers/misc/hy300-keystone-motor/page.rs,
//! drivers/misc/sunxi-mipsloader/page.rs,
//! drivers/media/platform/sunxi/tvcap/page.rs, included by path: one
//! source, no copies), served the same way (rust/hy300/class_device.rs: a
//! bounded page and its self-metric, [`served`]). The drivers' metric
//! cells need the kernel, so the values come from [`PageValues`], the
//! pages' `Source` on the host. Shared by tests/golden.rs, tests/bounded.rs
//! and the bench, whose motor page ([`motor`]) has every motor family (the
//! `metrics` file, [`motor_metrics`], leaves the phase transitions to
//! `gpio_status`).
#![allow(dead_code)]

use hy300_prometheus::{Counter, Family, Gauge, Histogram, LabelName, Value, Writer};

/// The writer, as the drivers' page files name it (`super::prometheus`).
use hy300_prometheus as prometheus;

// ---- the self-metric (rust/hy300/class_device.rs) ----
pub const TRUNCATED: Family = Family::counter(
    "hy300_metrics_truncated_total",
    "Reads cut short to fit a page.",
);
pub const DEVICE: LabelName = LabelName::new("device");
pub const FILE: LabelName = LabelName::new("file");

/// class_device.rs: self_metric_len.
pub const fn self_metric_len(device: &str, file: &str) -> usize {
    TRUNCATED.max_page_len_of::<u64>(1, DEVICE.pair_len(device) + 1 + FILE.pair_len(file))
}

/// class_device.rs: PAGE_BUDGET for a 4096-byte page.
pub const PAGE_BUDGET: usize = (4096 - 1) * 9 / 10;

/// A file as the show callback serves it (class_device.rs: render_page)
/// into `page`: a bounded page, then the self-metric counted in
/// `truncations`. Returns the length.
pub fn served(
    page: &mut [u8],
    device: &str,
    file: &str,
    truncations: &Counter,
    render: impl FnOnce(&mut Writer<'_>),
) -> usize {
    let mut w = Writer::bounded(page, self_metric_len(device, file));
    render(&mut w);
    w.finish_bounded(&TRUNCATED, &[(DEVICE, device), (FILE, file)], truncations)
}

/// The values of every cell of the three pages.
pub struct PageValues {
    /// Motor gauges: position, target, max position, moving, homed.
    pub motor_gauges: [i64; 5],
    /// Motor counters and histograms.
    pub motor: MotorMetrics,
    /// Phase line levels (bit per line) and the limit switch.
    pub phase_mask: u8,
    pub limit_active: Option<bool>,
    /// mips: bytes used per region, register reads and writes, firmware.
    pub memory_used: [u64; 4],
    pub register_reads: [Counter; 4],
    pub register_writes: [Counter; 4],
    pub fw_loaded: bool,
    pub fw_size: u64,
    pub fw_crc: u32,
    pub fw_attempts: Counter,
    pub fw_successes: Counter,
    pub fw_failures: [Counter; 6],
    pub fw_duration: Histogram<4>,
    pub comm_errors: [Counter; 4],
    /// tvcap.
    pub frames_captured: Counter,
    pub frames_dropped: Counter,
    pub bytes_captured: Counter,
    pub capture_errors: [Counter; 5],
    pub hotplug_events: Counter,
    pub format_changes: Counter,
    pub buffers_allocated: Gauge,
    pub buffers_queued: u64,
    pub streaming: bool,
    pub hw_status: u32,
    pub width: u32,
    pub height: u32,
    /// Index into [`FORMATS`] of the current pixel format.
    pub format: usize,
    pub frame_interval: Histogram<6>,
    pub last_interval_ns: u64,
}

// ---- motor: the driver's own families and pages ----
#[allow(dead_code)]
#[path = "../../../../drivers/misc/hy300-keystone-motor/page.rs"]
pub mod motor_page;

#[allow(unused_imports)]
pub use motor_page::{
    MotorMetrics, DIRECTION, HOMED, HOMING_ATTEMPTS, HOMING_FAILURES, HOMING_SUCCESSES,
    LIMIT_ACTIVE, LIMIT_IRQ, LIMIT_TRIGGERS, LINE, LINE_NAMES, MAX_POSITION, MOVEMENTS,
    MOVES_STOPPED, MOVING, PHASE_LEVEL, PHASE_TRANSITIONS, POSITION, STEPS, STEP_DURATION,
    STEP_ERRORS, STEP_SECONDS_BOUNDS as STEP_BOUNDS, TARGET,
};

impl motor_page::Source for PageValues {
    fn position(&self) -> i64 {
        self.motor_gauges[0]
    }
    fn target(&self) -> i64 {
        self.motor_gauges[1]
    }
    fn max_position(&self) -> u32 {
        self.motor_gauges[2] as u32
    }
    fn moving(&self) -> bool {
        self.motor_gauges[3] != 0
    }
    fn homed(&self) -> bool {
        self.motor_gauges[4] != 0
    }
    fn phase_mask(&self) -> u8 {
        self.phase_mask
    }
    fn limit_active(&self) -> Option<bool> {
        self.limit_active
    }
    fn limit_irq(&self) -> bool {
        true
    }
    fn metrics(&self) -> &MotorMetrics {
        &self.motor
    }
}

impl PageValues {
    /// The motor's counters in page order: homing attempts, successes,
    /// failures, movements, moves stopped, steps clockwise, steps
    /// counter-clockwise, limit switch triggers, step errors.
    pub fn motor_counters(&self) -> [&Counter; 9] {
        let m = &self.motor;
        [
            &m.homing_attempts,
            &m.homing_successes,
            &m.homing_failures,
            &m.movements,
            &m.moves_stopped,
            &m.steps_clockwise,
            &m.steps_counter_clockwise,
            &m.limit_switch_triggers,
            &m.step_errors,
        ]
    }
}

/// The bench's motor page: the driver's `metrics` file.
pub fn motor(v: &PageValues, w: &mut Writer<'_>) {
    motor_metrics(v, w);
}

/// The motor's `metrics` file, as the driver renders it.
pub fn motor_metrics(v: &PageValues, w: &mut Writer<'_>) {
    motor_page::render(v, motor_page::Page::Metrics, w);
}

/// The bench's motor page with its labels given at run time (`sample`:
/// label pairs written and escaped per render) instead of constant
/// series: the same bytes as [`motor`], the cost of the general path.
pub fn motor_with_labels(v: &PageValues, w: &mut Writer<'_>) {
    let g = &v.motor_gauges;
    let c = v.motor_counters();
    w.gauge(&POSITION, g[0]);
    w.gauge(&TARGET, g[1]);
    w.gauge(&MAX_POSITION, g[2] as u32);
    w.gauge(&MOVING, g[3] != 0);
    w.gauge(&HOMED, g[4] != 0);
    w.counter(&HOMING_ATTEMPTS, c[0]);
    w.counter(&HOMING_SUCCESSES, c[1]);
    w.counter(&HOMING_FAILURES, c[2]);
    w.counter(&MOVEMENTS, c[3]);
    w.counter(&MOVES_STOPPED, c[4]);
    w.family(&STEPS, |f| {
        f.sample(&[(DIRECTION, "clockwise")], c[5].get());
        f.sample(&[(DIRECTION, "counter_clockwise")], c[6].get());
    });
    w.counter(&LIMIT_TRIGGERS, c[7]);
    w.counter(&STEP_ERRORS, c[8]);
    let mask = v.phase_mask;
    w.family(&PHASE_LEVEL, |f| {
        for (line, name) in LINE_NAMES.iter().enumerate() {
            f.sample(&[(LINE, name)], u64::from(mask >> line & 1));
        }
    });
    if let Some(active) = v.limit_active {
        w.gauge(&LIMIT_ACTIVE, active);
    }
    w.gauge(&LIMIT_IRQ, true);
    w.histogram(&STEP_DURATION, &v.motor.step_seconds);
}

// ---- mips (drivers/misc/sunxi-mipsloader/metrics.rs) ----
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
/// drivers/misc/sunxi-mipsloader/layout.rs: REGIONS (name, size).
pub const REGIONS: [(&str, u64); 4] = [
    ("boot_code", 0x1000),
    ("firmware", 0xC0_0000),
    ("debug", 0x10_0000),
    ("framebuffer", 0x1A0_0000),
];
/// drivers/misc/sunxi-mipsloader/hw.rs: Reg::ALL names.
pub const REGISTERS: [&str; 4] = ["cmd", "status", "data", "control"];
/// drivers/misc/sunxi-mipsloader/firmware.rs: LoadFailure::ALL labels.
pub const LOAD_FAILURE_REASONS: [&str; 6] = [
    "not_found",
    "too_large",
    "truncated",
    "crc_mismatch",
    "busy",
    "io",
];
pub static LOAD_SECONDS_BOUNDS: [u64; 4] = [10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000];
pub const COMM_ERROR_KINDS: [&str; 4] = ["timeout", "busy", "bad_status", "io"];

/// The co-processor's `metrics` file, in the driver's order (the register
/// writes, the CRC, loads tried and done are in the topic files only).
pub fn mips(v: &PageValues, w: &mut Writer<'_>) {
    // memory_stats
    w.family(&REGION_SIZE, |f| {
        for (name, size) in REGIONS {
            f.sample(&[(REGION, name)], size);
        }
    });
    w.family(&REGION_USAGE, |f| {
        for ((name, _), used) in REGIONS.iter().zip(v.memory_used.iter()) {
            f.sample(&[(REGION, name)], *used);
        }
    });
    // register_access_count
    w.family(&REGISTER_ACCESS, |f| {
        for (i, reg) in REGISTERS.iter().enumerate() {
            let total = v.register_reads[i]
                .get()
                .saturating_add(v.register_writes[i].get());
            f.sample(&[(REGISTER, reg)], total);
        }
    });
    // firmware_status
    w.gauge(&LOADED, v.fw_loaded);
    w.gauge(&FW_SIZE, v.fw_size);
    w.family(&LOAD_FAILURES, |f| {
        for (reason, c) in LOAD_FAILURE_REASONS.iter().zip(&v.fw_failures) {
            f.sample(&[(REASON, reason)], c.get());
        }
    });
    w.histogram(&LOAD_DURATION, &v.fw_duration);
    // communication_errors
    w.family(&COMM_ERRORS, |f| {
        for (kind, c) in COMM_ERROR_KINDS.iter().zip(&v.comm_errors) {
            f.sample(&[(KIND, kind)], c.get());
        }
    });
}

// ---- tvcap (drivers/media/platform/sunxi/tvcap/metrics.rs) ----
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
pub const TVCAP_KIND: LabelName = LabelName::new("kind");
pub const FORMAT_LABEL: LabelName = LabelName::new("format");
/// drivers/media/platform/sunxi/tvcap/metrics.rs: ERROR_KINDS labels.
pub const ERROR_KINDS: [&str; 5] = [
    "buffer_underflow",
    "hw_error",
    "dma_error",
    "fifo_error",
    "timeout",
];
/// drivers/media/platform/sunxi/tvcap/format.rs: FORMATS names.
pub const FORMATS: [&str; 3] = ["YUYV", "YU12", "RGB24"];
pub static INTERVAL_BOUNDS: [u64; 6] = [
    10_000_000,
    20_000_000,
    34_000_000,
    50_000_000,
    100_000_000,
    1_000_000_000,
];
/// drivers/media/platform/sunxi/tvcap/regs.rs: status bits.
pub const STATUS_HDMI_CONNECTED: u32 = 1 << 0;
pub const STATUS_SIGNAL: u32 = 1 << 1;

/// The capture device's `metrics` file, in the driver's order (the format
/// changes are in `signal_detection` only).
pub fn tvcap(v: &PageValues, w: &mut Writer<'_>) {
    // capture_stats
    w.counter(&FRAMES, &v.frames_captured);
    w.counter(&DROPPED, &v.frames_dropped);
    w.counter(&BYTES, &v.bytes_captured);
    w.family(&ERRORS, |f| {
        for (kind, c) in ERROR_KINDS.iter().zip(&v.capture_errors) {
            f.sample(&[(TVCAP_KIND, kind)], c.get());
        }
    });
    // buffer_status
    let allocated = u64::try_from(v.buffers_allocated.get()).unwrap_or(0);
    let queued = v.buffers_queued;
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
    w.gauge(&STREAMING, v.streaming);
    // signal_detection
    w.gauge(&SIGNAL, v.hw_status & STATUS_SIGNAL != 0);
    w.gauge(&CONNECTED, v.hw_status & STATUS_HDMI_CONNECTED != 0);
    w.counter(&HOTPLUG, &v.hotplug_events);
    w.gauge(&WIDTH, v.width);
    w.gauge(&HEIGHT, v.height);
    w.family(&FORMAT, |f| {
        for (i, name) in FORMATS.iter().enumerate() {
            f.sample(&[(FORMAT_LABEL, name)], i == v.format);
        }
    });
    // frame_metrics
    w.histogram(&INTERVAL, &v.frame_interval);
    let ns = v.last_interval_ns;
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

/// The co-processor families in a topic file only
/// (`register_access_count`, `firmware_status`), not in `metrics`.
pub fn mips_topic_only(v: &PageValues, w: &mut Writer<'_>) {
    w.family(&REGISTER_WRITES, |f| {
        for (i, reg) in REGISTERS.iter().enumerate() {
            f.sample(&[(REGISTER, reg)], v.register_writes[i].get());
        }
    });
    w.gauge(&FW_CRC, v.fw_crc);
    w.counter(&LOAD_ATTEMPTS, &v.fw_attempts);
    w.counter(&LOAD_SUCCESSES, &v.fw_successes);
}

pub const INTERRUPTS: Family =
    Family::counter("hy300_tvcap_interrupts_total", "Interrupt handler calls.");
pub const STATUS_BIT: Family = Family::gauge("hy300_tvcap_status_bit", "TVTOP STATUS bits.");
pub const IRQ_EN_BIT: Family = Family::gauge("hy300_tvcap_irq_enable_bit", "TVTOP IRQ_EN bits.");
pub const IRQ_STATUS_BIT: Family =
    Family::gauge("hy300_tvcap_irq_status_bit", "TVTOP IRQ_STATUS bits.");
pub const RESULT: LabelName = LabelName::new("result");
pub const BIT: LabelName = LabelName::new("bit");
/// drivers/media/platform/sunxi/tvcap/regs.rs: STATUS_BITS, bit order.
pub const STATUS_BITS: [(&str, u32); 8] = [
    ("fifo_full", 1 << 7),
    ("ready", 1 << 6),
    ("error", 1 << 5),
    ("dma_busy", 1 << 4),
    ("capturing", 1 << 3),
    ("format_locked", 1 << 2),
    ("signal", 1 << 1),
    ("hdmi_connected", 1 << 0),
];
/// drivers/media/platform/sunxi/tvcap/regs.rs: IRQ_EN_BITS and
/// IRQ_STATUS_BITS, bit order.
pub const IRQ_BITS: [(&str, u32); 10] = [
    ("timeout", 1 << 9),
    ("fifo_error", 1 << 8),
    ("dma_error", 1 << 7),
    ("hw_error", 1 << 6),
    ("hotplug", 1 << 5),
    ("buffer_underflow", 1 << 4),
    ("buffer_overflow", 1 << 3),
    ("format_change", 1 << 2),
    ("input_change", 1 << 1),
    ("frame_done", 1 << 0),
];

/// One gauge per bit of `value`, labelled with the bit's field name.
fn bits(w: &mut Writer<'_>, family: &Family, bits: &[(&str, u32)], value: u32) {
    w.family(family, |f| {
        for (name, bit) in bits {
            f.sample(&[(BIT, name)], u64::from(value & bit != 0));
        }
    });
}

/// The capture families in topic files only (`signal_detection`,
/// `capture_stats`), not in `metrics`: the format changes, the interrupt
/// handler calls and the register status (the input sources enabled,
/// nothing pending).
pub fn tvcap_topic_only(v: &PageValues, w: &mut Writer<'_>) {
    w.counter(&FORMAT_CHANGES, &v.format_changes);
    w.family(&INTERRUPTS, |f| {
        f.sample(&[(RESULT, "handled")], v.frames_captured.get());
        f.sample(&[(RESULT, "none")], 0u64);
    });
    bits(w, &STATUS_BIT, &STATUS_BITS, v.hw_status);
    bits(w, &IRQ_EN_BIT, &IRQ_BITS, (1 << 5) | (1 << 2) | (1 << 1));
    bits(w, &IRQ_STATUS_BIT, &IRQ_BITS, 0);
}

/// Adds `base + i * step` to the `i`th of `counters` (as [`counters`]).
fn set_counts(counters: &[&Counter], base: u64, step: u64) {
    for (i, c) in counters.iter().enumerate() {
        c.add(base.wrapping_add(step.wrapping_mul(i as u64)));
    }
}

fn counters<const N: usize>(base: u64, step: u64) -> [Counter; N] {
    core::array::from_fn(|i| {
        let c = Counter::new();
        c.add(base.wrapping_add(step.wrapping_mul(i as u64)));
        c
    })
}

impl PageValues {
    /// A busy device: realistic, mixed-width values.
    pub fn typical() -> Self {
        let v = PageValues {
            motor_gauges: [734, 734, 1000, 0, 1],
            motor: MotorMetrics::new(),
            phase_mask: 0b0101,
            limit_active: Some(false),
            memory_used: [512, 8_123_456, 0, 27_262_976],
            register_reads: counters(40_000, 3_333),
            register_writes: counters(20_000, 777),
            fw_loaded: true,
            fw_size: 8_123_456,
            fw_crc: 0xDEAD_BEEF,
            fw_attempts: counters::<1>(12, 0).into_iter().next().unwrap(),
            fw_successes: counters::<1>(9, 0).into_iter().next().unwrap(),
            fw_failures: counters(0, 1),
            fw_duration: Histogram::new(&LOAD_SECONDS_BOUNDS, 9),
            comm_errors: counters(3, 5),
            frames_captured: Counter::new(),
            frames_dropped: Counter::new(),
            bytes_captured: Counter::new(),
            capture_errors: counters(0, 2),
            hotplug_events: Counter::new(),
            format_changes: Counter::new(),
            buffers_allocated: Gauge::new(),
            buffers_queued: 3,
            streaming: true,
            hw_status: STATUS_SIGNAL | STATUS_HDMI_CONNECTED,
            width: 1920,
            height: 1080,
            format: 1,
            frame_interval: Histogram::new(&INTERVAL_BOUNDS, 9),
            last_interval_ns: 33_366_700,
        };
        for i in 0..100_000u64 {
            v.motor
                .step_seconds
                .observe(800_000 + (i * 7919) % 4_000_000);
        }
        set_counts(&v.motor_counters(), 1_234_567, 1_234_567);
        set_counts(&v.motor.phase_transitions.each_ref(), 987_654, 1);
        for ns in [
            45_000_000u64,
            120_000_000,
            900_000_000,
            2_500_000_000,
            7_000_000,
        ] {
            v.fw_duration.observe(ns);
        }
        for i in 0..10_000u64 {
            v.frame_interval
                .observe(33_000_000 + (i * 104_729) % 1_000_000);
        }
        v.frames_captured.add(10_000);
        v.frames_dropped.add(17);
        v.bytes_captured.add(10_000 * 1920 * 1080 * 3 / 2);
        v.hotplug_events.add(4);
        v.format_changes.add(2);
        v.buffers_allocated.set(8);
        v
    }

    /// Every counter and histogram cell at u64::MAX and every gauge at its
    /// widest value: the longest page each device can produce.
    pub fn worst_case() -> Self {
        let v = PageValues {
            motor_gauges: [i64::MIN, i64::MIN, i64::from(u32::MAX), 1, 1],
            motor: MotorMetrics::new(),
            phase_mask: 0b1111,
            limit_active: Some(true),
            memory_used: [u64::MAX; 4],
            register_reads: counters(u64::MAX, 0),
            register_writes: counters(u64::MAX, 0),
            fw_loaded: true,
            fw_size: u64::MAX,
            fw_crc: u32::MAX,
            fw_attempts: counters::<1>(u64::MAX, 0).into_iter().next().unwrap(),
            fw_successes: counters::<1>(u64::MAX, 0).into_iter().next().unwrap(),
            fw_failures: counters(u64::MAX, 0),
            fw_duration: Histogram::new(&LOAD_SECONDS_BOUNDS, 9),
            comm_errors: counters(u64::MAX, 0),
            frames_captured: counters::<1>(u64::MAX, 0).into_iter().next().unwrap(),
            frames_dropped: counters::<1>(u64::MAX, 0).into_iter().next().unwrap(),
            bytes_captured: counters::<1>(u64::MAX, 0).into_iter().next().unwrap(),
            capture_errors: counters(u64::MAX, 0),
            hotplug_events: counters::<1>(u64::MAX, 0).into_iter().next().unwrap(),
            format_changes: counters::<1>(u64::MAX, 0).into_iter().next().unwrap(),
            buffers_allocated: Gauge::new(),
            // As the driver's render_worst_case: 8 buffers, all queued.
            buffers_queued: 8,
            streaming: true,
            hw_status: u32::MAX,
            width: u32::MAX,
            height: u32::MAX,
            format: 0,
            frame_interval: Histogram::new(&INTERVAL_BOUNDS, 9),
            last_interval_ns: 1,
        };
        // One observation of u64::MAX: the widest `_sum` (bucket counts
        // cannot reach u64::MAX through observe in a test's time).
        set_counts(&v.motor_counters(), u64::MAX, 0);
        set_counts(&v.motor.phase_transitions.each_ref(), u64::MAX, 0);
        v.motor.step_seconds.observe(u64::MAX);
        v.fw_duration.observe(u64::MAX);
        v.frame_interval.observe(u64::MAX);
        v.buffers_allocated.set(8);
        v
    }
}
