// SPDX-License-Identifier: GPL-2.0

//! Test support (built only with `HY300_SIM=y`): a simulated register block
//! and reserved memory for the QEMU guest, bound through the
//! `hy300,h713-mipsloader-sim` node that `tests/sim` creates.
//!
//! The model: writing CMD = 0x10 makes STATUS busy for the next
//! `busy_reads` reads. Knobs in debugfs (`/sys/kernel/debug/hy300-mips-sim/`):
//! `busy_reads` (default 2) and `fault` (0 none, 1 hang: busy forever,
//! 2 error: completes with an undefined STATUS bit set). Each power-down
//! command is logged, so a test can see the remove path send one. The
//! driver drops this backend on unbind (the knobs go with it).

#![forbid(unsafe_code)]

use core::sync::atomic::{AtomicU32, Ordering::Relaxed};
use kernel::prelude::*;
use kernel::sync::{Arc, Mutex};
use kernel::time::{delay::fsleep, Delta};

use crate::hw::MipsHw;
use crate::hy300::debugfs::knob;
use crate::layout::RESERVED_SIZE;
use crate::regs::{Command, Reg, CMD, STATUS};
use kernel::debugfs::Scope;

const FAULT_HANG: u32 = 1;
const FAULT_ERROR: u32 = 2;
/// STATUS while a command runs.
const STATUS_BUSY: STATUS = STATUS::from_raw(0).with_const_busy::<1>();
/// STATUS of `fault = 2`: idle with bit 31, which the protocol does not
/// define, set.
const STATUS_UNDEFINED: STATUS = STATUS::from_raw(0).with_const_undefined::<{ 1 << 30 }>();

/// The simulated co-processor.
#[pin_data]
pub(crate) struct SimHw {
    registers: [AtomicU32; 4],
    busy_reads_left: AtomicU32,
    #[pin]
    memory: Mutex<VVec<u8>>,
    /// The knobs and their debugfs files, removed before the knobs go.
    #[pin]
    knobs: Scope<Knobs>,
}

/// What a test can set.
struct Knobs {
    busy_reads: AtomicU32,
    fault: AtomicU32,
}

impl SimHw {
    pub(crate) fn new() -> Result<Arc<Self>> {
        let memory = VVec::from_elem(0u8, RESERVED_SIZE, GFP_KERNEL)?;
        let sim = Arc::pin_init(
            pin_init!(SimHw {
                registers: [AtomicU32::new(0), AtomicU32::new(0), AtomicU32::new(0), AtomicU32::new(0)],
                busy_reads_left: AtomicU32::new(0),
                memory <- kernel::new_mutex!(memory),
                knobs <- Scope::dir(
                    Knobs {
                        busy_reads: AtomicU32::new(2),
                        fault: AtomicU32::new(0),
                    },
                    c"hy300-mips-sim",
                    |knobs, dir| {
                        knob(dir, c"busy_reads", &knobs.busy_reads);
                        knob(dir, c"fault", &knobs.fault);
                    },
                ),
            }),
            GFP_KERNEL,
        )?;
        Ok(sim)
    }
}

impl MipsHw for SimHw {
    fn read(&self, reg: Reg) -> Result<u32> {
        if reg != Reg::Status {
            return Ok(self.registers[reg.index() % 4].load(Relaxed));
        }
        let fault = self.knobs.fault.load(Relaxed);
        if fault == FAULT_HANG {
            return Ok(STATUS_BUSY.into());
        }
        let busy = self
            .busy_reads_left
            .fetch_update(Relaxed, Relaxed, |left| left.checked_sub(1))
            .is_ok();
        if busy {
            return Ok(STATUS_BUSY.into());
        }
        Ok(if fault == FAULT_ERROR {
            STATUS_UNDEFINED.into()
        } else {
            0
        })
    }

    fn write(&self, reg: Reg, value: u32) -> Result {
        self.registers[reg.index() % 4].store(value, Relaxed);
        if reg != Reg::Cmd {
            return Ok(());
        }
        match CMD::from(value).command() {
            Ok(Command::ApplyPanel) => self
                .busy_reads_left
                .store(self.knobs.busy_reads.load(Relaxed), Relaxed),
            // What the guest tests look for when the driver is removed.
            Ok(Command::PowerDown) => pr_info!("hy300-mips-sim: power down command\n"),
            Err(_) => {}
        }
        Ok(())
    }

    /// Sleeps as the device does, then logs the wait: the guest tests
    /// count one such line per power-down command.
    fn settle(&self, delay: Delta) {
        fsleep(delay);
        pr_info!(
            "hy300-mips-sim: power down settled after {} ms\n",
            delay.as_millis()
        );
    }

    fn write_memory(&self, offset: usize, data: &[u8]) -> Result {
        let end = offset.checked_add(data.len()).ok_or(EINVAL)?;
        let mut memory = self.memory.lock();
        memory
            .get_mut(offset..end)
            .ok_or(EINVAL)?
            .copy_from_slice(data);
        Ok(())
    }
}
