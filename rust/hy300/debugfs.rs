// SPDX-License-Identifier: GPL-2.0

//! Test-support knobs: `u32` files in debugfs backed by atomics, used by
//! the QEMU simulation backends, made with `kernel::debugfs` (a
//! [`kernel::debugfs::Scope`] owns the data its files point at and removes
//! them before the data goes).
//!
//! The knobs stay `core` atomics (the simulations use them as such); the
//! kernel's debugfs implements reading and writing for its own
//! `kernel::sync::atomic::Atomic` only, so the two callbacks here print
//! the value and hand a write to that implementation (decimal, surrounding
//! whitespace ignored, `EINVAL` otherwise).

use core::sync::atomic::{AtomicU32, Ordering::Relaxed};
use kernel::debugfs::{Reader, ScopedDir};
use kernel::fmt;
use kernel::prelude::*;
use kernel::sync::atomic::Atomic;
use kernel::uaccess::UserSliceReader;

fn show(value: &AtomicU32, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    writeln!(f, "{}", value.load(Relaxed))
}

fn store(value: &AtomicU32, input: &mut UserSliceReader) -> Result {
    let parsed = Atomic::new(0u32);
    parsed.read_from_slice(input)?;
    value.store(parsed.load(kernel::sync::atomic::Relaxed), Relaxed);
    Ok(())
}

/// Adds the 0600 file `name` to `dir`, reading and writing `value`.
pub fn knob<'data>(dir: &ScopedDir<'data, '_>, name: &CStr, value: &'data AtomicU32) {
    dir.read_write_callback_file(name, value, &show, &store);
}
