// SPDX-License-Identifier: GPL-2.0
//! The floor: hand-written renderers of exactly every page of every device
//! (each published file: the drivers' page.rs, through tests/pages/mod.rs),
//! what a render cannot beat: the static text in whole blocks made by
//! `concat!` (copied with lengths known at compile time), integers by a
//! two-digit formatter, one bounds check per piece. Each page is made of
//! the same sections as the driver's (`render` in its page.rs), so a page
//! here is the driver's page by construction and the bench checks it byte
//! for byte.

use crate::pages::PageValues;

/// The static text before a family's first value: HELP, TYPE and the first
/// sample's name (and labels), glued to the previous line's newline.
macro_rules! head {
    ($name:literal, $help:literal, $kind:literal, $first:literal) => {
        concat!(
            "# HELP ",
            $name,
            " ",
            $help,
            "\n# TYPE ",
            $name,
            " ",
            $kind,
            "\n",
            $name,
            $first,
            " "
        )
        .as_bytes()
    };
}

/// Two-digit pairs "00".."99".
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

struct Floor<'a> {
    buf: &'a mut [u8],
    len: usize,
    overflow: bool,
}

impl Floor<'_> {
    #[inline(always)]
    fn put(&mut self, s: &[u8]) {
        let end = self.len + s.len();
        match self.buf.get_mut(self.len..end) {
            Some(d) => {
                d.copy_from_slice(s);
                self.len = end;
            }
            None => self.overflow = true,
        }
    }

    /// Digits of `v` right-aligned in `out`; returns where they start.
    #[inline(always)]
    fn digits(mut v: u64, out: &mut [u8; 20]) -> usize {
        let mut i = 20;
        while v >= 100 {
            let p = (v % 100) as usize * 2;
            v /= 100;
            i -= 2;
            out[i] = PAIRS[p];
            out[i + 1] = PAIRS[p + 1];
        }
        if v >= 10 {
            let p = v as usize * 2;
            i -= 2;
            out[i] = PAIRS[p];
            out[i + 1] = PAIRS[p + 1];
        } else {
            i -= 1;
            out[i] = b'0' + v as u8;
        }
        i
    }

    #[inline(always)]
    fn u64(&mut self, v: u64) {
        let mut d = [0u8; 20];
        let i = Self::digits(v, &mut d);
        self.put(&d[i..]);
    }

    #[inline(always)]
    fn i64(&mut self, v: i64) {
        if v < 0 {
            self.put(b"-");
        }
        self.u64(v.unsigned_abs());
    }

    /// `v / 10^9` without trailing fractional zeros.
    #[inline(always)]
    fn nanos_as_seconds(&mut self, v: u64) {
        self.u64(v / 1_000_000_000);
        let mut frac = v % 1_000_000_000;
        if frac != 0 {
            let mut width = 9;
            while frac.is_multiple_of(10) {
                frac /= 10;
                width -= 1;
            }
            let mut d = [b'.'; 20];
            let i = Self::digits(frac, &mut d);
            // Leading fractional zeros: the pad is '0' between the point
            // and the digits.
            let start = 20 - width - 1;
            for c in &mut d[start + 1..i] {
                *c = b'0';
            }
            self.put(&d[start..]);
        }
    }

    /// `v / 10^3` without trailing fractional zeros (a fixed-point value
    /// of scale 3).
    #[inline(always)]
    fn milli(&mut self, v: u64) {
        self.u64(v / 1000);
        let mut frac = v % 1000;
        if frac != 0 {
            let mut width = 3;
            while frac.is_multiple_of(10) {
                frac /= 10;
                width -= 1;
            }
            let mut d = [b'.'; 20];
            let i = Self::digits(frac, &mut d);
            let start = 20 - width - 1;
            for c in &mut d[start + 1..i] {
                *c = b'0';
            }
            self.put(&d[start..]);
        }
    }

    #[inline(always)]
    fn flag(&mut self, on: bool) {
        self.put(if on { b"1\n" } else { b"0\n" });
    }

    #[inline(always)]
    fn line(&mut self, v: u64) {
        self.u64(v);
        self.put(b"\n");
    }
}

