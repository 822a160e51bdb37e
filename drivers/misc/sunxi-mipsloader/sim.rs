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

use core::sync::atomic::{AtomicU32, Ordering::Relaxed};
use kernel::prelude::*;
use kernel::sync::Mutex;

use crate::hw::{MipsHw, Reg};
use crate::hy300::debugfs::Knobs;
use crate::layout::RESERVED_SIZE;
use crate::protocol::{CMD_APPLY_PANEL, CMD_POWER_DOWN, STATUS_BUSY};

const FAULT_HANG: u32 = 1;
const FAULT_ERROR: u32 = 2;
/// A STATUS bit the protocol does not define, reported by `fault = 2`.
const STATUS_UNDEFINED_BIT: u32 = 1 << 31;

/// The simulated co-processor.
#[pin_data]
pub(crate) struct SimHw {
    registers: [AtomicU32; 4],
    busy_reads_left: AtomicU32,
    busy_reads: AtomicU32,
    fault: AtomicU32,
    #[pin]
    memory: Mutex<VVec<u8>>,
    knobs: Knobs,
}

impl SimHw {
    pub(crate) fn new() -> Result<Pin<KBox<Self>>> {
        let memory = VVec::from_elem(0u8, RESERVED_SIZE, GFP_KERNEL)?;
        let sim = KBox::pin_init(
            pin_init!(SimHw {
                registers: [AtomicU32::new(0), AtomicU32::new(0), AtomicU32::new(0), AtomicU32::new(0)],
                busy_reads_left: AtomicU32::new(0),
                busy_reads: AtomicU32::new(2),
                fault: AtomicU32::new(0),
                memory <- kernel::new_mutex!(memory),
                knobs: Knobs::new(),
            }),
            GFP_KERNEL,
        )?;
        // SAFETY: the knobs are fields of `sim`, as is `knobs`, whose drop
        // removes the files.
        unsafe {
            sim.knobs.publish(
                c"hy300-mips-sim",
                &[(c"busy_reads", &sim.busy_reads), (c"fault", &sim.fault)],
            )
        };
        Ok(sim)
    }
}

impl MipsHw for SimHw {
    fn read(&self, reg: Reg) -> Result<u32> {
        if reg != Reg::Status {
            return Ok(self.registers[reg.index() % 4].load(Relaxed));
        }
        let fault = self.fault.load(Relaxed);
        if fault == FAULT_HANG {
            return Ok(STATUS_BUSY);
        }
        let busy = self
            .busy_reads_left
            .fetch_update(Relaxed, Relaxed, |left| left.checked_sub(1))
            .is_ok();
        if busy {
            return Ok(STATUS_BUSY);
        }
        Ok(if fault == FAULT_ERROR {
            STATUS_UNDEFINED_BIT
        } else {
            0
        })
    }

    fn write(&self, reg: Reg, value: u32) -> Result {
        self.registers[reg.index() % 4].store(value, Relaxed);
        if reg == Reg::Cmd && value == CMD_APPLY_PANEL {
            self.busy_reads_left
                .store(self.busy_reads.load(Relaxed), Relaxed);
        }
        // What the guest tests look for when the driver is removed.
        if reg == Reg::Cmd && value == CMD_POWER_DOWN {
            pr_info!("hy300-mips-sim: power down command\n");
        }
        Ok(())
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
