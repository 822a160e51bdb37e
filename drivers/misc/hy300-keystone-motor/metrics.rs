// SPDX-License-Identifier: GPL-2.0

//! The motor's metric families and which file shows which.

#![forbid(unsafe_code)]

use core::sync::atomic::Ordering::Relaxed;

use crate::hy300::class_device::fits_page_budget;
use crate::motion::{Motion, PHASE_LINES, STEP_SECONDS_BOUNDS};
use crate::prometheus::{Family, Histogram, LabelName, Series, Writer};

const POSITION: Family = Family::gauge(
    "hy300_motor_position_steps",
    "Current motor position in steps",
);
const TARGET: Family = Family::gauge(
    "hy300_motor_target_position_steps",
    "Target of the last move.",
);
const MAX_POSITION: Family = Family::gauge("hy300_motor_max_position_steps", "Largest position.");
const MOVING: Family = Family::gauge("hy300_motor_moving", "1 while moving or homing.");

const HOMED: Family = Family::gauge("hy300_motor_homed", "Motor homing status");
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

const MOVEMENTS: Family = Family::counter("hy300_motor_movements_total", "Total motor movements");
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
const LIMIT_IRQ: Family = Family::gauge(
    "hy300_motor_limit_switch_irq",
    "1 if the switch has an interrupt, 0 if polled.",
);
const PHASE_TRANSITIONS: Family = Family::counter(
    "hy300_motor_phase_transitions_total",
    "Phase line level changes.",
);

const STEP_DURATION: Family =
    Family::histogram("hy300_motor_step_duration_seconds", "Half step time.");

const DIRECTION: LabelName = LabelName::new("direction");
const LINE: LabelName = LabelName::new("line");
const LINE_NAMES: [&str; PHASE_LINES] = ["0", "1", "2", "3"];
const DIRECTIONS: [&str; 2] = ["clockwise", "counter_clockwise"];

// The labelled samples as constant series: each line's name and labels
// are one block made at compile time, copied with the value after one
// bounds check.
const STEPS_CLOCKWISE: Series = Series::new(&STEPS, &[(DIRECTION, DIRECTIONS[0])]);
const STEPS_COUNTER_CLOCKWISE: Series = Series::new(&STEPS, &[(DIRECTION, DIRECTIONS[1])]);
const LEVELS: [Series; PHASE_LINES] = line_series(&PHASE_LEVEL);
const TRANSITIONS: [Series; PHASE_LINES] = line_series(&PHASE_TRANSITIONS);

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
const POSITION_STATUS_MAX: usize = POSITION.max_page_len_of::<i64>(1, 0)
    + TARGET.max_page_len_of::<i64>(1, 0)
    + MAX_POSITION.max_page_len_of::<u32>(1, 0)
    + MOVING.max_page_len_of::<bool>(1, 0);
const CALIBRATION_STATE_MAX: usize = HOMED.max_page_len_of::<bool>(1, 0)
    + HOMING_ATTEMPTS.max_page_len_of::<u64>(1, 0)
    + HOMING_SUCCESSES.max_page_len_of::<u64>(1, 0)
    + HOMING_FAILURES.max_page_len_of::<u64>(1, 0);
const MOVEMENT_COUNTERS_MAX: usize = MOVEMENTS.max_page_len_of::<u64>(1, 0)
    + MOVES_STOPPED.max_page_len_of::<u64>(1, 0)
    + STEPS.max_page_len_of::<u64>(DIRECTIONS.len(), DIRECTION.max_pair_len(&DIRECTIONS))
    + LIMIT_TRIGGERS.max_page_len_of::<u64>(1, 0)
    + STEP_ERRORS.max_page_len_of::<u64>(1, 0);
/// `gpio_status` without the phase transitions: the part in `metrics`.
const GPIO_LEVELS_MAX: usize = PHASE_LEVEL
    .max_page_len_of::<bool>(PHASE_LINES, LINE.max_pair_len(&LINE_NAMES))
    + LIMIT_ACTIVE.max_page_len_of::<bool>(1, 0)
    + LIMIT_IRQ.max_page_len_of::<bool>(1, 0);
const PHASE_TRANSITIONS_MAX: usize =
    PHASE_TRANSITIONS.max_page_len_of::<u64>(PHASE_LINES, LINE.max_pair_len(&LINE_NAMES));
const STEP_TIMING_MAX: usize = STEP_DURATION.header_len()
    + Histogram::new(&STEP_SECONDS_BOUNDS, 9).max_series_len(&STEP_DURATION, 0);

