// SPDX-License-Identifier: GPL-2.0

//! A register block in the guest's carve-out, mapped uncached (`ioremap`)
//! as the drivers map it: what the board's hardware models (the
//! co-processor's mailbox, the capture block) read and write.

use core::ffi::c_void;
use core::ptr::NonNull;
use kernel::bindings;
use kernel::prelude::*;

/// A mapped register block, unmapped on drop.
///
/// # Invariants
///
/// `ptr` maps `size` bytes (`ioremap`) until `drop`.
pub(crate) struct RegBlock {
    ptr: NonNull<c_void>,
    size: usize,
}

// SAFETY: the mapping is device memory any thread may access with
// readl/writel; `&RegBlock` only reads and writes registers.
unsafe impl Send for RegBlock {}
// SAFETY: as for `Send`: register accesses are single 32-bit MMIO
// accesses, which concurrent users may make.
unsafe impl Sync for RegBlock {}

impl RegBlock {
    /// Maps the `size` bytes at `phys`.
    ///
    /// # Safety
    ///
    /// `phys..phys + size` is outside the kernel's memory (the `mem=`
    /// carve-out) and stands for these registers only.
    pub(crate) unsafe fn map(phys: u64, size: usize) -> Result<Self> {
        // SAFETY: per the contract, the range is no memory the kernel uses.
        let ptr = unsafe { bindings::ioremap(phys, size) };
        let Some(ptr) = NonNull::new(ptr) else {
            pr_err!("cannot map the registers at {phys:#x}\n");
            return Err(ENOMEM);
        };
        // INVARIANT: mapped above with its size.
        Ok(RegBlock { ptr, size })
    }

    /// The register at `offset`, if it is one: 4-byte aligned, inside.
    fn register(&self, offset: usize) -> Option<*mut c_void> {
        if offset % 4 != 0 || offset.checked_add(4)? > self.size {
            return None;
        }
        // SAFETY: `offset` is inside the mapping (checked above).
        Some(unsafe { self.ptr.as_ptr().cast::<u8>().add(offset).cast() })
    }

    /// Reads the register at `offset`; outside the block or unaligned it
    /// reads as all ones, as an unclaimed bus address does.
    pub(crate) fn read(&self, offset: usize) -> u32 {
        match self.register(offset) {
            // SAFETY: an aligned register inside the mapping.
            Some(reg) => unsafe { bindings::readl(reg) },
            None => u32::MAX,
        }
    }

    /// Writes the register at `offset`; outside the block or unaligned the
    /// write goes nowhere.
    pub(crate) fn write(&self, offset: usize, value: u32) {
        if let Some(reg) = self.register(offset) {
            // SAFETY: an aligned register inside the mapping.
            unsafe { bindings::writel(value, reg) };
        }
    }
}

impl Drop for RegBlock {
    fn drop(&mut self) {
        // SAFETY: mapped by `map` (type invariant), unmapped once, here.
        unsafe { bindings::iounmap(self.ptr.as_ptr()) };
    }
}
