// SPDX-License-Identifier: GPL-2.0

//! A device's MMIO register block, mapped for as long as the device is
//! bound: after unbind every access fails with `ENXIO`, never touching a
//! stale mapping. Accesses take any `Io` location: a typed register of
//! `kernel::io::register!` (the value comes back typed) or a byte offset.

use kernel::device::Core;
use kernel::io::mem::DevresIoMem;
use kernel::io::{Io, IoCapable, IoLoc, MmioBackend, Region};
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

    /// Reads the register at `location` (`EINVAL` outside the block).
    pub fn read<T, L>(&self, location: L) -> Result<T>
    where
        L: IoLoc<Region<SIZE>, T>,
        MmioBackend: IoCapable<L::IoType>,
    {
        self.0
            .try_access_with(|io| io.try_read(location))
            .ok_or(ENXIO)?
    }

    /// Writes `value` to the register at `location` (`EINVAL` outside the
    /// block).
    pub fn write<T, L>(&self, location: L, value: T) -> Result
    where
        L: IoLoc<Region<SIZE>, T>,
        MmioBackend: IoCapable<L::IoType>,
    {
        self.0
            .try_access_with(|io| io.try_write(location, value))
            .ok_or(ENXIO)?
    }
}
