// SPDX-License-Identifier: GPL-2.0

//! The co-processor protocol (restart, power down, panel parameters,
//! status) over [`MipsHw`], counting every register access.

use kernel::prelude::*;
use kernel::time::{delay::fsleep, Delta, Instant, Monotonic};

use crate::hw::{Backend, MipsHw, Reg};
use crate::layout::{DEBUG, REGIONS};
use crate::prometheus::Counter;
use core::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// STATUS bit 0: a command is running.
pub(crate) const STATUS_BUSY: u32 = 1 << 0;
/// CMD values.
pub(crate) const CMD_POWER_DOWN: u32 = 0x02;
pub(crate) const CMD_APPLY_PANEL: u32 = 0x10;
/// CONTROL values.
pub(crate) const CONTROL_RESET: u32 = 1;
pub(crate) const CONTROL_RUN: u32 = 0;
/// Reset pulse width.
pub(crate) const RESET_PULSE_MS: i64 = 10;
/// Busy polling: period and timeout.
pub(crate) const POLL_PERIOD_MS: i64 = 10;
pub(crate) const POLL_TIMEOUT_MS: i64 = 1000;
/// Limit of each panel coordinate.
pub(crate) const PANEL_LIMIT: i32 = 100;

/// Register accesses, by register and direction.
pub(crate) struct RegisterCounters {
    pub(crate) reads: [Counter; 4],
    pub(crate) writes: [Counter; 4],
}

/// Communication errors, by kind.
pub(crate) struct CommErrors {
    /// The co-processor stayed busy past the timeout.
    pub(crate) timeout: Counter,
    /// A command was refused because the co-processor was busy.
    pub(crate) busy: Counter,
    /// STATUS had bits set that the protocol does not define.
    pub(crate) bad_status: Counter,
    /// A register or memory access failed (e.g. device gone).
    pub(crate) io: Counter,
}

/// What the protocol counts.
pub(crate) struct ProtocolMetrics {
    pub(crate) registers: RegisterCounters,
    pub(crate) errors: CommErrors,
    /// Bytes of each region (`layout::REGIONS` order) last written.
    pub(crate) memory_used: [AtomicU64; 4],
}

impl ProtocolMetrics {
    pub(crate) const fn new() -> Self {
        ProtocolMetrics {
            registers: RegisterCounters {
                reads: counters(),
                writes: counters(),
            },
            errors: CommErrors {
                timeout: Counter::new(),
                busy: Counter::new(),
                bad_status: Counter::new(),
                io: Counter::new(),
            },
            memory_used: [
                AtomicU64::new(0),
                AtomicU64::new(0),
                AtomicU64::new(0),
                AtomicU64::new(0),
            ],
        }
    }
}

/// The protocol over a backend, counting into `metrics`. Built for one
/// operation while the caller holds the backend (the operation lock), so
/// no access can follow the backend's removal.
pub(crate) struct Protocol<'a> {
    hw: &'a Backend,
    pub(crate) metrics: &'a ProtocolMetrics,
}

const fn counters() -> [Counter; 4] {
    [
        Counter::new(),
        Counter::new(),
        Counter::new(),
        Counter::new(),
    ]
}

impl<'a> Protocol<'a> {
    pub(crate) fn new(hw: &'a Backend, metrics: &'a ProtocolMetrics) -> Self {
        Protocol { hw, metrics }
    }

    /// Reads `reg`, counting the access.
    pub(crate) fn read(&self, reg: Reg) -> Result<u32> {
        self.metrics.registers.reads[reg.index() % 4].inc();
        self.hw
            .read(reg)
            .inspect_err(|_| self.metrics.errors.io.inc())
    }

    /// Writes `reg`, counting the access.
    pub(crate) fn write(&self, reg: Reg, value: u32) -> Result {
        self.metrics.registers.writes[reg.index() % 4].inc();
        self.hw
            .write(reg, value)
            .inspect_err(|_| self.metrics.errors.io.inc())
    }

    /// Copies `data` into the reserved memory at `offset`, which must start
    /// a region; that region's usage becomes `data.len()`.
    pub(crate) fn write_memory(&self, offset: usize, data: &[u8]) -> Result {
        let (region, used) = REGIONS
            .iter()
            .zip(self.metrics.memory_used.iter())
            .find(|(r, _)| r.offset == offset)
            .ok_or(EINVAL)?;
        if data.len() > region.size {
            return Err(EINVAL);
        }
        self.hw
            .write_memory(offset, data)
            .inspect_err(|_| self.metrics.errors.io.inc())?;
        used.store(data.len() as u64, Relaxed);
        Ok(())
    }

    /// Holds the core in reset.
    pub(crate) fn hold_reset(&self) -> Result {
        self.write(Reg::Control, CONTROL_RESET)
    }

    /// Releases the core from reset after the reset pulse.
    pub(crate) fn release_reset(&self) -> Result {
        fsleep(Delta::from_millis(RESET_PULSE_MS));
        self.write(Reg::Control, CONTROL_RUN)
    }

    /// Restart: CONTROL = 1, 10 ms, CONTROL = 0 (two register writes).
    pub(crate) fn restart(&self) -> Result {
        self.hold_reset()?;
        self.release_reset()
    }

    /// Power down: CMD = 0x02 (one register write).
    pub(crate) fn power_down(&self) -> Result {
        self.write(Reg::Cmd, CMD_POWER_DOWN)
    }

    /// Sends the keystone corners: checks them (no access if out of
    /// range), writes them to the DEBUG region, CMD = 0x10, then polls STATUS
    /// every 10 ms until not busy (1 s timeout, `ETIMEDOUT`).
    pub(crate) fn set_panel(&self, corners: &[i32; 8]) -> Result {
        validate_panel(corners)?;
        // Native byte order: little endian on the H713 (arm64).
        self.write_memory(REGIONS[DEBUG].offset, corners.as_bytes())?;
        self.write(Reg::Cmd, CMD_APPLY_PANEL)?;
        self.wait_idle()
    }

    /// Polls STATUS until the busy bit clears.
    pub(crate) fn wait_idle(&self) -> Result {
        let start = Instant::<Monotonic>::now();
        loop {
            let status = self.read(Reg::Status)?;
            if status & STATUS_BUSY == 0 {
                if status != 0 {
                    self.metrics.errors.bad_status.inc();
                    return Err(EIO);
                }
                return Ok(());
            }
            if start.elapsed().as_millis() >= POLL_TIMEOUT_MS {
                self.metrics.errors.timeout.inc();
                return Err(ETIMEDOUT);
            }
            fsleep(Delta::from_millis(POLL_PERIOD_MS));
        }
    }

    /// Refuses with `EBUSY` (counted) if a command is running.
    pub(crate) fn ensure_idle(&self) -> Result<u32> {
        let status = self.read(Reg::Status)?;
        if status & STATUS_BUSY != 0 {
            self.metrics.errors.busy.inc();
            return Err(EBUSY);
        }
        Ok(status)
    }
}

/// Every coordinate within `-PANEL_LIMIT..=PANEL_LIMIT`, else `EINVAL`.
pub(crate) fn validate_panel(corners: &[i32; 8]) -> Result {
    if corners
        .iter()
        .all(|v| (-PANEL_LIMIT..=PANEL_LIMIT).contains(v))
    {
        Ok(())
    } else {
        Err(EINVAL)
    }
}
