// SPDX-License-Identifier: GPL-2.0
//! Benchmarks of the hy300 writer (`cargo bench`, or `scripts/bench`).
//!
//! One run measures everything so ratios compare like with like: metric
//! updates against bare atomics, full device pages against the
//! `prometheus-client` crate's text encoder producing the same families and
//! samples, heap allocations of both, and rendering cost at 100 and 10,000
//! samples. Each figure is the best of several timed rounds.

use hy300_prometheus::{Counter, Family, Histogram, LabelName, Value, Writer};
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter as PcCounter;
use prometheus_client::metrics::family::Family as PcFamily;
use prometheus_client::metrics::gauge::Gauge as PcGauge;
use prometheus_client::metrics::histogram::Histogram as PcHistogram;
use prometheus_client::registry::Registry;
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

/// Counts heap allocations, to show the writer makes none.
struct CountingAlloc;
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

/// Best nanoseconds per iteration over `rounds` rounds of `iters`.
fn best_ns(rounds: usize, iters: u64, mut f: impl FnMut()) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..rounds {
        let start = Instant::now();
        for _ in 0..iters {
            f();
        }
        best = best.min(start.elapsed().as_nanos() as f64 / iters as f64);
    }
    best
}

// The motor's `metrics` page: same families, label sets and bucket layout
// as drivers/misc/hy300-keystone-motor/metrics.rs, with realistic values.
const POSITION: Family = Family::gauge("hy300_motor_position_steps", "Lens position.");
const TARGET: Family = Family::gauge(
    "hy300_motor_target_position_steps",
    "Target of the last move.",
);
const MAX_POSITION: Family = Family::gauge("hy300_motor_max_position_steps", "Largest position.");
const MOVING: Family = Family::gauge("hy300_motor_moving", "1 while moving or homing.");
const HOMED: Family = Family::gauge("hy300_motor_homed", "1 once the position is known.");
const HOMING_ATTEMPTS: Family =
    Family::counter("hy300_motor_homing_attempts_total", "Homing runs.");
const HOMING_SUCCESSES: Family = Family::counter(
    "hy300_motor_homing_successes_total",
    "Homing runs that succeeded.",
);
const HOMING_FAILURES: Family = Family::counter(
    "hy300_motor_homing_failures_total",
    "Homing runs that failed.",
);
const MOVEMENTS: Family = Family::counter("hy300_motor_movements_total", "Moves requested.");
const MOVES_STOPPED: Family =
    Family::counter("hy300_motor_moves_stopped_total", "Moves stopped early.");
const STEPS: Family = Family::counter("hy300_motor_steps_total", "Half steps taken.");
const LIMIT_TRIGGERS: Family = Family::counter(
    "hy300_motor_limit_switch_triggers_total",
    "Limit switch hits.",
);
const STEP_ERRORS: Family = Family::counter("hy300_motor_step_errors_total", "GPIO errors.");
const PHASE_LEVEL: Family = Family::gauge("hy300_motor_phase_line_level", "Phase line level.");
const LIMIT_ACTIVE: Family = Family::gauge(
    "hy300_motor_limit_switch_active",
    "1 while the switch is active.",
);
const PHASE_TRANSITIONS: Family = Family::counter(
    "hy300_motor_phase_transitions_total",
    "Phase line level changes.",
);
const STEP_DURATION: Family =
    Family::histogram("hy300_motor_step_duration_seconds", "Half step time.");
const DIRECTION: LabelName = LabelName::new("direction");
const LINE: LabelName = LabelName::new("line");
static STEP_BOUNDS: [u64; 6] = [
    500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000, 50_000_000,
];
const STEP_BOUNDS_SECONDS: [f64; 6] = [0.0005, 0.001, 0.002, 5e-3, 0.01, 0.05];
const LINES: [&str; 4] = ["0", "1", "2", "3"];

struct MotorValues {
    counters: [Counter; 9],
    transitions: [Counter; 4],
    steps: Histogram<6>,
}

fn motor_values() -> MotorValues {
    let v = MotorValues {
        counters: Default::default(),
        transitions: Default::default(),
        steps: Histogram::new(&STEP_BOUNDS, 9),
    };
    for (i, c) in v.counters.iter().enumerate() {
        c.add(1_234_567 * (i as u64 + 1));
    }
    for (i, c) in v.transitions.iter().enumerate() {
        c.add(987_654 + i as u64);
    }
    for i in 0..100_000u64 {
        v.steps.observe(800_000 + (i * 7919) % 4_000_000);
    }
    v
}

