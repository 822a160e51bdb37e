// SPDX-License-Identifier: GPL-2.0

//! The motor's metric families and the layout of its Prometheus pages:
//! the one source of both, compiled into the driver (`mod page`) and into
//! the host tests and benchmark of rust/prometheus (included by path), so
//! that the host renders and measures the driver's own pages.
//!
//! Needs only the writer, as `super::prometheus` (the driver's
//! `crate::prometheus`, the host's `hy300_prometheus`).

#![forbid(unsafe_code)]

use super::prometheus::{Counter, Family, Histogram, LabelName, Series, Writer};

/// Number of phase lines.
pub const PHASE_LINES: usize = 4;

/// Upper bounds of the step duration histogram, in nanoseconds.
pub static STEP_SECONDS_BOUNDS: [u64; 6] = [
    500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000, 50_000_000,
];

/// Counters and histograms of the motor.
pub struct MotorMetrics {
    pub movements: Counter,
    pub moves_stopped: Counter,
    pub steps_clockwise: Counter,
    pub steps_counter_clockwise: Counter,
    pub limit_switch_triggers: Counter,
    pub step_errors: Counter,
    pub homing_attempts: Counter,
    pub homing_successes: Counter,
    pub homing_failures: Counter,
    pub phase_transitions: [Counter; PHASE_LINES],
    pub step_seconds: Histogram<6>,
}

impl MotorMetrics {
    /// Every count at 0.
    pub const fn new() -> Self {
        MotorMetrics {
            movements: Counter::new(),
            moves_stopped: Counter::new(),
            steps_clockwise: Counter::new(),
            steps_counter_clockwise: Counter::new(),
            limit_switch_triggers: Counter::new(),
            step_errors: Counter::new(),
            homing_attempts: Counter::new(),
            homing_successes: Counter::new(),
            homing_failures: Counter::new(),
            phase_transitions: [
                Counter::new(),
                Counter::new(),
                Counter::new(),
                Counter::new(),
            ],
            step_seconds: Histogram::new(&STEP_SECONDS_BOUNDS, 9),
        }
    }
}

impl Default for MotorMetrics {
    fn default() -> Self {
        Self::new()
    }
}

/// What the pages show: the driver's motor, or the host's fixture values.
pub trait Source {
    /// Current position in steps.
    fn position(&self) -> i64;
    /// Target of the last move.
    fn target(&self) -> i64;
    /// Largest position.
    fn max_position(&self) -> u32;
    /// Whether a move or homing runs.
    fn moving(&self) -> bool;
    /// Whether the motor is homed.
    fn homed(&self) -> bool;
    /// Phase line levels, bit `i` for line `i`.
    fn phase_mask(&self) -> u8;
    /// Reads the limit switch (once per page that shows it); `None` if the
    /// read failed, which leaves the family out.
    fn limit_active(&self) -> Option<bool>;
    /// Whether the switch has an interrupt (else it is polled).
    fn limit_irq(&self) -> bool;
    /// The counters and histograms.
    fn metrics(&self) -> &MotorMetrics;
}

pub const POSITION: Family = Family::gauge(
    "hy300_motor_position_steps",
    "Current motor position in steps",
);
pub const TARGET: Family = Family::gauge(
    "hy300_motor_target_position_steps",
    "Target of the last move.",
);
pub const MAX_POSITION: Family =
    Family::gauge("hy300_motor_max_position_steps", "Largest position.");
pub const MOVING: Family = Family::gauge("hy300_motor_moving", "1 while moving or homing.");

pub const HOMED: Family = Family::gauge("hy300_motor_homed", "Motor homing status");
pub const HOMING_ATTEMPTS: Family =
    Family::counter("hy300_motor_homing_attempts_total", "Homing runs.");
pub const HOMING_SUCCESSES: Family = Family::counter(
    "hy300_motor_homing_successes_total",
    "Homing runs that succeeded.",
);
pub const HOMING_FAILURES: Family = Family::counter(
    "hy300_motor_homing_failures_total",
    "Homing runs that failed.",
);

pub const MOVEMENTS: Family =
    Family::counter("hy300_motor_movements_total", "Total motor movements");
pub const MOVES_STOPPED: Family =
    Family::counter("hy300_motor_moves_stopped_total", "Moves stopped early.");
