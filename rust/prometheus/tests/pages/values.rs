// SPDX-License-Identifier: GPL-2.0
//! The three devices' page values (`PageValues`: every cell of the
//! pages, their `Source` on the host) and the drivers' own families and
//! page layouts (their page.rs, included by path). Depends on `core` and
//! the writer only, as `super::prometheus`: the host tests and bench
//! include it from tests/pages/mod.rs, and the test board's read floor
//! (tests/sim/read_floor.rs) from the kernel, so the hand-written floor
//! (benches/support/floor.rs) renders the same pages on both.

use super::prometheus;
use prometheus::{Counter, Histogram, Writer};

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
    /// tvcap: the metrics, the buffers held, streaming, the input.
    pub tvcap: TvcapMetrics,
    pub buffers_queued: u64,
    pub streaming: bool,
    pub input: Input,
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

// ---- mips: the driver's own families and pages ----
/// The co-processor's memory layout (its page names the regions).
#[allow(dead_code, unreachable_pub)]
#[path = "../../../../drivers/misc/sunxi-mipsloader/layout.rs"]
mod layout;

#[allow(dead_code)]
#[path = "../../../../drivers/misc/sunxi-mipsloader/page.rs"]
pub mod mips_page;

pub use mips_page::LOAD_SECONDS_BOUNDS;

impl mips_page::Source for PageValues {
    fn memory_used(&self, region: usize) -> u64 {
        self.memory_used.get(region).copied().unwrap_or(0)
    }
    fn register_reads(&self) -> &[Counter; 4] {
        &self.register_reads
    }
    fn register_writes(&self) -> &[Counter; 4] {
        &self.register_writes
    }
    fn fw_loaded(&self) -> bool {
        self.fw_loaded
    }
    fn fw_size(&self) -> u64 {
        self.fw_size
    }
    fn fw_crc(&self) -> u32 {
        self.fw_crc
    }
    fn fw_attempts(&self) -> &Counter {
        &self.fw_attempts
    }
    fn fw_successes(&self) -> &Counter {
        &self.fw_successes
    }
    fn fw_failures(&self) -> &[Counter; 6] {
        &self.fw_failures
    }
    fn fw_duration(&self) -> &Histogram<4> {
        &self.fw_duration
    }
    fn comm_errors(&self) -> [&Counter; 4] {
        self.comm_errors.each_ref()
    }
}

// ---- tvcap: the driver's own families and pages ----
#[allow(dead_code)]
#[path = "../../../../drivers/media/platform/sunxi/tvcap/page.rs"]
pub mod tvcap_page;

pub use tvcap_page::{Input, TvcapMetrics};

impl tvcap_page::Source for PageValues {
    fn metrics(&self) -> &TvcapMetrics {
        &self.tvcap
    }
    fn buffers_queued(&self) -> u64 {
        self.buffers_queued
    }
    fn streaming(&self) -> bool {
        self.streaming
    }
    fn input(&self) -> Input {
        self.input
    }
    /// The register bits are named by the driver's register definitions
    /// and shown in `signal_detection` only: not on the host.
    fn register_status(&self, _: &mut Writer<'_>) {}
}

impl PageValues {
    /// An idle device: every count 0, no firmware, no signal. The
    /// shortest numbers, so the read floor (tests/sim/read_floor.rs) that
    /// renders it is the cheapest text of each page.
    pub const fn idle() -> Self {
        PageValues {
            motor_gauges: [0; 5],
            motor: MotorMetrics::new(),
            phase_mask: 0,
            limit_active: Some(false),
            memory_used: [0; 4],
            register_reads: [const { Counter::new() }; 4],
            register_writes: [const { Counter::new() }; 4],
            fw_loaded: false,
            fw_size: 0,
            fw_crc: 0,
            fw_attempts: Counter::new(),
            fw_successes: Counter::new(),
            fw_failures: [const { Counter::new() }; 6],
            fw_duration: Histogram::new(&LOAD_SECONDS_BOUNDS, 9),
            comm_errors: [const { Counter::new() }; 4],
            tvcap: TvcapMetrics::new(),
            buffers_queued: 0,
            streaming: false,
            input: Input {
                signal: false,
                hdmi_connected: false,
                width: 0,
                height: 0,
                format: None,
            },
        }
    }
}
