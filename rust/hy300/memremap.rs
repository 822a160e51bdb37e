// SPDX-License-Identifier: GPL-2.0

//! A mapping of physical memory: what a simulated bus master writes
//! through (write-back: RAM comes back as its direct-map address), and a
//! device's reserved memory (write-combined, [`super::reserved_memory`]).
//! A [`PhysMapping`] maps a range (`memremap`) and is unmapped on drop.

use core::marker::PhantomData;
use core::ptr::NonNull;
use kernel::bindings;

/// A write-back mapping of `len` bytes of physical memory. The mapping
/// alone grants no access: writes go through a [`PhysWriter`], which only
/// an `unsafe` call ([`PhysMapping::writer`]) makes, for as long as the
/// memory may be written. Mapping (`memremap`, which takes the resource
/// tree's lock) and unmapping happen outside any spinlock its caller
/// holds while it writes.
///
/// # Invariants
///
/// `base` is the mapping `memremap` returned for `len` (> 0) bytes; it is
/// unmapped only by `drop`.
pub struct PhysMapping {
    base: NonNull<u8>,
    len: usize,
}

// SAFETY: the mapping is plain memory, usable and unmapped from any
// thread; it is written only through a `PhysWriter`, which borrows it
// mutably.
unsafe impl Send for PhysMapping {}
// SAFETY: `&PhysMapping` gives no access to the memory (only its length).
unsafe impl Sync for PhysMapping {}

impl PhysMapping {
    /// Maps `len` bytes at physical address `phys`; None when `len` is 0
    /// or the range cannot be mapped (not memory). Mapping reads and
    /// writes nothing; it may sleep.
    pub fn map(phys: u64, len: usize) -> Option<Self> {
        Self::map_as(phys, len, bindings::MEMREMAP_WB)
    }

    /// As [`PhysMapping::map`], write-combined (for memory a device reads,
    /// such as a reserved region; memremap refuses System RAM for it).
    pub fn map_wc(phys: u64, len: usize) -> Option<Self> {
        Self::map_as(phys, len, bindings::MEMREMAP_WC)
    }

    fn map_as(phys: u64, len: usize, flags: u32) -> Option<Self> {
        if len == 0 {
            return None;
        }
        // SAFETY: memremap() checks the range itself and returns NULL
        // when it cannot map it; it has no other precondition.
        let base = unsafe { bindings::memremap(phys, len, flags as kernel::ffi::c_ulong) };
        // INVARIANT: mapped above for `len` bytes.
        NonNull::new(base.cast::<u8>()).map(|base| PhysMapping { base, len })
    }

    /// The length of the mapping in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// A writer of the whole mapping, for as long as it is borrowed.
    ///
    /// # Safety
    ///
    /// The caller may write every byte of the mapped range while the
    /// writer lives, as a bus master may write a buffer its driver handed
    /// it for DMA: memory that nothing reads or frees, and of which no
    /// Rust reference exists, until the device reports the write done.
    pub unsafe fn writer(&mut self) -> PhysWriter<'_> {
        // INVARIANT: the caller's contract.
        PhysWriter {
            base: self.base,
            len: self.len,
            _mapping: PhantomData,
        }
    }
}

/// Write access to a [`PhysMapping`] while it is borrowed.
///
/// # Invariants
///
/// `base..base + len` is the borrowed mapping, and every byte of it may be
/// written while this lives (the contract of [`PhysMapping::writer`]).
pub struct PhysWriter<'a> {
    base: NonNull<u8>,
    len: usize,
    _mapping: PhantomData<&'a mut PhysMapping>,
}

impl PhysWriter<'_> {
    /// The length of the mapping.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Sets the bytes `offset..offset + count` (clamped to the mapping) to
    /// `byte`.
    pub fn fill(&mut self, offset: usize, count: usize, byte: u8) {
        let offset = offset.min(self.len);
        let count = count.min(self.len - offset);
        // SAFETY: `offset + count <= len`, inside the mapping, which may be
        // written while this writer lives (type invariant); raw writes, no
        // reference is made.
        unsafe { self.base.as_ptr().add(offset).write_bytes(byte, count) };
    }

    /// Writes `bytes` at `offset`; false (nothing written) when they do
    /// not fit the mapping there.
    pub fn write(&mut self, offset: usize, bytes: &[u8]) -> bool {
        if offset
            .checked_add(bytes.len())
            .is_none_or(|end| end > self.len)
        {
            return false;
        }
        // SAFETY: `offset + bytes.len() <= len`, inside the mapping, which
        // may be written while this writer lives (type invariant) and which
        // `bytes` (a Rust slice: no reference into the mapping exists)
        // cannot overlap.
        unsafe {
            core::ptr::copy_nonoverlapping(
                bytes.as_ptr(),
                self.base.as_ptr().add(offset),
                bytes.len(),
            )
        };
        true
    }
}

impl Drop for PhysMapping {
    fn drop(&mut self) {
        // SAFETY: mapped by `map` and not unmapped before (type
        // invariant); not used after.
        unsafe { bindings::memunmap(self.base.as_ptr().cast()) };
    }
}