fn render_motor(v: &MotorValues, w: &mut Writer<'_>) {
    let c = &v.counters;
    w.gauge(&POSITION, 734i64);
    w.gauge(&TARGET, 734i64);
    w.gauge(&MAX_POSITION, 1000u64);
    w.gauge(&MOVING, 0u64);
    w.gauge(&HOMED, 1u64);
    w.counter(&HOMING_ATTEMPTS, &c[0]);
    w.counter(&HOMING_SUCCESSES, &c[1]);
    w.counter(&HOMING_FAILURES, &c[2]);
    w.counter(&MOVEMENTS, &c[3]);
    w.counter(&MOVES_STOPPED, &c[4]);
    w.family(&STEPS, |f| {
        f.sample(&[(DIRECTION, "clockwise")], c[5].get());
        f.sample(&[(DIRECTION, "counter_clockwise")], c[6].get());
    });
    w.counter(&LIMIT_TRIGGERS, &c[7]);
    w.counter(&STEP_ERRORS, &c[8]);
    w.family(&PHASE_LEVEL, |f| {
        for line in LINES {
            f.sample(&[(LINE, line)], 0u64);
        }
    });
    w.gauge(&LIMIT_ACTIVE, 0u64);
    w.family(&PHASE_TRANSITIONS, |f| {
        for (line, t) in LINES.iter().zip(&v.transitions) {
            f.sample(&[(LINE, line)], t.get());
        }
    });
    w.histogram(&STEP_DURATION, &v.steps);
}

/// The same page with prometheus-client.
fn motor_registry(v: &MotorValues) -> Registry {
    let mut r = Registry::default();
    let gauge = |r: &mut Registry, name: &str, help: &str, x: i64| {
        let g = PcGauge::<i64, AtomicI64Compat>::default();
        g.set(x);
        r.register(name, help, g);
    };
    let counter = |r: &mut Registry, name: &str, help: &str, c: &Counter| {
        let pc = PcCounter::<u64, AtomicU64>::default();
        pc.inc_by(c.get());
        r.register(name.trim_end_matches("_total"), help, pc);
    };
    let c = &v.counters;
    gauge(&mut r, "hy300_motor_position_steps", "Lens position.", 734);
    gauge(
        &mut r,
        "hy300_motor_target_position_steps",
        "Target of the last move.",
        734,
    );
    gauge(
        &mut r,
        "hy300_motor_max_position_steps",
        "Largest position.",
        1000,
    );
    gauge(&mut r, "hy300_motor_moving", "1 while moving or homing.", 0);
    gauge(
        &mut r,
        "hy300_motor_homed",
        "1 once the position is known.",
        1,
    );
    counter(
        &mut r,
        "hy300_motor_homing_attempts_total",
        "Homing runs.",
        &c[0],
    );
    counter(
        &mut r,
        "hy300_motor_homing_successes_total",
        "Homing runs that succeeded.",
        &c[1],
    );
    counter(
        &mut r,
        "hy300_motor_homing_failures_total",
        "Homing runs that failed.",
        &c[2],
    );
    counter(
        &mut r,
        "hy300_motor_movements_total",
        "Moves requested.",
        &c[3],
    );
    counter(
        &mut r,
        "hy300_motor_moves_stopped_total",
        "Moves stopped early.",
        &c[4],
    );
    let steps = PcFamily::<Vec<(String, String)>, PcCounter>::default();
    steps
        .get_or_create(&vec![("direction".into(), "clockwise".into())])
        .inc_by(c[5].get());
    steps
        .get_or_create(&vec![("direction".into(), "counter_clockwise".into())])
        .inc_by(c[6].get());
    r.register("hy300_motor_steps", "Half steps taken.", steps);
    counter(
        &mut r,
        "hy300_motor_limit_switch_triggers_total",
        "Limit switch hits.",
        &c[7],
    );
    counter(
        &mut r,
        "hy300_motor_step_errors_total",
        "GPIO errors.",
        &c[8],
    );
    let levels = PcFamily::<Vec<(String, String)>, PcGauge>::default();
    let transitions = PcFamily::<Vec<(String, String)>, PcCounter>::default();
    for (line, t) in LINES.iter().zip(&v.transitions) {
        levels
            .get_or_create(&vec![("line".into(), line.to_string())])
            .set(0);
        transitions
            .get_or_create(&vec![("line".into(), line.to_string())])
            .inc_by(t.get());
    }
    r.register("hy300_motor_phase_line_level", "Phase line level.", levels);
    gauge(
        &mut r,
        "hy300_motor_limit_switch_active",
        "1 while the switch is active.",
        0,
    );
    r.register(
        "hy300_motor_phase_transitions",
        "Phase line level changes.",
        transitions,
    );
    let h = PcHistogram::new(STEP_BOUNDS_SECONDS);
    for i in 0..100_000u64 {
        h.observe((800_000 + (i * 7919) % 4_000_000) as f64 / 1e9);
    }
    r.register("hy300_motor_step_duration_seconds", "Half step time.", h);
    r
}

