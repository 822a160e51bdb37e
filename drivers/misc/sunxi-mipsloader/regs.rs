// SPDX-License-Identifier: GPL-2.0

//! The co-processor's register block (first `reg` of the node, 0x03061000
//! on the H713): four 32-bit registers, typed with `kernel::io::register!`.
//! Offsets are the C original's `MIPS_REG_*`; fields and values are the
//! ones it writes and tests (CONTROL 1/0 around a restart, CMD 0x02 to
//! power down) plus the panel command and STATUS busy bit the driver
//! documents. Everything else in a register is left undefined.
//!
//! This module is a leaf: the protocol, both backends and the metrics
//! import it; it imports none of them.

#![forbid(unsafe_code)]

use kernel::io::register;
use kernel::io::register::Register;
use kernel::num::Bounded;

/// Size of the register block mapped: the factory device tree's `reg` is
/// 0x100 bytes (an earlier HY300 tree said 0x1000); the four registers fit
/// either.
pub(crate) const REG_BLOCK_SIZE: usize = 0x100;

/// A command the co-processor runs when it is written to [`CMD`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u32)]
pub(crate) enum Command {
    /// Power down (the C original's `mipsloader_powerdown`).
    PowerDown = 0x02,
    /// Apply the panel (keystone) parameters in the DEBUG region.
    ApplyPanel = 0x10,
}

impl TryFrom<Bounded<u32, 32>> for Command {
    /// The value, when it is no command.
    type Error = u32;

    fn try_from(value: Bounded<u32, 32>) -> core::result::Result<Self, u32> {
        match value.get() {
            0x02 => Ok(Command::PowerDown),
            0x10 => Ok(Command::ApplyPanel),
            other => Err(other),
        }
    }
}

impl From<Command> for Bounded<u32, 32> {
    fn from(command: Command) -> Self {
        Bounded::from(command as u32)
    }
}

register! {
    /// 0x00 (`MIPS_REG_CMD`): the command to run.
    pub(crate) CMD(u32) @ 0x00 {
        /// The command; other values are not defined.
        31:0 command ?=> Command;
    }

    /// 0x04 (`MIPS_REG_STATUS`): the co-processor's state.
    pub(crate) STATUS(u32) @ 0x04 {
        /// Bits the protocol does not define: set on an idle co-processor,
        /// they are an error.
        31:1 undefined;
        /// A command is running.
        0:0 busy;
    }

    /// 0x08 (`MIPS_REG_DATA`): data; the driver only counts it.
    pub(crate) DATA(u32) @ 0x08 {
        31:0 value;
    }

    /// 0x0c (`MIPS_REG_CONTROL`): core reset.
    pub(crate) CONTROL(u32) @ 0x0c {
        /// 1 holds the core in reset, 0 lets it run.
        0:0 reset;
    }
}

/// A register's identity: what the metrics count and label, and what a
/// backend is asked to access.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Reg {
    Cmd,
    Status,
    Data,
    Control,
}

impl Reg {
    /// Every register, in offset order (metrics order).
    pub(crate) const ALL: [Reg; 4] = [Reg::Cmd, Reg::Status, Reg::Data, Reg::Control];

    /// Byte offset in the block, from the typed definition.
    pub(crate) const fn offset(self) -> usize {
        match self {
            Reg::Cmd => CMD::OFFSET,
            Reg::Status => STATUS::OFFSET,
            Reg::Data => DATA::OFFSET,
            Reg::Control => CONTROL::OFFSET,
        }
    }

    /// Index into per-register tables ([`Reg::ALL`] order).
    pub(crate) const fn index(self) -> usize {
        self as usize
    }

    /// Label value in the metrics (`page.rs`: `REGISTER_NAMES`).
    pub(crate) const fn name(self) -> &'static str {
        crate::page::REGISTER_NAMES[self.index()]
    }
}

/// A typed register of this block and its identity.
pub(crate) trait MipsRegister:
    Register<Storage = u32> + Copy + From<u32> + Into<u32>
{
    /// Which register this is.
    const REG: Reg;
}

impl MipsRegister for CMD {
    const REG: Reg = Reg::Cmd;
}

impl MipsRegister for STATUS {
    const REG: Reg = Reg::Status;
}

impl MipsRegister for DATA {
    const REG: Reg = Reg::Data;
}

impl MipsRegister for CONTROL {
    const REG: Reg = Reg::Control;
}

/// [`Reg::ALL`] is in index and offset order, every register inside the
/// mapped block.
const fn table_is_consistent() -> bool {
    let mut i = 0;
    while i < Reg::ALL.len() {
        let reg = Reg::ALL[i];
        if reg.index() != i || reg.offset() != 4 * i || reg.offset() + 4 > REG_BLOCK_SIZE {
            return false;
        }
        i += 1;
    }
    true
}

const _: () = assert!(table_is_consistent());
