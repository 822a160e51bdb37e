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

use hy300_prometheus::{Counter, Family, Histogram, LabelName, Series, Writer};
use std::sync::atomic::Ordering::Relaxed;

/// The writer, as the drivers' page files name it (`super::prometheus`).
use hy300_prometheus as prometheus;

#[path = "values.rs"]
mod values;
pub use values::*;

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
    device: &'static str,
    file: &'static str,
    truncations: &Counter,
    render: impl FnOnce(&mut Writer<'_>),
) -> usize {
    let mut w = Writer::bounded(page, self_metric_len(device, file));
    render(&mut w);
    let series = Series::new(&TRUNCATED, &[(DEVICE, device), (FILE, file)]);
    w.finish_bounded(&TRUNCATED, &series, truncations)
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

/// The co-processor's `metrics` file, as the driver renders it.
pub fn mips(v: &PageValues, w: &mut Writer<'_>) {
    mips_page::render(v, mips_page::Page::Metrics, w);
}

/// The capture device's `metrics` file, as the driver renders it.
pub fn tvcap(v: &PageValues, w: &mut Writer<'_>) {
    tvcap_page::render(v, tvcap_page::Page::Metrics, w);
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
            tvcap: TvcapMetrics::new(),
            buffers_queued: 3,
            streaming: true,
            input: Input {
                signal: true,
                hdmi_connected: true,
                width: 1920,
                height: 1080,
                format: Some(1),
            },
        };
        set_counts(&v.tvcap.errors.each_ref(), 0, 2);
        v.tvcap.last_interval_ns.store(33_366_700, Relaxed);
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
            v.tvcap
                .frame_interval
                .observe(33_000_000 + (i * 104_729) % 1_000_000);
        }
        let t = &v.tvcap;
        t.frames_captured.add(10_000);
        t.frames_dropped.add(17);
        t.bytes_captured.add(10_000 * 1920 * 1080 * 3 / 2);
        t.hotplug_events.add(4);
        t.format_changes.add(2);
        t.buffers_allocated.set(8);
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
            tvcap: TvcapMetrics::new(),
            // As the driver's render_worst_case: 8 buffers, all queued.
            buffers_queued: 8,
            streaming: true,
            input: Input {
                signal: true,
                hdmi_connected: true,
                width: u32::MAX,
                height: u32::MAX,
                format: Some(0),
            },
        };
        let t = &v.tvcap;
        set_counts(
            &[
                &t.frames_captured,
                &t.frames_dropped,
                &t.bytes_captured,
                &t.hotplug_events,
                &t.format_changes,
            ],
            u64::MAX,
            0,
        );
        set_counts(&t.errors.each_ref(), u64::MAX, 0);
        t.last_interval_ns.store(1, Relaxed);
        // One observation of u64::MAX: the widest `_sum` (bucket counts
        // cannot reach u64::MAX through observe in a test's time).
        set_counts(&v.motor_counters(), u64::MAX, 0);
        set_counts(&v.motor.phase_transitions.each_ref(), u64::MAX, 0);
        v.motor.step_seconds.observe(u64::MAX);
        v.fw_duration.observe(u64::MAX);
        v.tvcap.frame_interval.observe(u64::MAX);
        v.tvcap.buffers_allocated.set(8);
        v
    }
}
