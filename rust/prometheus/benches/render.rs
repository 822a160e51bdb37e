// SPDX-License-Identifier: GPL-2.0
//! Benchmarks of the hy300 writer (`cargo bench`, or `scripts/bench`).
//!
//! One interleaved run: in every round each contender renders the same
//! motor `metrics` page (tests/pages/mod.rs: the driver's families with
//! typical values) for a batch, in a rotating order, so that machine load
//! hits them alike. Contenders: this writer, a hand-written floor renderer
//! of the exact same page (whole static blocks, a two-digit integer
//! formatter, one bounds check per piece: what a render cannot beat), the
//! `prometheus-client` crate and the `prometheus` crate. Figures are the
//! median of the rounds with the spread (min..max) beside them; ratios are
//! of medians. Metric updates are measured the same way against a bare
//! atomic add. Prints one table (`| operation | ours | ...`) that
//! scripts/bench copies into Documentation/hy300/benchmark-results.txt.

#[path = "support/floor.rs"]
mod floor;
#[path = "../tests/pages/mod.rs"]
mod pages;

use hy300_prometheus::{Counter, Family, Histogram, LabelName, Value, Writer};
use pages::PageValues;
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
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

/// How the host figures were taken (printed under the table).
const NOTE: &str = "host: thread CPU time, median [min..max] of {rounds} interleaved rounds, ratios of medians; the 4-writer row is wall time; prometheus-client writes OpenMetrics text";

/// Samples (value lines) of the motor page.
const MOTOR_SAMPLES: usize = 32;

/// This thread's CPU time in nanoseconds: on a machine shared with other
/// work, wall time would count the time the thread waits for a core.
fn thread_cpu_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec for clock_gettime to fill.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// Per-round nanoseconds (thread CPU time) per iteration of one contender.
#[derive(Default, Clone)]
struct Rounds(Vec<f64>);

impl Rounds {
    fn time(&mut self, iters: u64, mut f: impl FnMut()) {
        let start = thread_cpu_ns();
        for _ in 0..iters {
            f();
        }
        self.0.push((thread_cpu_ns() - start) as f64 / iters as f64);
    }
    fn sorted(&self) -> Vec<f64> {
        let mut v = self.0.clone();
        v.sort_by(f64::total_cmp);
        v
    }
    fn median(&self) -> f64 {
        let v = self.sorted();
        let n = v.len();
        if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        }
    }
    fn min(&self) -> f64 {
        self.sorted()[0]
    }
    fn max(&self) -> f64 {
        *self.sorted().last().unwrap()
    }
    /// `median [min..max]` scaled by `div`.
    fn show(&self, div: f64, digits: usize) -> String {
        format!(
            "{:.*} [{:.*}..{:.*}]",
            digits,
            self.median() / div,
            digits,
            self.min() / div,
            digits,
            self.max() / div
        )
    }
}

// ---------------------------------------------------------------------------
// The peers: the same families and values.

