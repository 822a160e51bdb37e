// SPDX-License-Identifier: GPL-2.0

//! A device's reserved memory (the region its device tree node names with
//! `memory-region`, e.g. a `no-map` carve-out for a co-processor's
//! firmware), mapped write-combined and written by the CPU for the device.
//!
//! 7.3 has no Rust abstraction for `of_reserved_mem` or `memremap`
//! (`kernel::io::mem` maps a platform device's own `reg` resources with
//! `ioremap`; the `memory-region` is no resource of the device, and it is
//! memory, mapped with `memremap`: a [`PhysMapping`]); this is the thin
//! typed layer: the mapping is made from the device's own node, is
//! bounds-checked, and is unmapped on drop. `memremap()` refuses a
//! write-combined mapping of System RAM, so the region cannot alias memory
//! the kernel allocates.

use kernel::bindings;
use kernel::device::{Bound, Device};
use kernel::error::to_result;
use kernel::prelude::*;

// `<linux/of_address.h>` is not in 7.3's generated bindings; it is in the
// project's (rust/bindings), whose `device_node` and `resource` are their
// own types: pointers are cast.
use super::memremap::PhysMapping;
use crate::hy300_bindings::of_address_to_resource;

/// The first region of a device's `memory-region`, mapped write-combined;
/// unmapped on drop. Writes take `&mut self`: one writer at a time.
///
/// # Invariants
///
/// `mapping` maps the whole region the device's `memory-region` reserves
/// for it: the kernel neither uses nor frees that memory, and no Rust
/// reference into it is ever made.
pub struct ReservedMemory {
    mapping: PhysMapping,
}

/// The physical range of the node `dev`'s `memory-region` points to
/// (its first phandle), as `(start, size)`.
fn region_of(dev: &Device) -> Result<(u64, usize)> {
    // `Device` is a transparent wrapper of `struct device`
    // (`Device::as_raw` is private to the kernel crate).
    let raw = core::ptr::from_ref(dev).cast::<bindings::device>();
    // SAFETY: `raw` is a live device (borrowed); `of_node` is set before
    // the device is bound and not changed while it is.
    let np = unsafe { (*raw).of_node };
    if np.is_null() {
        return Err(ENODEV);
    }
    let mut args = bindings::of_phandle_args::default();
    // SAFETY: `np` is the device's live node; the property name is
    // NUL-terminated; a null cells name with count 0 means "no
    // arguments"; `args` is writable. On success `args.np` holds a
    // reference to the target node.
    to_result(unsafe {
        bindings::__of_parse_phandle_with_args(
            np,
            c"memory-region".as_char_ptr(),
            core::ptr::null(),
            0,
            0,
            &mut args,
        )
    })?;
    let mut res = bindings::resource::default();
    // SAFETY: `args.np` holds a reference taken by the parse above; `res`
    // is writable (the two generated `resource` layouts are the same C
    // struct).
    let ret = unsafe { of_address_to_resource(args.np.cast(), 0, (&raw mut res).cast()) };
    // SAFETY: drops the reference taken by the parse; `args.np` is not
    // used after.
    unsafe { bindings::of_node_put(args.np) };
    to_result(ret)?;
    let size = res
        .end
        .checked_sub(res.start)
        .and_then(|last| last.checked_add(1))
        .ok_or(EINVAL)?;
    Ok((res.start, usize::try_from(size).map_err(|_| EINVAL)?))
}

impl ReservedMemory {
    /// Maps the region `dev`'s `memory-region` names, write-combined, if
    /// it is at least `min_size` bytes (`EINVAL` otherwise, logged);
    /// `ENODEV` without a node, `ENOMEM` when it cannot be mapped (System
    /// RAM included). May sleep.
    pub fn map_wc(dev: &Device<Bound>, min_size: usize) -> Result<Self> {
        let (start, size) = region_of(dev)?;
        if size < min_size || size == 0 {
            dev_err!(
                dev,
                "memory-region is {size:#x} bytes, need {min_size:#x}\n"
            );
            return Err(EINVAL);
        }
        let mapping = PhysMapping::map_wc(start, size).ok_or(ENOMEM)?;
        // INVARIANT: the whole region, mapped.
        Ok(ReservedMemory { mapping })
    }

    /// The size of the mapping in bytes.
    pub fn size(&self) -> usize {
        self.mapping.len()
    }

    /// Copies `data` to `offset` (`EINVAL` when it does not fit; nothing
    /// is written then), then orders the copy before any later write of
    /// the CPU (`wmb()`), such as the register write that starts a device
    /// reading it.
    pub fn write(&mut self, offset: usize, data: &[u8]) -> Result {
        // SAFETY: the mapping is the device's reserved region (type
        // invariant): nothing in the kernel reads or frees it and no Rust
        // reference into it exists; `&mut self` makes this the one writer.
        let mut writer = unsafe { self.mapping.writer() };
        if !writer.write(offset, data) {
            return Err(EINVAL);
        }
        // SAFETY: a plain write barrier; no precondition.
        unsafe { bindings::wmb() };
        Ok(())
    }
}
