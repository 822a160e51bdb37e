// SPDX-License-Identifier: GPL-2.0

//! A device's MMIO register block, mapped for as long as the device is
//! bound: after unbind every access fails with `ENXIO`, never touching a
//! stale mapping.

use kernel::device::Core;
use kernel::io::mem::DevresIoMem;
use kernel::io::Io;
use kernel::platform;
use kernel::prelude::*;

/// `SIZE` bytes of registers from one `reg` entry of a platform device.
pub struct RegisterBlock<const SIZE: usize>(DevresIoMem<SIZE>);

impl<const SIZE: usize> RegisterBlock<SIZE> {
    /// Maps `reg` entry `index` of `pdev` (`ENODEV` if there is none).
    pub fn map(pdev: &platform::Device<Core<'_>>, index: u32) -> Result<Self> {
        let request = pdev.io_request_by_index(index).ok_or(ENODEV)?;
        Ok(RegisterBlock(request.iomap_sized::<SIZE>()?.into_devres()?))
    }

    /// Reads the 32-bit register at `offset`.
    pub fn read32(&self, offset: usize) -> Result<u32> {
        self.0
            .try_access_with(|io| io.try_read32(offset))
            .ok_or(ENXIO)?
    }

    /// Writes the 32-bit register at `offset`.
    pub fn write32(&self, offset: usize, value: u32) -> Result {
        self.0
            .try_access_with(|io| io.try_write32(value, offset))
            .ok_or(ENXIO)?
    }
}
