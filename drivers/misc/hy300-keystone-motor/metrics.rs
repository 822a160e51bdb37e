// SPDX-License-Identifier: GPL-2.0

//! The motor's metric families and which file shows which.

use core::sync::atomic::Ordering::Relaxed;

use crate::motion::{Motion, PHASE_LINES};
use crate::prometheus::{Family, LabelName, Writer};
use crate::Motor;

const POSITION: Family = Family::gauge(
    "hy300_motor_position_steps",
    "Current lens position in steps from the end stop.",
);
const TARGET: Family = Family::gauge(
    "hy300_motor_target_position_steps",
    "Position the last move was asked to reach.",
);
const MAX_POSITION: Family = Family::gauge(
    "hy300_motor_max_position_steps",
    "Largest position the lens may be moved to.",
);
const MOVING: Family = Family::gauge("hy300_motor_moving", "1 while a move or homing runs.");

const HOMED: Family = Family::gauge(
    "hy300_motor_homed",
    "1 once homing found the limit switch and the position is known.",
);
const HOMING_ATTEMPTS: Family =
    Family::counter("hy300_motor_homing_attempts_total", "Homing runs started.");
const HOMING_SUCCESSES: Family = Family::counter(
    "hy300_motor_homing_successes_total",
    "Homing runs that found the limit switch.",
);
const HOMING_FAILURES: Family = Family::counter(
    "hy300_motor_homing_failures_total",
    "Homing runs that failed: switch never seen, stopped, or GPIO error.",
);

const MOVEMENTS: Family = Family::counter(
    "hy300_motor_movements_total",
    "Moves requested through the position file.",
);
const MOVES_STOPPED: Family = Family::counter(
    "hy300_motor_moves_stopped_total",
    "Moves or homing runs ended early by stop or unbind.",
);
const STEPS: Family = Family::counter("hy300_motor_steps_total", "Half steps taken, by direction.");
const LIMIT_TRIGGERS: Family = Family::counter(
    "hy300_motor_limit_switch_triggers_total",
    "Times the limit switch was found active.",
);
const STEP_ERRORS: Family = Family::counter(
    "hy300_motor_step_errors_total",
    "GPIO errors while stepping or reading the switch.",
);

const PHASE_LEVEL: Family = Family::gauge(
    "hy300_motor_phase_line_level",
    "Level driven on each phase line (1 = energised).",
);
const LIMIT_ACTIVE: Family = Family::gauge(
    "hy300_motor_limit_switch_active",
    "1 while the limit switch reads active.",
);
const PHASE_TRANSITIONS: Family = Family::counter(
    "hy300_motor_phase_transitions_total",
    "Level changes on each phase line.",
);

const STEP_DURATION: Family = Family::histogram(
    "hy300_motor_step_duration_seconds",
    "Time of one half step: drive the phases, hold, pause.",
);

const DIRECTION: LabelName = LabelName::new("direction");
const LINE: LabelName = LabelName::new("line");
const LINE_NAMES: [&str; PHASE_LINES] = ["0", "1", "2", "3"];

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
        f.sample(&[(DIRECTION, "clockwise")], m.metrics.steps_clockwise.get());
        f.sample(
            &[(DIRECTION, "counter_clockwise")],
            m.metrics.steps_counter_clockwise.get(),
        );
    });
    w.counter(&LIMIT_TRIGGERS, &m.metrics.limit_switch_triggers);
    w.counter(&STEP_ERRORS, &m.metrics.step_errors);
}

fn gpio_status(motor: &Motor, w: &mut Writer<'_>) {
    let m = &motor.motion;
    let mask = m.phase_mask();
    w.family(&PHASE_LEVEL, |f| {
        for (line, name) in LINE_NAMES.iter().enumerate() {
            f.sample(&[(LINE, name)], u64::from(mask >> line & 1));
        }
    });
    // The switch is an input: read it now. A read error leaves the family
    // out rather than reporting a made-up level.
    if let Ok(active) = crate::motion::MotorHw::limit_active(&motor.hw) {
        w.gauge(&LIMIT_ACTIVE, active);
    }
    w.family(&PHASE_TRANSITIONS, |f| {
        for (counter, name) in m.metrics.phase_transitions.iter().zip(LINE_NAMES.iter()) {
            f.sample(&[(LINE, name)], counter.get());
        }
    });
}

fn step_timing(m: &Motion, w: &mut Writer<'_>) {
    w.histogram(&STEP_DURATION, &m.metrics.step_seconds);
}

/// Renders the file `attr` of the motor.
pub(crate) fn render(motor: &Motor, attr: &[u8], w: &mut Writer<'_>) {
    let m = &motor.motion;
    match attr {
        b"position_status" => position_status(m, w),
        b"calibration_state" => calibration_state(m, w),
        b"movement_counters" => movement_counters(m, w),
        b"gpio_status" => gpio_status(motor, w),
        b"step_timing" => step_timing(m, w),
        b"metrics" => {
            position_status(m, w);
            calibration_state(m, w);
            movement_counters(m, w);
            gpio_status(motor, w);
            step_timing(m, w);
        }
        _ => {}
    }
}