pub const STEPS: Family = Family::counter("hy300_motor_steps_total", "Half steps taken.");
pub const LIMIT_TRIGGERS: Family = Family::counter(
    "hy300_motor_limit_switch_triggers_total",
    "Limit switch hits.",
);
pub const STEP_ERRORS: Family = Family::counter("hy300_motor_step_errors_total", "GPIO errors.");

pub const PHASE_LEVEL: Family = Family::gauge("hy300_motor_phase_line_level", "Phase line level.");
pub const LIMIT_ACTIVE: Family = Family::gauge(
    "hy300_motor_limit_switch_active",
    "1 while the switch is active.",
);
pub const LIMIT_IRQ: Family = Family::gauge(
    "hy300_motor_limit_switch_irq",
    "1 if the switch has an interrupt, 0 if polled.",
);
pub const PHASE_TRANSITIONS: Family = Family::counter(
    "hy300_motor_phase_transitions_total",
    "Phase line level changes.",
);

pub const STEP_DURATION: Family =
    Family::histogram("hy300_motor_step_duration_seconds", "Half step time.");

pub const DIRECTION: LabelName = LabelName::new("direction");
pub const LINE: LabelName = LabelName::new("line");
pub const LINE_NAMES: [&str; PHASE_LINES] = ["0", "1", "2", "3"];
pub const DIRECTIONS: [&str; 2] = ["clockwise", "counter_clockwise"];

// The labelled samples as constant series: each line's name and labels
// are one block made at compile time, copied with the value after one
// bounds check.
pub const STEPS_CLOCKWISE: Series = Series::new(&STEPS, &[(DIRECTION, DIRECTIONS[0])]);
pub const STEPS_COUNTER_CLOCKWISE: Series = Series::new(&STEPS, &[(DIRECTION, DIRECTIONS[1])]);
pub const LEVELS: [Series; PHASE_LINES] = line_series(&PHASE_LEVEL);
pub const TRANSITIONS: [Series; PHASE_LINES] = line_series(&PHASE_TRANSITIONS);

/// The series of `family` for each phase line, `line="0"` to `line="3"`.
const fn line_series(family: &Family) -> [Series; PHASE_LINES] {
    let mut out = [Series::new(family, &[(LINE, LINE_NAMES[0])]); PHASE_LINES];
    let mut i = 1;
    while i < PHASE_LINES {
        out[i] = Series::new(family, &[(LINE, LINE_NAMES[i])]);
        i += 1;
    }
    out
}

// The longest text of each file, from its families, label values and
// buckets with every value at its widest (the KUnit worst case renders it).
pub const POSITION_STATUS_MAX: usize = POSITION.max_page_len_of::<i64>(1, 0)
    + TARGET.max_page_len_of::<i64>(1, 0)
    + MAX_POSITION.max_page_len_of::<u32>(1, 0)
    + MOVING.max_page_len_of::<bool>(1, 0);
pub const CALIBRATION_STATE_MAX: usize = HOMED.max_page_len_of::<bool>(1, 0)
    + HOMING_ATTEMPTS.max_page_len_of::<u64>(1, 0)
    + HOMING_SUCCESSES.max_page_len_of::<u64>(1, 0)
    + HOMING_FAILURES.max_page_len_of::<u64>(1, 0);
pub const MOVEMENT_COUNTERS_MAX: usize = MOVEMENTS.max_page_len_of::<u64>(1, 0)
    + MOVES_STOPPED.max_page_len_of::<u64>(1, 0)
    + STEPS.max_page_len_of::<u64>(DIRECTIONS.len(), DIRECTION.max_pair_len(&DIRECTIONS))
    + LIMIT_TRIGGERS.max_page_len_of::<u64>(1, 0)
    + STEP_ERRORS.max_page_len_of::<u64>(1, 0);
/// `gpio_status` without the phase transitions: the part in `metrics`.
pub const GPIO_LEVELS_MAX: usize = PHASE_LEVEL
    .max_page_len_of::<bool>(PHASE_LINES, LINE.max_pair_len(&LINE_NAMES))
    + LIMIT_ACTIVE.max_page_len_of::<bool>(1, 0)
    + LIMIT_IRQ.max_page_len_of::<bool>(1, 0);
pub const PHASE_TRANSITIONS_MAX: usize =
    PHASE_TRANSITIONS.max_page_len_of::<u64>(PHASE_LINES, LINE.max_pair_len(&LINE_NAMES));