/// The page with prometheus-client (its text encoder writes OpenMetrics).
fn pc_registry(v: &PageValues) -> Registry {
    let mut r = Registry::default();
    let gauge = |r: &mut Registry, f: &Family, x: i64| {
        let g = PcGauge::<i64, std::sync::atomic::AtomicI64>::default();
        g.set(x);
        r.register(f.name(), help(f), g);
    };
    let counter = |r: &mut Registry, f: &Family, c: &Counter| {
        let pc = PcCounter::<u64, AtomicU64>::default();
        pc.inc_by(c.get());
        r.register(f.name().trim_end_matches("_total"), help(f), pc);
    };
    let g = &v.motor_gauges;
    let c = v.motor_counters();
    gauge(&mut r, &pages::POSITION, g[0]);
    gauge(&mut r, &pages::TARGET, g[1]);
    gauge(&mut r, &pages::MAX_POSITION, g[2]);
    gauge(&mut r, &pages::MOVING, g[3]);
    gauge(&mut r, &pages::HOMED, g[4]);
    counter(&mut r, &pages::HOMING_ATTEMPTS, c[0]);
    counter(&mut r, &pages::HOMING_SUCCESSES, c[1]);
    counter(&mut r, &pages::HOMING_FAILURES, c[2]);
    counter(&mut r, &pages::MOVEMENTS, c[3]);
    counter(&mut r, &pages::MOVES_STOPPED, c[4]);
    let steps = PcFamily::<Vec<(String, String)>, PcCounter>::default();
    for (dir, c) in [("clockwise", c[5]), ("counter_clockwise", c[6])] {
        steps
            .get_or_create(&vec![("direction".into(), dir.into())])
            .inc_by(c.get());
    }
    r.register("hy300_motor_steps", help(&pages::STEPS), steps);
    counter(&mut r, &pages::LIMIT_TRIGGERS, c[7]);
    counter(&mut r, &pages::STEP_ERRORS, c[8]);
    let levels = PcFamily::<Vec<(String, String)>, PcGauge>::default();
    for (i, line) in pages::LINE_NAMES.iter().enumerate() {
        levels
            .get_or_create(&vec![("line".into(), line.to_string())])
            .set(i64::from(v.phase_mask >> i & 1));
    }
    r.register(pages::PHASE_LEVEL.name(), help(&pages::PHASE_LEVEL), levels);
    gauge(
        &mut r,
        &pages::LIMIT_ACTIVE,
        i64::from(v.limit_active == Some(true)),
    );
    gauge(&mut r, &pages::LIMIT_IRQ, 1);
    let h = PcHistogram::new(pages::STEP_BOUNDS.iter().map(|&b| b as f64 / 1e9));
    for i in 0..100_000u64 {
        h.observe((800_000 + (i * 7919) % 4_000_000) as f64 / 1e9);
    }
    r.register(pages::STEP_DURATION.name(), help(&pages::STEP_DURATION), h);
    r
}

/// The page with the `prometheus` crate (text format 0.0.4).
fn prom_registry(v: &PageValues) -> prometheus::Registry {
    use prometheus::{
        Histogram as PHistogram, HistogramOpts, IntCounter, IntCounterVec, IntGauge, IntGaugeVec,
        Opts,
    };
    let r = prometheus::Registry::new();
    let gauge = |f: &Family, x: i64| {
        let g = IntGauge::new(f.name(), help(f)).unwrap();
        g.set(x);
        r.register(Box::new(g)).unwrap();
    };
    let counter = |f: &Family, c: &Counter| {
        let pc = IntCounter::new(f.name(), help(f)).unwrap();
        pc.inc_by(c.get());
        r.register(Box::new(pc)).unwrap();
    };
    let g = &v.motor_gauges;
    let c = v.motor_counters();
    gauge(&pages::POSITION, g[0]);
    gauge(&pages::TARGET, g[1]);
    gauge(&pages::MAX_POSITION, g[2]);
    gauge(&pages::MOVING, g[3]);
    gauge(&pages::HOMED, g[4]);
    counter(&pages::HOMING_ATTEMPTS, c[0]);
    counter(&pages::HOMING_SUCCESSES, c[1]);
    counter(&pages::HOMING_FAILURES, c[2]);
    counter(&pages::MOVEMENTS, c[3]);
    counter(&pages::MOVES_STOPPED, c[4]);
    let steps = IntCounterVec::new(
        Opts::new(pages::STEPS.name(), help(&pages::STEPS)),
        &["direction"],
    )
    .unwrap();
    steps.with_label_values(&["clockwise"]).inc_by(c[5].get());
    steps
        .with_label_values(&["counter_clockwise"])
        .inc_by(c[6].get());
    r.register(Box::new(steps)).unwrap();
    counter(&pages::LIMIT_TRIGGERS, c[7]);
    counter(&pages::STEP_ERRORS, c[8]);
    let levels = IntGaugeVec::new(
        Opts::new(pages::PHASE_LEVEL.name(), help(&pages::PHASE_LEVEL)),
        &["line"],
    )
    .unwrap();
    for (i, line) in pages::LINE_NAMES.iter().enumerate() {
        levels
            .with_label_values(&[*line])
            .set(i64::from(v.phase_mask >> i & 1));
    }
    r.register(Box::new(levels)).unwrap();
    gauge(
        &pages::LIMIT_ACTIVE,
        i64::from(v.limit_active == Some(true)),
    );
    gauge(&pages::LIMIT_IRQ, 1);
    let h = PHistogram::with_opts(
        HistogramOpts::new(pages::STEP_DURATION.name(), help(&pages::STEP_DURATION))
            .buckets(pages::STEP_BOUNDS.iter().map(|&b| b as f64 / 1e9).collect()),
    )
    .unwrap();
    for i in 0..100_000u64 {
        h.observe((800_000 + (i * 7919) % 4_000_000) as f64 / 1e9);
    }
    r.register(Box::new(h)).unwrap();
    r
}

