// SPDX-License-Identifier: GPL-2.0

//! What 7.3's `kernel::workqueue` lacks: waiting for a work item, and
//! flushing and cancelling a delayed one.
//!
//! A delayed work item is `kernel::workqueue::DelayedWork` in an `Arc`'d
//! type (`impl_has_delayed_work!`, `WorkItem<Pointer = Arc<T>>`), queued
//! with `Queue::enqueue_delayed`: while queued it holds one reference of
//! the `Arc`, which its run takes back.

use kernel::bindings;
use kernel::sync::Arc;
use kernel::workqueue::{HasDelayedWork, Work, WorkItem};

/// Waits until `work` is neither queued nor running (`flush_work()`).
/// May sleep: process context only, like every sleeping kernel API that
/// Rust exposes as safe.
pub fn flush<T: ?Sized, const ID: u64>(work: &Work<T, ID>) {
    // SAFETY: a `&Work` is pinned and initialised (it is only built by its
    // pin-initialiser) and lives for the call, so the `work_struct` is
    // valid; flush_work() needs nothing else.
    unsafe { bindings::flush_work(Work::raw_get(work)) };
}

/// The `delayed_work` of `item`.
fn delayed_work<T, const ID: u64>(item: &T) -> *mut bindings::delayed_work
where
    T: HasDelayedWork<T, ID>,
{
    let ptr = core::ptr::from_ref(item).cast_mut();
    // SAFETY: `ptr` points at a live `T` (borrowed), so its work field is
    // valid; `HasWork` returns the pointer to it.
    let work = unsafe { Work::raw_get(T::raw_get_work(ptr)) };
    // SAFETY: `HasDelayedWork` promises that this `work_struct` is the
    // `work` field of a `delayed_work`.
    unsafe { kernel::container_of!(work, bindings::delayed_work, work) }
}

/// Runs `item`'s delayed work now if it is pending and waits until it is
/// done (`flush_delayed_work()`). May sleep: process context only.
pub fn flush_delayed<T, const ID: u64>(item: &T)
where
    T: HasDelayedWork<T, ID>,
{
    // SAFETY: the `delayed_work` of a live item, initialised by its
    // pin-initialiser.
    unsafe { bindings::flush_delayed_work(delayed_work::<T, ID>(item)) };
}

/// Cancels `item`'s delayed work and waits until a running instance is
/// done (`cancel_delayed_work_sync()`, which also stops an item that
/// queues itself again). The reference a pending item held is dropped.
/// May sleep: process context only.
pub fn cancel_delayed_sync<T, const ID: u64>(item: &T)
where
    T: WorkItem<ID, Pointer = Arc<T>> + HasDelayedWork<T, ID>,
{
    // SAFETY: the `delayed_work` of a live item, initialised by its
    // pin-initialiser.
    if unsafe { bindings::cancel_delayed_work_sync(delayed_work::<T, ID>(item)) } {
        // SAFETY: the item was pending and will not run now. Its pointer
        // type is `Arc<T>` (`WorkItem::Pointer`), the only one it can be
        // queued with, so it lives in an `Arc` and its enqueue gave the
        // workqueue one reference with `Arc::into_raw` of `item`, which the
        // run would have taken back: it is dropped here instead. The
        // caller's borrow of `item` comes from a reference of its own, so
        // this one is not the last.
        drop(unsafe { Arc::from_raw(core::ptr::from_ref(item)) });
    }
}
