// SPDX-License-Identifier: GPL-2.0

//! The co-processor's hardware interface: a 4-register block and the
//! reserved memory. `mmio.rs` implements it on the device, `sim.rs` in the
//! QEMU guest; everything above (protocol, firmware, metrics) is shared.

use kernel::prelude::*;

/// The registers of the block at `reg` (0x03061000 on the H713).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reg {
    /// 0x00: command.
    Cmd,
    /// 0x04: status; bit 0 is busy.
    Status,
    /// 0x08: data.
    Data,
    /// 0x0c: control; 1 holds the core in reset.
    Control,
}

impl Reg {
    /// Every register, in offset order (metrics order).
    pub(crate) const ALL: [Reg; 4] = [Reg::Cmd, Reg::Status, Reg::Data, Reg::Control];

    /// Byte offset in the register block.
    pub(crate) const fn offset(self) -> usize {
        match self {
            Reg::Cmd => 0x00,
            Reg::Status => 0x04,
            Reg::Data => 0x08,
            Reg::Control => 0x0c,
        }
    }

    /// Index into per-register tables ([`Reg::ALL`] order).
    pub(crate) const fn index(self) -> usize {
        self.offset() / 4
    }

    /// Label value in the metrics.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Reg::Cmd => "cmd",
            Reg::Status => "status",
            Reg::Data => "data",
            Reg::Control => "control",
        }
    }
}

/// Size of the register block mapped: the factory device tree's `reg` is
/// 0x100 bytes (an earlier HY300 tree said 0x1000); the four registers fit
/// either.
pub(crate) const REG_BLOCK_SIZE: usize = 0x100;

/// Access to the co-processor. Implementations do no counting or policy;
/// `protocol.rs` does both, identically for every backend.
pub(crate) trait MipsHw: Send + Sync {
    /// Reads a register.
    fn read(&self, reg: Reg) -> Result<u32>;
    /// Writes a register.
    fn write(&self, reg: Reg, value: u32) -> Result;
    /// Copies `data` to `offset` in the reserved memory and makes it
    /// visible to the co-processor (write barrier).
    fn write_memory(&self, offset: usize, data: &[u8]) -> Result;
}

/// The backend a device uses: static dispatch, no trait objects.
pub(crate) enum Backend {
    /// The H713 register block and reserved memory.
    Mmio(crate::mmio::MmioHw),
    /// The QEMU guest's simulation.
    #[cfg(hy300_sim)]
    Sim(Pin<KBox<crate::sim::SimHw>>),
}

impl MipsHw for Backend {
    fn read(&self, reg: Reg) -> Result<u32> {
        match self {
            Backend::Mmio(hw) => hw.read(reg),
            #[cfg(hy300_sim)]
            Backend::Sim(hw) => hw.read(reg),
        }
    }

    fn write(&self, reg: Reg, value: u32) -> Result {
        match self {
            Backend::Mmio(hw) => hw.write(reg, value),
            #[cfg(hy300_sim)]
            Backend::Sim(hw) => hw.write(reg, value),
        }
    }

    fn write_memory(&self, offset: usize, data: &[u8]) -> Result {
        match self {
            Backend::Mmio(hw) => hw.write_memory(offset, data),
            #[cfg(hy300_sim)]
            Backend::Sim(hw) => hw.write_memory(offset, data),
        }
    }
}