pub const STEP_TIMING_MAX: usize = STEP_DURATION.header_len()
    + Histogram::new(&STEP_SECONDS_BOUNDS, 9).max_series_len(&STEP_DURATION, 0);

/// The motor's Prometheus pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Metrics,
    PositionStatus,
    CalibrationState,
    MovementCounters,
    GpioStatus,
    StepTiming,
}

/// Each page, its file name and its longest text.
pub const PAGES: [(Page, &str, usize); 6] = [
    (
        Page::Metrics,
        "metrics",
        POSITION_STATUS_MAX
            + CALIBRATION_STATE_MAX
            + MOVEMENT_COUNTERS_MAX
            + GPIO_LEVELS_MAX
            + STEP_TIMING_MAX,
    ),
    (Page::PositionStatus, "position_status", POSITION_STATUS_MAX),
    (
        Page::CalibrationState,
        "calibration_state",
        CALIBRATION_STATE_MAX,
    ),
    (
        Page::MovementCounters,
        "movement_counters",
        MOVEMENT_COUNTERS_MAX,
    ),
    (
        Page::GpioStatus,
        "gpio_status",
        GPIO_LEVELS_MAX + PHASE_TRANSITIONS_MAX,
    ),
    (Page::StepTiming, "step_timing", STEP_TIMING_MAX),
];

fn position_status(s: &impl Source, w: &mut Writer<'_>) {
    w.gauge(&POSITION, s.position());
    w.gauge(&TARGET, s.target());
    w.gauge(&MAX_POSITION, s.max_position());
    w.gauge(&MOVING, s.moving());
}

fn calibration_state(s: &impl Source, w: &mut Writer<'_>) {
    let m = s.metrics();
    w.gauge(&HOMED, s.homed());
    w.counter(&HOMING_ATTEMPTS, &m.homing_attempts);
    w.counter(&HOMING_SUCCESSES, &m.homing_successes);
    w.counter(&HOMING_FAILURES, &m.homing_failures);
}

fn movement_counters(s: &impl Source, w: &mut Writer<'_>) {
    let m = s.metrics();
    w.counter(&MOVEMENTS, &m.movements);
    w.counter(&MOVES_STOPPED, &m.moves_stopped);
    w.each(
        &STEPS,
        &[STEPS_CLOCKWISE, STEPS_COUNTER_CLOCKWISE],
        [m.steps_clockwise.get(), m.steps_counter_clockwise.get()],
    );
    w.counter(&LIMIT_TRIGGERS, &m.limit_switch_triggers);
    w.counter(&STEP_ERRORS, &m.step_errors);
}

/// The phase line levels and the limit switch (in `metrics` too).
fn gpio_levels(s: &impl Source, w: &mut Writer<'_>) {
    let mask = s.phase_mask();
    let mut levels = [false; PHASE_LINES];
    for (line, level) in levels.iter_mut().enumerate() {
        *level = mask >> line & 1 != 0;
    }
    w.each(&PHASE_LEVEL, &LEVELS, levels);
    // A failed read of the switch leaves the family out rather than
    // reporting a made-up level.
    if let Some(active) = s.limit_active() {
        w.gauge(&LIMIT_ACTIVE, active);
    }
    w.gauge(&LIMIT_IRQ, s.limit_irq());
}

/// Phase line level changes: in `gpio_status` only, since `metrics` with
/// them would leave less than 10% of its page free at the widest values.
pub fn phase_transitions(s: &impl Source, w: &mut Writer<'_>) {
    let m = s.metrics();
    w.each(
        &PHASE_TRANSITIONS,
        &TRANSITIONS,
        m.phase_transitions.each_ref().map(Counter::get),
    );
}

fn step_timing(s: &impl Source, w: &mut Writer<'_>) {
    w.histogram(&STEP_DURATION, &s.metrics().step_seconds);
}

/// Renders `page` of `s`.
pub fn render(s: &impl Source, page: Page, w: &mut Writer<'_>) {
    match page {
        Page::PositionStatus => position_status(s, w),
        Page::CalibrationState => calibration_state(s, w),
        Page::MovementCounters => movement_counters(s, w),
        Page::GpioStatus => {
            gpio_levels(s, w);
            phase_transitions(s, w);
        }
        Page::StepTiming => step_timing(s, w),
        Page::Metrics => {
            position_status(s, w);
            calibration_state(s, w);
            movement_counters(s, w);
            gpio_levels(s, w);
            step_timing(s, w);
        }
    }
}
