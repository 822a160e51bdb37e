// SPDX-License-Identifier: GPL-2.0

//! What 7.3's `kernel::workqueue` lacks: waiting for a work item.

use kernel::bindings;
use kernel::workqueue::Work;

/// Waits until `work` is neither queued nor running (`flush_work()`).
/// May sleep: process context only, like every sleeping kernel API that
/// Rust exposes as safe.
pub fn flush<T: ?Sized, const ID: u64>(work: &Work<T, ID>) {
    // SAFETY: a `&Work` is pinned and initialised (it is only built by its
    // pin-initialiser) and lives for the call, so the `work_struct` is
    // valid; flush_work() needs nothing else.
    unsafe { bindings::flush_work(Work::raw_get(work)) };
}
