// SPDX-License-Identifier: GPL-2.0

//! Test support (built only with `HY300_SIM=y`): a log of the levels the
//! GPIO chip holds on the phase lines, for the QEMU guest, where the chip is
//! gpio-sim.
//!
//! After each line it sets, the GPIO backend reads the four phase lines back
//! from the chip (raw levels, bit `i` for `phase-gpios` entry `i`); every
//! change of that state is appended here, so the log holds each line
//! transition gpio-sim saw, in order. A test cannot get this by polling the
//! gpio-sim sysfs values (too slow for every step), and the test kernel has
//! no tracing for the `gpio_value` tracepoint.
//!
//! `/sys/kernel/debug/hy300-motor-sim/phase_log` reads as the states in hex,
//! oldest first, space-separated (`04 0c 08 00`), then ` overflow` if more
//! than [`CAPACITY`] were logged. Writing anything empties it.
//!
//! `/sys/kernel/debug/hy300-motor-sim/steps_with_limit_closed` reads as the
//! number of steps driven (a non-zero mask set) while the limit switch
//! read closed: a move towards the switch that closes in its middle should
//! take none (the interrupt switches the phases off and stops it); a move
//! away from a closed switch takes some, by design. The guest test reads
//! it around the closing to measure the steps taken after it.

#![forbid(unsafe_code)]

use core::sync::atomic::{AtomicU32, AtomicU8, AtomicUsize, Ordering::Relaxed};
use kernel::debugfs::{Dir, File};
use kernel::fmt;
use kernel::prelude::*;
use kernel::uaccess::UserSliceReader;

/// States kept; more are counted and reported as an overflow.
const CAPACITY: usize = 128;

/// The logged states. One writer (the move worker; moves never overlap),
/// readers at any time.
pub(crate) struct States {
    states: [AtomicU8; CAPACITY],
    /// States logged since the last clear, including any not kept.
    len: AtomicUsize,
    /// The state last seen (the lines are requested low).
    last: AtomicU8,
}

impl States {
    fn new() -> Self {
        States {
            states: [const { AtomicU8::new(0) }; CAPACITY],
            len: AtomicUsize::new(0),
            last: AtomicU8::new(0),
        }
    }

    /// Appends `state` if it differs from the last one seen.
    fn record(&self, state: u8) {
        if self.last.swap(state, Relaxed) == state {
            return;
        }
        let len = self.len.load(Relaxed);
        if let Some(slot) = self.states.get(len) {
            slot.store(state, Relaxed);
        }
        self.len.store(len.saturating_add(1), Relaxed);
    }
}

fn show(log: &States, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let len = log.len.load(Relaxed);
    for (i, slot) in log.states.iter().take(len).enumerate() {
        let separator = if i == 0 { "" } else { " " };
        write!(f, "{separator}{:02x}", slot.load(Relaxed))?;
    }
    if len > CAPACITY {
        write!(f, " overflow")?;
    }
    writeln!(f)
}

fn clear(log: &States, _input: &mut UserSliceReader) -> Result {
    log.len.store(0, Relaxed);
    Ok(())
}

/// The log, the count of steps with the switch closed, and their debugfs
/// files, removed on drop.
pub(crate) struct PhaseLog {
    log: Pin<KBox<File<States>>>,
    closed_steps: Pin<KBox<File<AtomicU32>>>,
}

impl PhaseLog {
    pub(crate) fn new() -> Result<Self> {
        let dir = Dir::new(c"hy300-motor-sim");
        let log = KBox::pin_init(
            dir.read_write_callback_file(c"phase_log", States::new(), &show, &clear),
            GFP_KERNEL,
        )?;
        let closed_steps = KBox::pin_init(
            dir.read_only_file(c"steps_with_limit_closed", AtomicU32::new(0)),
            GFP_KERNEL,
        )?;
        Ok(PhaseLog { log, closed_steps })
    }

    /// Logs the phase lines' `state` read back from the chip, if it changed.
    pub(crate) fn record(&self, state: u8) {
        self.log.record(state);
    }

    /// Counts a step driven while the limit switch read closed.
    pub(crate) fn step_with_limit_closed(&self) {
        self.closed_steps.fetch_add(1, Relaxed);
    }
}
