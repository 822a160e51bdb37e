// SPDX-License-Identifier: GPL-2.0

//! The device backend: the register block through `IoMem` and the
//! reserved `no-map` memory (the node's `memory-region`) through
//! `hy300::reserved_memory` (rust/hy300/reserved_memory.rs: mapped
//! write-combined, bounds-checked, unmapped on drop).

#![forbid(unsafe_code)]

use kernel::device::Core;
use kernel::platform;
use kernel::prelude::*;
use kernel::sync::Mutex;

use crate::hw::MipsHw;
use crate::hy300::registers::RegisterBlock;
use crate::hy300::reserved_memory::ReservedMemory;
use crate::layout::RESERVED_SIZE;
use crate::regs::{Reg, REG_BLOCK_SIZE};

/// MMIO registers plus reserved memory.
#[pin_data]
pub(crate) struct MmioHw {
    regs: RegisterBlock<REG_BLOCK_SIZE>,
    /// One writer at a time (the driver's operation lock already
    /// serialises them; this makes the exclusive borrow a type fact).
    #[pin]
    memory: Mutex<ReservedMemory>,
}

impl MmioHw {
    pub(crate) fn new(pdev: &platform::Device<Core<'_>>) -> Result<impl PinInit<Self, Error>> {
        let regs = RegisterBlock::map(pdev, 0)?;
        let memory = ReservedMemory::map_wc(pdev.as_ref(), RESERVED_SIZE)?;
        Ok(try_pin_init!(MmioHw {
            regs,
            memory <- kernel::new_mutex!(memory),
        }? Error))
    }
}

/// Each register at its typed offset (`Reg::offset`, the `register!`
/// type's `OFFSET`): one access, no dispatch on the register.
impl MipsHw for MmioHw {
    fn read(&self, reg: Reg) -> Result<u32> {
        self.regs.read::<u32, usize>(reg.offset())
    }

    fn write(&self, reg: Reg, value: u32) -> Result {
        self.regs.write::<u32, usize>(reg.offset(), value)
    }

    /// The copy is ordered before the register write that starts the
    /// co-processor (`ReservedMemory::write` ends with a write barrier).
    fn write_memory(&self, offset: usize, data: &[u8]) -> Result {
        self.memory.lock().write(offset, data)
    }
}
