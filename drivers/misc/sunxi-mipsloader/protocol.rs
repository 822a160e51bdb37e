// SPDX-License-Identifier: GPL-2.0

//! The co-processor protocol (restart, power down, panel parameters,
//! status) over [`MipsHw`], on typed registers ([`crate::regs`]), counting
//! every register access.

#![forbid(unsafe_code)]

use kernel::prelude::*;
use kernel::time::{delay::fsleep, Delta, Instant, Monotonic};

use crate::hw::MipsHw;
use crate::layout::{DEBUG, REGIONS};
use crate::prometheus::Counter;
use crate::regs::{Command, MipsRegister, CMD, CONTROL, STATUS};
use core::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Reset pulse width.
pub(crate) const RESET_PULSE_MS: i64 = 10;
/// Busy polling: period and timeout.
pub(crate) const POLL_PERIOD_MS: i64 = 10;
pub(crate) const POLL_TIMEOUT_MS: i64 = 1000;
/// The wait after the power-down command, before anything else (the clock
/// stop, the next command, the unmap): the C original's
/// `mipsloader_powerdown` sleeps 100 ms "for acknowledgment"; STATUS has no
/// bit for it. Bounded: one sleep, no polling.
pub(crate) const POWER_DOWN_SETTLE_MS: i64 = 100;
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
    hw: &'a dyn MipsHw,
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
    pub(crate) fn new(hw: &'a dyn MipsHw, metrics: &'a ProtocolMetrics) -> Self {
        Protocol { hw, metrics }
    }

    /// Reads register `R`, counting the access.
    pub(crate) fn read<R: MipsRegister>(&self) -> Result<R> {
        self.metrics.registers.reads[R::REG.index() % 4].inc();
        self.hw
            .read(R::REG)
            .map(R::from)
            .inspect_err(|_| self.metrics.errors.io.inc())
    }

    /// Writes register `R`, counting the access.
    pub(crate) fn write<R: MipsRegister>(&self, value: R) -> Result {
        self.metrics.registers.writes[R::REG.index() % 4].inc();
        self.hw
            .write(R::REG, value.into())
            .inspect_err(|_| self.metrics.errors.io.inc())
    }

    /// Reads STATUS, raw (what the ioctls report).
    pub(crate) fn status(&self) -> Result<u32> {
        self.read::<STATUS>().map(u32::from)
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
        self.write(CONTROL::zeroed().with_reset(true))
    }

    /// Releases the core from reset after the reset pulse.
    pub(crate) fn release_reset(&self) -> Result {
        fsleep(Delta::from_millis(RESET_PULSE_MS));
        self.write(CONTROL::zeroed().with_reset(false))
    }

    /// Restart: CONTROL.reset = 1, 10 ms, CONTROL.reset = 0 (two register
    /// writes).
    pub(crate) fn restart(&self) -> Result {
        self.hold_reset()?;
        self.release_reset()
    }

    /// Power down: CMD = [`Command::PowerDown`] (one register write), then
    /// [`POWER_DOWN_SETTLE_MS`] before the caller goes on. Every power-down
    /// path (the ioctl, suspend, unbind, a failed probe) comes here.
    pub(crate) fn power_down(&self) -> Result {
        self.write(CMD::zeroed().with_command(Command::PowerDown))?;
        self.hw.settle(Delta::from_millis(POWER_DOWN_SETTLE_MS));
        Ok(())
    }

    /// Sends the keystone corners: checks them (no access if out of
    /// range), writes them to the DEBUG region, CMD = [`Command::ApplyPanel`],
    /// then polls STATUS
    /// every 10 ms until not busy (1 s timeout, `ETIMEDOUT`).
    pub(crate) fn set_panel(&self, corners: &[i32; 8]) -> Result {
        validate_panel(corners)?;
        // Native byte order: little endian on the H713 (arm64).
        self.write_memory(REGIONS[DEBUG].offset, corners.as_bytes())?;
        self.write(CMD::zeroed().with_command(Command::ApplyPanel))?;
        self.wait_idle()
    }

    /// Polls STATUS until `busy` clears; an idle STATUS with undefined bits
    /// set is `EIO` (counted).
    pub(crate) fn wait_idle(&self) -> Result {
        let start = Instant::<Monotonic>::now();
        loop {
            let status: STATUS = self.read()?;
            if !status.busy().into_bool() {
                if status.undefined().get() != 0 {
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
        let status: STATUS = self.read()?;
        if status.busy().into_bool() {
            self.metrics.errors.busy.inc();
            return Err(EBUSY);
        }
        Ok(status.into())
    }
}

/// Every coordinate within `-PANEL_LIMIT..=PANEL_LIMIT`, else `ERANGE`
/// (the C original's `validate_keystone_params` answer, for the ioctl and
/// `panelparam` alike).
pub(crate) fn validate_panel(corners: &[i32; 8]) -> Result {
    if corners
        .iter()
        .all(|v| (-PANEL_LIMIT..=PANEL_LIMIT).contains(v))
    {
        Ok(())
    } else {
        Err(ERANGE)
    }
}