/// The motor's Prometheus files and the longest text of each.
pub(crate) const FILES: [(&str, usize); 6] = [
    (
        "metrics",
        POSITION_STATUS_MAX
            + CALIBRATION_STATE_MAX
            + MOVEMENT_COUNTERS_MAX
            + GPIO_LEVELS_MAX
            + STEP_TIMING_MAX,
    ),
    ("position_status", POSITION_STATUS_MAX),
    ("calibration_state", CALIBRATION_STATE_MAX),
    ("movement_counters", MOVEMENT_COUNTERS_MAX),
    ("gpio_status", GPIO_LEVELS_MAX + PHASE_TRANSITIONS_MAX),
    ("step_timing", STEP_TIMING_MAX),
];

// Each file and its self-metric leave 10% of the page free, or the build
// fails.
const _: () = {
    let mut i = 0;
    while i < FILES.len() {
        assert!(
            fits_page_budget("motor", FILES[i].0, FILES[i].1),
            "a motor metrics file leaves less than 10% of the page free"
        );
        i += 1;
    }
};

fn position_status(m: &Motion, w: &mut Writer<'_>) {
    w.gauge(&POSITION, m.position.get());
    w.gauge(&TARGET, m.target.get());
    w.gauge(&MAX_POSITION, m.max_position);
    w.gauge(&MOVING, m.moving.load(Relaxed));
}

fn calibration_state(m: &Motion, w: &mut Writer<'_>) {
    w.gauge(&HOMED, m.homed.load(Relaxed));
    w.counter(&HOMING_ATTEMPTS, &m.metrics.homing_attempts);
    w.counter(&HOMING_SUCCESSES, &m.metrics.homing_successes);
    w.counter(&HOMING_FAILURES, &m.metrics.homing_failures);
}

fn movement_counters(m: &Motion, w: &mut Writer<'_>) {
    w.counter(&MOVEMENTS, &m.metrics.movements);
    w.counter(&MOVES_STOPPED, &m.metrics.moves_stopped);
    w.family(&STEPS, |f| {
        f.series(&STEPS_CLOCKWISE, m.metrics.steps_clockwise.get());
        f.series(
            &STEPS_COUNTER_CLOCKWISE,
            m.metrics.steps_counter_clockwise.get(),
        );
    });
    w.counter(&LIMIT_TRIGGERS, &m.metrics.limit_switch_triggers);
    w.counter(&STEP_ERRORS, &m.metrics.step_errors);
}

/// The phase line levels and the limit switch (in `metrics` too).
fn gpio_levels(m: &Motion, limit_active: Option<bool>, w: &mut Writer<'_>) {
    let mask = m.phase_mask();
    w.family(&PHASE_LEVEL, |f| {
        for (line, series) in LEVELS.iter().enumerate() {
            f.series(series, u64::from(mask >> line & 1));
        }
    });
    // A failed read of the switch leaves the family out rather than
    // reporting a made-up level.
    if let Some(active) = limit_active {
        w.gauge(&LIMIT_ACTIVE, active);
    }
    w.gauge(&LIMIT_IRQ, m.has_limit_interrupt());
}

/// Phase line level changes: in `gpio_status` only, since `metrics` with
/// them would leave less than 10% of its page free at the widest values.
fn phase_transitions(m: &Motion, w: &mut Writer<'_>) {
    w.family(&PHASE_TRANSITIONS, |f| {
        for (counter, series) in m.metrics.phase_transitions.iter().zip(TRANSITIONS.iter()) {
            f.series(series, counter.get());
        }
    });
}

fn step_timing(m: &Motion, w: &mut Writer<'_>) {
    w.histogram(&STEP_DURATION, &m.metrics.step_seconds);
}

/// Renders the file `attr` of the motor; `limit_active` reads the switch
/// (only the files that show it call it).
pub(crate) fn render(
    m: &Motion,
    limit_active: impl FnOnce() -> Option<bool>,
    attr: &[u8],
    w: &mut Writer<'_>,
) {
    match attr {
        b"position_status" => position_status(m, w),
        b"calibration_state" => calibration_state(m, w),
        b"movement_counters" => movement_counters(m, w),
        b"gpio_status" => {
            gpio_levels(m, limit_active(), w);
            phase_transitions(m, w);
        }
        b"step_timing" => step_timing(m, w),
        b"metrics" => {
            position_status(m, w);
            calibration_state(m, w);
            movement_counters(m, w);
            gpio_levels(m, limit_active(), w);
            step_timing(m, w);
        }
        _ => {}
    }
}