/// A page rendered by hand: its sections into `buf`; the length, or
/// `None` if it did not fit.
fn page(buf: &mut [u8], sections: impl FnOnce(&mut Floor<'_>)) -> Option<usize> {
    let mut o = Floor {
        buf,
        len: 0,
        overflow: false,
    };
    sections(&mut o);
    (!o.overflow).then_some(o.len)
}

// ---- motor: the sections of drivers/misc/hy300-keystone-motor/page.rs

fn position_status(v: &PageValues, o: &mut Floor<'_>) {
    let g = &v.motor_gauges;
    o.put(head!(
        "hy300_motor_position_steps",
        "Current motor position in steps",
        "gauge",
        ""
    ));
    o.i64(g[0]);
    o.put(b"\n");
    o.put(head!(
        "hy300_motor_target_position_steps",
        "Target of the last move.",
        "gauge",
        ""
    ));
    o.i64(g[1]);
    o.put(b"\n");
    o.put(head!(
        "hy300_motor_max_position_steps",
        "Largest position.",
        "gauge",
        ""
    ));
    o.u64(u64::from(g[2] as u32));
    o.put(b"\n");
    o.put(head!(
        "hy300_motor_moving",
        "1 while moving or homing.",
        "gauge",
        ""
    ));
    o.flag(g[3] != 0);
}

fn calibration_state(v: &PageValues, o: &mut Floor<'_>) {
    let c = v.motor_counters();
    o.put(head!(
        "hy300_motor_homed",
        "Motor homing status",
        "gauge",
        ""
    ));
    o.flag(v.motor_gauges[4] != 0);
    o.put(head!(
        "hy300_motor_homing_attempts_total",
        "Homing runs.",
        "counter",
        ""
    ));
    o.line(c[0].get());
    o.put(head!(
        "hy300_motor_homing_successes_total",
        "Homing runs that succeeded.",
        "counter",
        ""
    ));
    o.line(c[1].get());
    o.put(head!(
        "hy300_motor_homing_failures_total",
        "Homing runs that failed.",
        "counter",
        ""
    ));
    o.line(c[2].get());
}

fn movement_counters(v: &PageValues, o: &mut Floor<'_>) {
    let c = v.motor_counters();
    o.put(head!(
        "hy300_motor_movements_total",
        "Total motor movements",
        "counter",
        ""
    ));
    o.line(c[3].get());
    o.put(head!(
        "hy300_motor_moves_stopped_total",
        "Moves stopped early.",
        "counter",
        ""
    ));
    o.line(c[4].get());
    o.put(head!(
        "hy300_motor_steps_total",
        "Half steps taken.",
        "counter",
        "{direction=\"clockwise\"}"
    ));
    o.line(c[5].get());
    o.put(b"hy300_motor_steps_total{direction=\"counter_clockwise\"} ");
    o.line(c[6].get());
    o.put(head!(
        "hy300_motor_limit_switch_triggers_total",
        "Limit switch hits.",
        "counter",
        ""
    ));
    o.line(c[7].get());
    o.put(head!(
        "hy300_motor_step_errors_total",
        "GPIO errors.",
        "counter",
        ""
    ));
    o.line(c[8].get());
}

fn gpio_levels(v: &PageValues, o: &mut Floor<'_>) {
    let m = v.phase_mask;
    o.put(head!(
        "hy300_motor_phase_line_level",
        "Phase line level.",
        "gauge",
        "{line=\"0\"}"
    ));
    o.flag(m & 1 != 0);
    o.put(b"hy300_motor_phase_line_level{line=\"1\"} ");
    o.flag(m & 2 != 0);
    o.put(b"hy300_motor_phase_line_level{line=\"2\"} ");
    o.flag(m & 4 != 0);
    o.put(b"hy300_motor_phase_line_level{line=\"3\"} ");
    o.flag(m & 8 != 0);
    if let Some(active) = v.limit_active {
        o.put(head!(
            "hy300_motor_limit_switch_active",
            "1 while the switch is active.",
            "gauge",
            ""
        ));
        o.flag(active);
    }
    o.put(head!(
        "hy300_motor_limit_switch_irq",
        "1 if the switch has an interrupt, 0 if polled.",
        "gauge",
        ""
    ));
    o.put(b"1\n");
}

fn phase_transitions(v: &PageValues, o: &mut Floor<'_>) {
    let t = &v.motor.phase_transitions;
    o.put(head!(
        "hy300_motor_phase_transitions_total",
        "Phase line level changes.",
        "counter",
        "{line=\"0\"}"
    ));
    o.line(t[0].get());
    o.put(b"hy300_motor_phase_transitions_total{line=\"1\"} ");
    o.line(t[1].get());
    o.put(b"hy300_motor_phase_transitions_total{line=\"2\"} ");
    o.line(t[2].get());
    o.put(b"hy300_motor_phase_transitions_total{line=\"3\"} ");
    o.line(t[3].get());
}

fn step_timing(v: &PageValues, o: &mut Floor<'_>) {
    let s = v.motor.step_seconds.snapshot();
    o.put(head!(
        "hy300_motor_step_duration_seconds",
        "Half step time.",
        "histogram",
        "_bucket{le=\"0.0005\"}"
    ));
    o.line(s.cumulative[0]);
    o.put(b"hy300_motor_step_duration_seconds_bucket{le=\"0.001\"} ");
    o.line(s.cumulative[1]);
    o.put(b"hy300_motor_step_duration_seconds_bucket{le=\"0.002\"} ");
    o.line(s.cumulative[2]);
    o.put(b"hy300_motor_step_duration_seconds_bucket{le=\"0.005\"} ");
    o.line(s.cumulative[3]);
    o.put(b"hy300_motor_step_duration_seconds_bucket{le=\"0.01\"} ");
    o.line(s.cumulative[4]);
    o.put(b"hy300_motor_step_duration_seconds_bucket{le=\"0.05\"} ");
    o.line(s.cumulative[5]);
    o.put(b"hy300_motor_step_duration_seconds_bucket{le=\"+Inf\"} ");
    o.line(s.count);
    o.put(b"hy300_motor_step_duration_seconds_sum ");
    o.nanos_as_seconds(s.sum);
    o.put(b"\nhy300_motor_step_duration_seconds_count ");
    o.line(s.count);
}

/// The motor's `metrics` page.
pub fn motor(v: &PageValues, buf: &mut [u8]) -> Option<usize> {
    page(buf, |o| {
        position_status(v, o);
        calibration_state(v, o);
        movement_counters(v, o);
        gpio_levels(v, o);
        step_timing(v, o);
    })
}

pub fn motor_position_status(v: &PageValues, buf: &mut [u8]) -> Option<usize> {
    page(buf, |o| position_status(v, o))
}

pub fn motor_calibration_state(v: &PageValues, buf: &mut [u8]) -> Option<usize> {
    page(buf, |o| calibration_state(v, o))
}

pub fn motor_movement_counters(v: &PageValues, buf: &mut [u8]) -> Option<usize> {
    page(buf, |o| movement_counters(v, o))
}

pub fn motor_gpio_status(v: &PageValues, buf: &mut [u8]) -> Option<usize> {
    page(buf, |o| {
        gpio_levels(v, o);
        phase_transitions(v, o);
    })
}

pub fn motor_step_timing(v: &PageValues, buf: &mut [u8]) -> Option<usize> {
    page(buf, |o| step_timing(v, o))
}

// ---- mips: the sections of drivers/misc/sunxi-mipsloader/page.rs

/// The region sizes are constants of the layout: their lines are static.
fn memory_stats(v: &PageValues, o: &mut Floor<'_>) {
    o.put(
        concat!(
            "# HELP hy300_mips_memory_region_size_bytes Size of each reserved memory region.\n",
            "# TYPE hy300_mips_memory_region_size_bytes gauge\n",
            "hy300_mips_memory_region_size_bytes{region=\"boot_code\"} 4096\n",
            "hy300_mips_memory_region_size_bytes{region=\"firmware\"} 12582912\n",
            "hy300_mips_memory_region_size_bytes{region=\"debug\"} 1048576\n",
            "hy300_mips_memory_region_size_bytes{region=\"framebuffer\"} 27262976\n",
        )
        .as_bytes(),
    );
    let u = &v.memory_used;
    o.put(head!(
        "hy300_mips_memory_usage_bytes",
        "Memory usage in MIPS regions",
        "gauge",
        "{region=\"boot_code\"}"
    ));
    o.line(u[0]);
    o.put(b"hy300_mips_memory_usage_bytes{region=\"firmware\"} ");
    o.line(u[1]);
    o.put(b"hy300_mips_memory_usage_bytes{region=\"debug\"} ");
    o.line(u[2]);
    o.put(b"hy300_mips_memory_usage_bytes{region=\"framebuffer\"} ");
    o.line(u[3]);
}

fn register_access(v: &PageValues, o: &mut Floor<'_>) {
    let (r, w) = (&v.register_reads, &v.register_writes);
    let total = |i: usize| r[i].get().saturating_add(w[i].get());
    o.put(head!(
        "hy300_mips_register_access_total",
        "Register access count",
        "counter",
        "{register=\"cmd\"}"
    ));
    o.line(total(0));
    o.put(b"hy300_mips_register_access_total{register=\"status\"} ");
    o.line(total(1));
    o.put(b"hy300_mips_register_access_total{register=\"data\"} ");
    o.line(total(2));
    o.put(b"hy300_mips_register_access_total{register=\"control\"} ");
    o.line(total(3));
}

fn register_writes(v: &PageValues, o: &mut Floor<'_>) {
    let w = &v.register_writes;
    o.put(head!(
        "hy300_mips_register_writes_total",
        "Register writes.",
        "counter",
        "{register=\"cmd\"}"
    ));
    o.line(w[0].get());
    o.put(b"hy300_mips_register_writes_total{register=\"status\"} ");
    o.line(w[1].get());
    o.put(b"hy300_mips_register_writes_total{register=\"data\"} ");
    o.line(w[2].get());
    o.put(b"hy300_mips_register_writes_total{register=\"control\"} ");
    o.line(w[3].get());
}

fn firmware_summary(v: &PageValues, o: &mut Floor<'_>) {
    o.put(head!(
        "hy300_mips_firmware_loaded",
        "Firmware loading status",
        "gauge",
        ""
    ));
    o.flag(v.fw_loaded);
    o.put(head!(
        "hy300_mips_firmware_size_bytes",
        "Loaded firmware size.",
        "gauge",
        ""
    ));
    o.line(v.fw_size);
    let f = &v.fw_failures;
    o.put(head!(
        "hy300_mips_firmware_load_failures_total",
        "Firmware loads failed.",
        "counter",
        "{reason=\"not_found\"}"
    ));
    o.line(f[0].get());
    o.put(b"hy300_mips_firmware_load_failures_total{reason=\"too_large\"} ");
    o.line(f[1].get());
    o.put(b"hy300_mips_firmware_load_failures_total{reason=\"truncated\"} ");
    o.line(f[2].get());
    o.put(b"hy300_mips_firmware_load_failures_total{reason=\"crc_mismatch\"} ");
    o.line(f[3].get());
    o.put(b"hy300_mips_firmware_load_failures_total{reason=\"busy\"} ");
    o.line(f[4].get());
    o.put(b"hy300_mips_firmware_load_failures_total{reason=\"io\"} ");
    o.line(f[5].get());
    let s = v.fw_duration.snapshot();
    o.put(head!(
        "hy300_mips_firmware_load_duration_seconds",
        "Firmware load time.",
        "histogram",
        "_bucket{le=\"0.01\"}"
    ));
    o.line(s.cumulative[0]);
    o.put(b"hy300_mips_firmware_load_duration_seconds_bucket{le=\"0.1\"} ");
    o.line(s.cumulative[1]);
    o.put(b"hy300_mips_firmware_load_duration_seconds_bucket{le=\"1\"} ");
    o.line(s.cumulative[2]);
    o.put(b"hy300_mips_firmware_load_duration_seconds_bucket{le=\"10\"} ");
    o.line(s.cumulative[3]);
    o.put(b"hy300_mips_firmware_load_duration_seconds_bucket{le=\"+Inf\"} ");
    o.line(s.count);
    o.put(b"hy300_mips_firmware_load_duration_seconds_sum ");
    o.nanos_as_seconds(s.sum);
    o.put(b"\nhy300_mips_firmware_load_duration_seconds_count ");
    o.line(s.count);
}

fn firmware_detail(v: &PageValues, o: &mut Floor<'_>) {
    o.put(head!(
        "hy300_mips_firmware_crc32",
        "Loaded firmware CRC32.",
        "gauge",
        ""
    ));
    o.line(u64::from(v.fw_crc));
    o.put(head!(
        "hy300_mips_firmware_load_attempts_total",
        "Firmware loads tried.",
        "counter",
        ""
    ));
    o.line(v.fw_attempts.get());
    o.put(head!(
        "hy300_mips_firmware_load_successes_total",
        "Firmware loads done.",
        "counter",
        ""
    ));
    o.line(v.fw_successes.get());
}

fn communication_errors(v: &PageValues, o: &mut Floor<'_>) {
    let e = &v.comm_errors;
    o.put(head!(
        "hy300_mips_communication_errors_total",
        "Failed exchanges.",
        "counter",
        "{kind=\"timeout\"}"
    ));
    o.line(e[0].get());
    o.put(b"hy300_mips_communication_errors_total{kind=\"busy\"} ");
    o.line(e[1].get());
    o.put(b"hy300_mips_communication_errors_total{kind=\"bad_status\"} ");
    o.line(e[2].get());
    o.put(b"hy300_mips_communication_errors_total{kind=\"io\"} ");
    o.line(e[3].get());
}

/// The co-processor's `metrics` page.
pub fn mips(v: &PageValues, buf: &mut [u8]) -> Option<usize> {
    page(buf, |o| {
        memory_stats(v, o);
        register_access(v, o);
        firmware_summary(v, o);
        communication_errors(v, o);
    })
}

pub fn mips_memory_stats(v: &PageValues, buf: &mut [u8]) -> Option<usize> {
    page(buf, |o| memory_stats(v, o))
}

pub fn mips_register_access_count(v: &PageValues, buf: &mut [u8]) -> Option<usize> {
    page(buf, |o| {
        register_access(v, o);
        register_writes(v, o);
    })
}

pub fn mips_firmware_status(v: &PageValues, buf: &mut [u8]) -> Option<usize> {
    page(buf, |o| {
        firmware_summary(v, o);
        firmware_detail(v, o);
    })
}

pub fn mips_communication_errors(v: &PageValues, buf: &mut [u8]) -> Option<usize> {
    page(buf, |o| communication_errors(v, o))
}

// ---- tvcap: the sections of drivers/media/platform/sunxi/tvcap/page.rs

fn capture_stats(v: &PageValues, o: &mut Floor<'_>) {
    let t = &v.tvcap;
    o.put(head!(
        "hy300_tvcap_frames_captured_total",
        "Total captured frames",
        "counter",
        ""
    ));
    o.line(t.frames_captured.get());
    o.put(head!(
        "hy300_tvcap_frames_dropped_total",
        "Frames lost.",
        "counter",
        ""
    ));
    o.line(t.frames_dropped.get());
    o.put(head!(
        "hy300_tvcap_bytes_captured_total",
        "Bytes delivered.",
        "counter",
        ""
    ));
    o.line(t.bytes_captured.get());
    let e = &t.errors;
    o.put(head!(
        "hy300_tvcap_capture_errors_total",
        "Capture errors.",
        "counter",
        "{kind=\"buffer_underflow\"}"
    ));
    o.line(e[0].get());
    o.put(b"hy300_tvcap_capture_errors_total{kind=\"hw_error\"} ");
    o.line(e[1].get());
    o.put(b"hy300_tvcap_capture_errors_total{kind=\"dma_error\"} ");
    o.line(e[2].get());
    o.put(b"hy300_tvcap_capture_errors_total{kind=\"fifo_error\"} ");
    o.line(e[3].get());
    o.put(b"hy300_tvcap_capture_errors_total{kind=\"timeout\"} ");
    o.line(e[4].get());
}

fn interrupts(v: &PageValues, o: &mut Floor<'_>) {
    let i = &v.tvcap.interrupts;
    o.put(head!(
        "hy300_tvcap_interrupts_total",
        "Interrupt handler calls.",
        "counter",
        "{result=\"handled\"}"
    ));
    o.line(i[0].get());
    o.put(b"hy300_tvcap_interrupts_total{result=\"none\"} ");
    o.line(i[1].get());
}

fn buffer_status(v: &PageValues, o: &mut Floor<'_>) {
    let allocated = u64::try_from(v.tvcap.buffers_allocated.get()).unwrap_or(0);
    let queued = v.buffers_queued;
    o.put(head!(
        "hy300_tvcap_buffers_allocated",
        "Buffers allocated.",
        "gauge",
        ""
    ));
    o.line(allocated);
    o.put(head!(
        "hy300_tvcap_buffers_queued",
        "Buffers held by the driver.",
        "gauge",
        ""
    ));
    o.line(queued);
    o.put(head!(
        "hy300_tvcap_buffer_usage_ratio",
        "Buffer usage ratio",
        "gauge",
        ""
    ));
    o.milli(
        (queued.min(allocated) * 1000)
            .checked_div(allocated)
            .unwrap_or(0),
    );
    o.put(b"\n");
    o.put(head!(
        "hy300_tvcap_streaming",
        "1 while streaming.",
        "gauge",
        ""
    ));
    o.flag(v.streaming);
}

fn signal(v: &PageValues, o: &mut Floor<'_>) {
    let i = v.input;
    o.put(head!(
        "hy300_tvcap_signal_detected",
        "HDMI signal detection status",
        "gauge",
        ""
    ));
    o.flag(i.signal);
    o.put(head!(
        "hy300_tvcap_hdmi_connected",
        "1 with a cable.",
        "gauge",
        ""
    ));
    o.flag(i.hdmi_connected);
    o.put(head!(
        "hy300_tvcap_hotplug_events_total",
        "Hotplug events.",
        "counter",
        ""
    ));
    o.line(v.tvcap.hotplug_events.get());
    o.put(head!(
        "hy300_tvcap_width_pixels",
        "Capture width.",
        "gauge",
        ""
    ));
    o.line(u64::from(i.width));
    o.put(head!(
        "hy300_tvcap_height_pixels",
        "Capture height.",
        "gauge",
        ""
    ));
    o.line(u64::from(i.height));
    o.put(head!(
        "hy300_tvcap_format_info",
        "Capture pixel format.",
        "gauge",
        "{format=\"YUYV\"}"
    ));
    o.flag(i.format == Some(0));
    o.put(b"hy300_tvcap_format_info{format=\"YU12\"} ");
    o.flag(i.format == Some(1));
    o.put(b"hy300_tvcap_format_info{format=\"RGB24\"} ");
    o.flag(i.format == Some(2));
}

fn format_changes(v: &PageValues, o: &mut Floor<'_>) {
    o.put(head!(
        "hy300_tvcap_format_changes_total",
        "Input format changes.",
        "counter",
        ""
    ));
    o.line(v.tvcap.format_changes.get());
}

fn frame_metrics(v: &PageValues, o: &mut Floor<'_>) {
    let t = &v.tvcap;
    let s = t.frame_interval.snapshot();
    o.put(head!(
        "hy300_tvcap_frame_interval_seconds",
        "Time between frames.",
        "histogram",
        "_bucket{le=\"0.01\"}"
    ));
    o.line(s.cumulative[0]);
    o.put(b"hy300_tvcap_frame_interval_seconds_bucket{le=\"0.02\"} ");
    o.line(s.cumulative[1]);
    o.put(b"hy300_tvcap_frame_interval_seconds_bucket{le=\"0.034\"} ");
    o.line(s.cumulative[2]);
    o.put(b"hy300_tvcap_frame_interval_seconds_bucket{le=\"0.05\"} ");
    o.line(s.cumulative[3]);
    o.put(b"hy300_tvcap_frame_interval_seconds_bucket{le=\"0.1\"} ");
    o.line(s.cumulative[4]);
    o.put(b"hy300_tvcap_frame_interval_seconds_bucket{le=\"1\"} ");
    o.line(s.cumulative[5]);
    o.put(b"hy300_tvcap_frame_interval_seconds_bucket{le=\"+Inf\"} ");
    o.line(s.count);
    o.put(b"hy300_tvcap_frame_interval_seconds_sum ");
    o.nanos_as_seconds(s.sum);
    o.put(b"\nhy300_tvcap_frame_interval_seconds_count ");
    o.line(s.count);
    o.put(head!(
        "hy300_tvcap_frame_rate_hertz",
        "Rate from the last interval.",
        "gauge",
        ""
    ));
    let ns = t
        .last_interval_ns
        .load(core::sync::atomic::Ordering::Relaxed);
    o.milli(1_000_000_000_000u64.checked_div(ns).unwrap_or(0));
    o.put(b"\n");
}

/// The capture device's `metrics` page.
pub fn tvcap(v: &PageValues, buf: &mut [u8]) -> Option<usize> {
    page(buf, |o| {
        capture_stats(v, o);
        buffer_status(v, o);
        signal(v, o);
        frame_metrics(v, o);
    })
}

pub fn tvcap_capture_stats(v: &PageValues, buf: &mut [u8]) -> Option<usize> {
    page(buf, |o| {
        capture_stats(v, o);
        interrupts(v, o);
    })
}

pub fn tvcap_buffer_status(v: &PageValues, buf: &mut [u8]) -> Option<usize> {
    page(buf, |o| buffer_status(v, o))
}

/// `signal_detection` without the register status bits, which the driver
/// renders from its register definitions (not on the host: the host's
/// page has none either).
pub fn tvcap_signal_detection(v: &PageValues, buf: &mut [u8]) -> Option<usize> {
    page(buf, |o| {
        signal(v, o);
        format_changes(v, o);
    })
}

pub fn tvcap_frame_metrics(v: &PageValues, buf: &mut [u8]) -> Option<usize> {
    page(buf, |o| frame_metrics(v, o))
}