/// A published page of a device: the drivers' page lists (each page.rs's
/// `PAGES`), each with its hand-written floor (an exhaustive match: a new
/// page does not build without one).
#[derive(Clone, Copy)]
enum DevicePage {
    Motor(pages::motor_page::Page),
    Mips(pages::mips_page::Page),
    Tvcap(pages::tvcap_page::Page),
}

type FloorPage = fn(&PageValues, &mut [u8]) -> Option<usize>;

/// Every page of every device, in the drivers' order.
fn all_pages() -> Vec<DevicePage> {
    let motor = pages::motor_page::PAGES.map(|(p, ..)| DevicePage::Motor(p));
    let mips = pages::mips_page::PAGES.map(|(p, ..)| DevicePage::Mips(p));
    let tvcap = pages::tvcap_page::pages(0).map(|(p, ..)| DevicePage::Tvcap(p));
    motor.into_iter().chain(mips).chain(tvcap).collect()
}

impl DevicePage {
    /// `device/file`.
    fn name(self) -> String {
        fn find<P: PartialEq>(list: &[(P, &'static str, usize)], page: P) -> &'static str {
            list.iter()
                .find(|(p, ..)| *p == page)
                .map(|(_, name, _)| *name)
                .unwrap_or("?")
        }
        match self {
            DevicePage::Motor(p) => format!("motor/{}", find(&pages::motor_page::PAGES, p)),
            DevicePage::Mips(p) => format!("mips/{}", find(&pages::mips_page::PAGES, p)),
            DevicePage::Tvcap(p) => format!("tvcap/{}", find(&pages::tvcap_page::pages(0), p)),
        }
    }

    /// The driver's render of the page (its page.rs).
    #[inline(always)]
    fn render(self, v: &PageValues, w: &mut Writer<'_>) {
        match self {
            DevicePage::Motor(p) => pages::motor_page::render(v, p, w),
            DevicePage::Mips(p) => pages::mips_page::render(v, p, w),
            DevicePage::Tvcap(p) => pages::tvcap_page::render(v, p, w),
        }
    }

    fn floor(self) -> FloorPage {
        use pages::mips_page::Page as Mi;
        use pages::motor_page::Page as Mo;
        use pages::tvcap_page::Page as Tv;
        match self {
            DevicePage::Motor(Mo::Metrics) => floor::motor,
            DevicePage::Motor(Mo::PositionStatus) => floor::motor_position_status,
            DevicePage::Motor(Mo::CalibrationState) => floor::motor_calibration_state,
            DevicePage::Motor(Mo::MovementCounters) => floor::motor_movement_counters,
            DevicePage::Motor(Mo::GpioStatus) => floor::motor_gpio_status,
            DevicePage::Motor(Mo::StepTiming) => floor::motor_step_timing,
            DevicePage::Mips(Mi::Metrics) => floor::mips,
            DevicePage::Mips(Mi::MemoryStats) => floor::mips_memory_stats,
            DevicePage::Mips(Mi::RegisterAccessCount) => floor::mips_register_access_count,
            DevicePage::Mips(Mi::FirmwareStatus) => floor::mips_firmware_status,
            DevicePage::Mips(Mi::CommunicationErrors) => floor::mips_communication_errors,
            DevicePage::Tvcap(Tv::Metrics) => floor::tvcap,
            DevicePage::Tvcap(Tv::CaptureStats) => floor::tvcap_capture_stats,
            DevicePage::Tvcap(Tv::BufferStatus) => floor::tvcap_buffer_status,
            DevicePage::Tvcap(Tv::SignalDetection) => floor::tvcap_signal_detection,
            DevicePage::Tvcap(Tv::FrameMetrics) => floor::tvcap_frame_metrics,
        }
    }
}

/// The HELP text of a family as the drivers declare it.
fn help(f: &Family) -> &'static str {
    f.help()
}

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

/// Allocations made by one call of `f`.
fn allocations(mut f: impl FnMut()) -> usize {
    f();
    let before = ALLOCATIONS.load(Relaxed);
    f();
    ALLOCATIONS.load(Relaxed) - before
}

struct Table(Vec<[String; 8]>);

impl Table {
    #[allow(clippy::too_many_arguments)]
    fn row(
        &mut self,
        op: &str,
        ours: String,
        pc: String,
        prom: String,
        floor: String,
        ratio: String,
        goal: &str,
        met: Option<bool>,
    ) {
        let met = match met {
            Some(true) => "yes",
            Some(false) => "NO",
            None => "-",
        };
        self.0.push([
            op.into(),
            ours,
            pc,
            prom,
            floor,
            ratio,
            goal.into(),
            met.into(),
        ]);
    }

    fn print(&self) -> String {
        let head = [
            "operation",
            "ours",
            "prometheus-client",
            "prometheus",
            "floor",
            "ratio",
            "goal",
            "met?",
        ]
        .map(String::from);
        let rows: Vec<&[String; 8]> = std::iter::once(&head).chain(&self.0).collect();
        let widths: Vec<usize> = (0..8)
            .map(|i| rows.iter().map(|r| r[i].len()).max().unwrap_or(0))
            .collect();
        let mut out = String::new();
        for (n, r) in rows.iter().enumerate() {
            let cells: Vec<String> = r
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
            if n == 0 {
                let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
                out.push_str(&format!("| {} |\n", rule.join(" | ")));
            }
        }
        out
    }
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    // Rounds and the work per round of the page renders.
    let (rounds, scale) = if quick { (5, 10) } else { (15, 1) };
    let dash = || "-".to_string();
    let mut table = Table(Vec::new());

    let v = PageValues::typical();
    let fast_iters = 20_000 / scale;
    // ---- every page of every device against its floor, interleaved
    // HY300_BENCH_PAGE=device/file: that page only (to profile it).
    let only = std::env::var("HY300_BENCH_PAGE").ok();
    for page in all_pages() {
        if only.as_ref().is_some_and(|o| *o != page.name()) {
            continue;
        }
        let mut out = [0u8; 4096];
        let mut floor_out = [0u8; 4096];
        let ours_len = {
            let mut w = Writer::new(&mut out);
            page.render(&v, &mut w);
            w.finish().unwrap()
        };
        let by_hand = page.floor();
        let floor_len = by_hand(&v, &mut floor_out).unwrap();
        let name = page.name();
        assert!(
            floor_out[..floor_len] == out[..ours_len],
            "the floor of {name} renders another page than the driver's"
        );
        // About the motor page's work per timing whatever the page's size,
        // so that a small page is not timed over a few microseconds.
        let iters = fast_iters * 3000 / ours_len.max(300) as u64;
        let (mut t_ours, mut t_floor) = (Rounds::default(), Rounds::default());
        let mut ours = || {
            let mut w = Writer::new(black_box(&mut out));
            // The page as a run-time value, as the driver's show() has it.
            black_box(page).render(black_box(&v), &mut w);
            black_box(w.len());
        };
        let mut floor = || {
            black_box(by_hand(black_box(&v), black_box(&mut floor_out)));
        };
        for round in 0..rounds + 1 {
            if round % 2 == 0 {
                Rounds::time(&mut t_ours, iters, &mut ours);
                Rounds::time(&mut t_floor, iters, &mut floor);
            } else {
                Rounds::time(&mut t_floor, iters, &mut floor);
                Rounds::time(&mut t_ours, iters, &mut ours);
            }
        }
        t_ours.0.remove(0);
        t_floor.0.remove(0);
        let (o, f) = (t_ours.median(), t_floor.median());
        table.row(
            &format!("page {name} render ({ours_len} bytes), ns"),
            t_ours.show(1.0, 0),
            dash(),
            dash(),
            t_floor.show(1.0, 0),
            format!("ours/floor {:.2}", o / f),
            "ours <= 1.1x floor",
            Some(o <= 1.1 * f),
        );
    }
    if only.is_some() {
        print!("{}", table.print());
        return;
    }

    // ---- the motor page, four contenders interleaved
    let mut page = [0u8; 4096];
    let mut floor_page = [0u8; 4096];
    let ours_len = {
        let mut w = Writer::new(&mut page);
        pages::motor(&v, &mut w);
        w.finish().unwrap()
    };
    let reference = page[..ours_len].to_vec();
    let floor_len = floor::motor(&v, &mut floor_page).unwrap();
    assert!(
        floor_page[..floor_len] == page[..ours_len],
        "the floor renders another page than the writer"
    );
    let pc = pc_registry(&v);
    let prom = prom_registry(&v);
    let mut pc_out = String::new();
    encode(&mut pc_out, &pc).unwrap();
    let mut prom_out = Vec::new();
    let encoder = prometheus::TextEncoder::new();
    prometheus::Encoder::encode(&encoder, &prom.gather(), &mut prom_out).unwrap();

    let pc_iters = 2_000 / scale;
    let prom_iters = 500 / scale;
    let (mut t_ours, mut t_floor, mut t_pc, mut t_prom) = Default::default();
    // The same page with its labels given at run time (`sample`).
    let mut t_labels = Rounds::default();
    let mut labels_page = [0u8; 4096];
    let mut with_labels = || {
        let mut w = Writer::new(black_box(&mut labels_page));
        pages::motor_with_labels(black_box(&v), &mut w);
        black_box(w.len());
    };
    let mut ours = || {
        let mut w = Writer::new(black_box(&mut page));
        pages::motor(black_box(&v), &mut w);
        black_box(w.len());
    };
    let mut floor = || {
        black_box(floor::motor(black_box(&v), black_box(&mut floor_page)));
    };
    let mut client = || {
        pc_out.clear();
        encode(&mut pc_out, black_box(&pc)).unwrap();
    };
    let mut tikv = || {
        prom_out.clear();
        prometheus::Encoder::encode(&encoder, &black_box(&prom).gather(), &mut prom_out).unwrap();
    };
    for round in 0..rounds + 1 {
        for k in 0..5 {
            match (round + k) % 5 {
                0 => Rounds::time(&mut t_ours, fast_iters, &mut ours),
                1 => Rounds::time(&mut t_floor, fast_iters, &mut floor),
                2 => Rounds::time(&mut t_pc, pc_iters, &mut client),
                3 => Rounds::time(&mut t_labels, fast_iters, &mut with_labels),
                _ => Rounds::time(&mut t_prom, prom_iters, &mut tikv),
            }
        }
    }
    // The first round warms up.
    for t in [
        &mut t_ours,
        &mut t_floor,
        &mut t_pc,
        &mut t_prom,
        &mut t_labels,
    ] {
        t.0.remove(0);
    }
    let labels_allocs = allocations(&mut with_labels);
    assert!(
        labels_page[..ours_len] == reference[..],
        "the run-time-labels page differs"
    );
    let allocs = [
        allocations(&mut ours),
        allocations(&mut client),
        allocations(&mut tikv),
        allocations(&mut floor),
    ];
    let (o, f, c, p) = (
        t_ours.median(),
        t_floor.median(),
        t_pc.median(),
        t_prom.median(),
    );
    table.row(
        &format!("motor page render ({ours_len} bytes), ns"),
        t_ours.show(1.0, 0),
        t_pc.show(1.0, 0),
        t_prom.show(1.0, 0),
        t_floor.show(1.0, 0),
        format!("ours/floor {:.2}", o / f),
        "(report: the goal is on its page row)",
        None,
    );
    let lm = t_labels.median();
    table.row(
        "motor page render with run-time labels (sample, not Series), ns",
        t_labels.show(1.0, 0),
        dash(),
        dash(),
        t_floor.show(1.0, 0),
        format!("ours/floor {:.2}", lm / f),
        "(report), 0 allocations",
        Some(labels_allocs == 0),
    );
    let floor_speedup = c / f;
    let bar = floor_speedup.min(8.0);
    table.row(
        "motor page speed-up vs prometheus-client",
        format!("{:.1}x", c / o),
        "1x".into(),
        format!("{:.2}x", c / p),
        format!("{floor_speedup:.1}x"),
        format!("client/ours {:.1}", c / o),
        ">= 8x (or the floor's, if lower)",
        Some(c / o >= bar),
    );
    table.row(
        "motor page speed-up vs prometheus-client, run-time labels",
        format!("{:.1}x", c / lm),
        "1x".into(),
        dash(),
        format!("{floor_speedup:.1}x"),
        format!("client/ours {:.1}", c / lm),
        "(report)",
        None,
    );
    table.row(
        &format!("motor page ns per sample ({MOTOR_SAMPLES} samples)"),
        t_ours.show(MOTOR_SAMPLES as f64, 1),
        t_pc.show(MOTOR_SAMPLES as f64, 1),
        t_prom.show(MOTOR_SAMPLES as f64, 1),
        t_floor.show(MOTOR_SAMPLES as f64, 1),
        format!("ours/floor {:.2}", o / f),
        "(report)",
        None,
    );
    table.row(
        "motor page bytes",
        ours_len.to_string(),
        pc_out.len().to_string(),
        prom_out.len().to_string(),
        floor_len.to_string(),
        dash(),
        "(report)",
        None,
    );
    table.row(
        "heap allocations per render",
        allocs[0].to_string(),
        allocs[1].to_string(),
        allocs[2].to_string(),
        allocs[3].to_string(),
        dash(),
        "ours 0",
        Some(allocs[0] == 0),
    );

    // ---- metric updates against a bare atomic add, interleaved
    let n = 5_000_000 / scale;
    let bare = AtomicU64::new(0);
    let counter = Counter::new();
    let hist = Histogram::new(&pages::STEP_BOUNDS, 9);
    let values: Vec<u64> = (0..1024u64).map(|i| (i * 104_729) % 60_000_000).collect();
    let (mut t_bare, mut t_inc, mut t_obs) = <(Rounds, Rounds, Rounds)>::default();
    for round in 0..rounds + 1 {
        for k in 0..3 {
            match (round + k) % 3 {
                0 => t_bare.time(n, || {
                    black_box(&bare).fetch_add(1, Relaxed);
                }),
                1 => t_inc.time(n, || black_box(&counter).inc()),
                _ => {
                    let mut i = 0usize;
                    t_obs.time(n, || {
                        black_box(&hist).observe(values[i & 1023]);
                        i = i.wrapping_add(1);
                    })
                }
            }
        }
    }
    for t in [&mut t_bare, &mut t_inc, &mut t_obs] {
        t.0.remove(0);
    }
    let b = t_bare.median();
    table.row(
        "bare AtomicU64::fetch_add, ns",
        dash(),
        dash(),
        dash(),
        t_bare.show(1.0, 2),
        dash(),
        "(baseline)",
        None,
    );
    table.row(
        "counter increment, ns",
        t_inc.show(1.0, 2),
        dash(),
        dash(),
        t_bare.show(1.0, 2),
        format!("ours/bare {:.2}", t_inc.median() / b),
        "<= 1.05x bare",
        Some(t_inc.median() <= 1.05 * b),
    );
    table.row(
        "histogram observe (6 buckets), ns",
        t_obs.show(1.0, 2),
        dash(),
        dash(),
        t_bare.show(1.0, 2),
        format!("ours/bare {:.2}", t_obs.median() / b),
        "<= 3x bare (issue 27)",
        Some(t_obs.median() <= 3.0 * b),
    );
    // Four threads observing one histogram while a reader snapshots it.
    let mut t_obs4 = Rounds::default();
    let per_thread = 1_000_000 / scale;
    for _ in 0..rounds.min(5) {
        let h = Histogram::new(&pages::STEP_BOUNDS, 9);
        let start = Instant::now();
        std::thread::scope(|s| {
            for t in 0..4u64 {
                let (h, values) = (&h, &values);
                s.spawn(move || {
                    for i in 0..per_thread {
                        h.observe(values[((i + t * 256) & 1023) as usize]);
                    }
                });
            }
        });
        t_obs4
            .0
            .push(start.elapsed().as_nanos() as f64 / per_thread as f64);
    }
    table.row(
        "histogram observe, 4 writers (ns per observe per thread, 2 cores)",
        t_obs4.show(1.0, 1),
        dash(),
        dash(),
        dash(),
        dash(),
        "(report)",
        None,
    );

    // ---- rendering cost per sample as the page grows
    let names: Vec<String> = (0..10_000).map(|i| format!("sample-{i}")).collect();
    let mut big = vec![0u8; 1 << 20];
    let (mut t100, mut t10k) = <(Rounds, Rounds)>::default();
    for round in 0..rounds + 1 {
        for k in 0..2 {
            let n = if (round + k) % 2 == 0 { 100 } else { 10_000 };
            let iters = (2_000_000 / n as u64 / scale).max(5);
            let t = if n == 100 { &mut t100 } else { &mut t10k };
            t.time(iters, || {
                let mut w = Writer::new(black_box(&mut big));
                render_scale(n, &names, &mut w);
                black_box(w.len());
            });
        }
    }
    t100.0.remove(0);
    t10k.0.remove(0);
    let linear = (t10k.median() / 10_000.0) / (t100.median() / 100.0);
    table.row(
        "render 100 samples, ns per sample",
        t100.show(100.0, 1),
        dash(),
        dash(),
        dash(),
        dash(),
        "(report)",
        None,
    );
    table.row(
        "render 10,000 samples, ns per sample",
        t10k.show(10_000.0, 1),
        dash(),
        dash(),
        dash(),
        format!("10k/100 {linear:.2}"),
        "<= 1.2 (linear)",
        Some(linear <= 1.2),
    );

    let mut report = table.print();
    report.push_str(&format!(
        "{}\n",
        NOTE.replace("{rounds}", &rounds.to_string())
    ));
    print!("{report}");
    // scripts/bench: the rows, tab-separated, to join with the guest's.
    if let Ok(path) = std::env::var("HY300_BENCH_OUT") {
        let mut rows: String = table.0.iter().map(|r| r.join("\t") + "\n").collect();
        rows.push_str(&format!(
            "# {}\n",
            NOTE.replace("{rounds}", &rounds.to_string())
        ));
        std::fs::write(&path, rows).expect("write benchmark rows");
    }
}