type AtomicI64Compat = std::sync::atomic::AtomicI64;

/// A counter family with `n` labelled samples.
fn render_scale(n: usize, names: &[String], w: &mut Writer<'_>) {
    const F: Family = Family::counter("hy300_scale_samples_total", "Scale test.");
    const ID: LabelName = LabelName::new("id");
    w.family(&F, |f| {
        for (i, name) in names.iter().enumerate().take(n) {
            f.sample(&[(ID, name)], Value::Unsigned(i as u64 * 1_000_003));
        }
    });
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (rounds, scale) = if quick { (3, 10) } else { (7, 1) };
    let mut report = String::new();
    let mut line = |s: String| {
        println!("{s}");
        report.push_str(&s);
        report.push('\n');
    };

    let n = 50_000_000 / scale as u64;
    let bare = AtomicU64::new(0);
    let bare_ns = best_ns(rounds, n, || {
        black_box(&bare).fetch_add(1, Relaxed);
    });
    let counter = Counter::new();
    let counter_ns = best_ns(rounds, n, || black_box(&counter).inc());
    line(format!(
        "counter_inc: {counter_ns:.2} ns vs bare AtomicU64::fetch_add {bare_ns:.2} ns: ratio {:.2} (goal <= 1.5)",
        counter_ns / bare_ns
    ));

    let hist = Histogram::new(&STEP_BOUNDS, 9);
    let values: Vec<u64> = (0..1024u64).map(|i| (i * 104_729) % 60_000_000).collect();
    let mut i = 0usize;
    let observe_ns = best_ns(rounds, n / 2, || {
        black_box(&hist).observe(values[i & 1023]);
        i = i.wrapping_add(1);
    });
    line(format!(
        "histogram_observe (6 buckets): {observe_ns:.2} ns (goal <= 5)"
    ));

    let v = motor_values();
    let mut page = [0u8; 4096];
    let mut len = 0;
    let iters = 200_000 / scale as u64;
    let before = ALLOCATIONS.load(Relaxed);
    let ours_ns = best_ns(rounds, iters, || {
        let mut w = Writer::new(black_box(&mut page));
        render_motor(&v, &mut w);
        len = w.len();
    });
    let ours_allocs = ALLOCATIONS.load(Relaxed) - before;
    let registry = motor_registry(&v);
    let mut out = String::new();
    let before = ALLOCATIONS.load(Relaxed);
    let pc_iters = iters / 10;
    let pc_ns = best_ns(rounds, pc_iters, || {
        out.clear();
        encode(&mut out, black_box(&registry)).unwrap();
    });
    let pc_allocs = (ALLOCATIONS.load(Relaxed) - before) as f64 / (rounds as u64 * pc_iters) as f64;
    line(format!(
        "motor metrics page ({len} bytes, 17 families): ours {ours_ns:.0} ns, prometheus-client {pc_ns:.0} ns ({} bytes): {:.1}x faster (goal >= 10x)",
        out.len(),
        pc_ns / ours_ns
    ));
    line(format!(
        "heap allocations per render: ours {} (over {} renders), prometheus-client {pc_allocs:.1}",
        ours_allocs,
        rounds as u64 * iters
    ));

    let names: Vec<String> = (0..10_000).map(|i| format!("sample-{i}")).collect();
    let mut big = vec![0u8; 1 << 20];
    let mut per_sample = Vec::new();
    for n in [100usize, 10_000] {
        let iters = (2_000_000 / n as u64 / scale as u64).max(5);
        let mut bytes = 0;
        let ns = best_ns(rounds, iters, || {
            let mut w = Writer::new(black_box(&mut big));
            render_scale(n, &names, &mut w);
            bytes = w.len();
        });
        per_sample.push(ns / n as f64);
        line(format!(
            "render {n} samples: {:.1} us ({bytes} bytes), {:.1} ns per sample",
            ns / 1000.0,
            ns / n as f64
        ));
    }
    line(format!(
        "scale: cost per sample at 10,000 vs 100 samples: {:.2}x (1.0 = linear)",
        per_sample[1] / per_sample[0]
    ));

    if let Ok(path) = std::env::var("HY300_BENCH_OUT") {
        std::fs::write(&path, report).expect("write benchmark report");
    }
}
