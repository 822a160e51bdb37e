// SPDX-License-Identifier: GPL-2.0

//! The device backend: the register block through `IoMem` and the
//! reserved `no-map` memory through `memremap` (write-combined).

use core::ptr::NonNull;
use kernel::bindings;
use kernel::device::{Core, Device};
use kernel::platform;
use kernel::prelude::*;

use crate::hw::MipsHw;
use crate::hy300::registers::RegisterBlock;
use crate::layout::RESERVED_SIZE;
use crate::regs::{Reg, REG_BLOCK_SIZE};

// `<linux/of_address.h>` is not in 7.3's generated bindings; it is in the
// project's (rust/bindings), whose `device_node` and `resource` are their
// own types: pointers are cast.
use crate::hy300_bindings::of_address_to_resource;

/// The reserved memory, mapped write-combined; unmapped on drop.
///
/// # Invariants
///
/// `base` maps `size` bytes returned by `memremap`, until `drop`.
struct ReservedMemory {
    base: NonNull<u8>,
    size: usize,
}

// SAFETY: the mapping is plain memory, usable from any thread; writes are
// serialised by the driver's operation lock.
unsafe impl Send for ReservedMemory {}
// SAFETY: as above.
unsafe impl Sync for ReservedMemory {}

impl ReservedMemory {
    /// Maps the node referenced by the device's `memory-region`.
    fn map(dev: &Device) -> Result<Self> {
        // `Device` is a transparent wrapper of `struct device`.
        let raw = core::ptr::from_ref(dev).cast::<bindings::device>();
        // SAFETY: `raw` is a live device; `of_node` is read-only after probe.
        let np = unsafe { (*raw).of_node };
        if np.is_null() {
            return Err(ENODEV);
        }
        // SAFETY: all-zero is a valid `of_phandle_args` to be filled.
        let mut args: bindings::of_phandle_args = unsafe { core::mem::zeroed() };
        // SAFETY: `np` is live; the property name is NUL-terminated; a
        // null cells name with count 0 means "no arguments".
        kernel::error::to_result(unsafe {
            bindings::__of_parse_phandle_with_args(
                np,
                c"memory-region".as_char_ptr(),
                core::ptr::null(),
                0,
                0,
                &mut args,
            )
        })?;
        // SAFETY: all-zero is a valid `resource` to be filled.
        let mut res: bindings::resource = unsafe { core::mem::zeroed() };
        // SAFETY: `args.np` holds a reference taken by the parse above.
        let ret = unsafe { of_address_to_resource(args.np.cast(), 0, (&raw mut res).cast()) };
        // SAFETY: drops the reference taken by the parse.
        unsafe { bindings::of_node_put(args.np) };
        kernel::error::to_result(ret)?;
        let size = usize::try_from(res.end - res.start + 1).map_err(|_| EINVAL)?;
        if size < RESERVED_SIZE {
            dev_err!(
                dev,
                "memory-region is {size:#x} bytes, need {RESERVED_SIZE:#x}\n"
            );
            return Err(EINVAL);
        }
        // SAFETY: the range is a `no-map` reserved region owned by this
        // device; write-combined mapping is what the co-processor expects.
        let base = unsafe {
            bindings::memremap(
                res.start,
                size,
                bindings::MEMREMAP_WC as kernel::ffi::c_ulong,
            )
        };
        let base = NonNull::new(base.cast::<u8>()).ok_or(ENOMEM)?;
        // INVARIANT: `base` maps `size` bytes.
        Ok(ReservedMemory { base, size })
    }
}

impl Drop for ReservedMemory {
    fn drop(&mut self) {
        // SAFETY: mapped in `map` (type invariant), unmapped once.
        unsafe { bindings::memunmap(self.base.as_ptr().cast()) };
    }
}

/// MMIO registers plus reserved memory.
pub(crate) struct MmioHw {
    regs: RegisterBlock<REG_BLOCK_SIZE>,
    memory: ReservedMemory,
}

impl MmioHw {
    pub(crate) fn new(pdev: &platform::Device<Core<'_>>) -> Result<Self> {
        let regs = RegisterBlock::map(pdev, 0)?;
        let memory = ReservedMemory::map(pdev.as_ref())?;
        Ok(MmioHw { regs, memory })
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

    fn write_memory(&self, offset: usize, data: &[u8]) -> Result {
        let end = offset.checked_add(data.len()).ok_or(EINVAL)?;
        if end > self.memory.size {
            return Err(EINVAL);
        }
        // SAFETY: `offset..end` lies inside the mapping (checked above) and
        // `data` cannot overlap it (it is kernel memory of the caller).
        unsafe {
            core::ptr::copy_nonoverlapping(
                data.as_ptr(),
                self.memory.base.as_ptr().add(offset),
                data.len(),
            )
        };
        // Make the image visible to the co-processor before it is started.
        // SAFETY: a plain write barrier.
        unsafe { bindings::wmb() };
        Ok(())
    }
}
