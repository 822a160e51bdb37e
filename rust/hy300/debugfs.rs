// SPDX-License-Identifier: GPL-2.0

//! Test-support knobs: a debugfs directory of `u32` files backed by
//! atomics, used by the QEMU simulation backends.

use core::sync::atomic::{AtomicPtr, AtomicU32, Ordering::Relaxed};
use kernel::bindings;
use kernel::prelude::*;
use kernel::sync::Arc;

/// A debugfs directory of knobs; removed (with its files) on drop.
pub struct Knobs(AtomicPtr<bindings::dentry>);

impl Knobs {
    /// No directory yet.
    pub const fn new() -> Self {
        Knobs(AtomicPtr::new(core::ptr::null_mut()))
    }

    /// Creates `/sys/kernel/debug/<dir>/` with one 0600 file per knob.
    /// Failures are ignored: debugfs is optional.
    ///
    /// # Safety
    ///
    /// Every atomic in `files` outlives `self` (the files point at them).
    pub unsafe fn publish(&self, dir: &CStr, files: &[(&CStr, &AtomicU32)]) {
        // SAFETY: the name is NUL-terminated; a null parent is the root.
        let dentry =
            unsafe { bindings::debugfs_create_dir(dir.as_char_ptr(), core::ptr::null_mut()) };
        for (name, value) in files {
            // SAFETY: per the contract `value` outlives the file, which is
            // removed with the directory in `drop`.
            unsafe {
                bindings::debugfs_create_u32(name.as_char_ptr(), 0o600, dentry, value.as_ptr())
            };
        }
        self.0.store(dentry, Relaxed);
    }
}

impl Default for Knobs {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Knobs {
    fn drop(&mut self) {
        // SAFETY: removes what `publish` created (null and error safe).
        unsafe { bindings::debugfs_remove(self.0.load(Relaxed)) };
    }
}

/// A debugfs directory of knobs that are atomics of an `Arc`'d `T`: the
/// directory goes first on drop, then the reference that kept the
/// atomics alive.
pub struct OwnedKnobs<T> {
    // Dropped first (declaration order): no file points at `_owner` after.
    knobs: Knobs,
    _owner: Arc<T>,
}

impl<T> OwnedKnobs<T> {
    /// Creates `/sys/kernel/debug/<dir>/` with one 0600 file per knob
    /// that `files` picks from `owner`. Failures are ignored: debugfs is
    /// optional.
    pub fn publish<const N: usize>(
        dir: &CStr,
        owner: Arc<T>,
        files: fn(&T) -> [(&CStr, &AtomicU32); N],
    ) -> Self {
        let knobs = Knobs::new();
        // SAFETY: the atomics are borrowed from `*owner` (or live longer),
        // which `_owner` keeps alive until after `knobs`, whose drop
        // removes the files, is dropped.
        unsafe { knobs.publish(dir, &files(&owner)) };
        OwnedKnobs {
            knobs,
            _owner: owner,
        }
    }
}
