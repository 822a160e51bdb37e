// SPDX-License-Identifier: GPL-2.0

//! A threaded interrupt on a bare IRQ number (the limit switch's, from
//! `gpiod_to_irq`).
//!
//! 7.3's `kernel::irq::ThreadedRegistration` takes an `IrqRequest`, which a
//! driver can only get from a platform or PCI device's own IRQ resources
//! (`IrqRequest::new` is crate-private); an IRQ number from the GPIO layer
//! cannot be passed to it. This file is the thin typed layer over
//! `request_threaded_irq`/`free_irq` instead, and the only unsafe code of
//! the interrupt.
//!
//! Only a thread function is registered (no hard handler): GPIO lines may
//! sleep, so the line is read from the thread. The C original's hard
//! handler called `gpiod_set_value`, which may sleep: a bug there.

use kernel::bindings;
use kernel::prelude::*;
use kernel::sync::Arc;

/// What runs in the interrupt's thread.
pub(crate) trait ThreadedHandler: Send + Sync + 'static {
    /// Called in process context (the IRQ thread), may sleep.
    fn handle_threaded(&self);
}

/// `IRQF_TRIGGER_*` flags.
pub(crate) const TRIGGER_BOTH_EDGES: u32 =
    bindings::IRQF_TRIGGER_RISING | bindings::IRQF_TRIGGER_FALLING;

/// A requested threaded interrupt, freed on drop.
///
/// # Invariants
///
/// `irq` was requested with `thread_fn::<T>` and the cookie
/// `Arc::as_ptr(&data)`, and is not freed before `drop`.
pub(crate) struct ThreadedIrq<T: ThreadedHandler> {
    irq: u32,
    data: Arc<T>,
}

impl<T: ThreadedHandler> ThreadedIrq<T> {
    /// Requests `irq` with `trigger` (`IRQF_TRIGGER_*`) and `name` (shown in
    /// /proc/interrupts); `data` handles it until the registration drops.
    pub(crate) fn request(
        irq: u32,
        trigger: u32,
        name: &'static CStr,
        data: Arc<T>,
    ) -> Result<Self> {
        // `c_ulong` is at least 32 bits wide: the cast keeps every flag.
        let flags = (trigger | bindings::IRQF_ONESHOT) as kernel::ffi::c_ulong;
        // SAFETY: `thread_fn::<T>` matches `irq_handler_t` and expects the
        // cookie to point to a `T`; the cookie is the `T` in `data`, which
        // this registration holds until `free_irq` has returned in `drop`.
        // `name` is static. No primary handler: IRQF_ONESHOT keeps the line
        // masked until the thread has run, as the core requires then.
        let ret = unsafe {
            bindings::request_threaded_irq(
                irq,
                None,
                Some(thread_fn::<T>),
                flags,
                name.as_char_ptr(),
                Arc::as_ptr(&data).cast_mut().cast(),
            )
        };
        kernel::error::to_result(ret)?;
        // INVARIANT: requested just now with that handler and cookie.
        Ok(ThreadedIrq { irq, data })
    }
}

impl<T: ThreadedHandler> Drop for ThreadedIrq<T> {
    fn drop(&mut self) {
        // SAFETY: by the type invariant `irq` is requested with this cookie;
        // free_irq() returns only once no handler runs, so `data` may be
        // released after it.
        unsafe { bindings::free_irq(self.irq, Arc::as_ptr(&self.data).cast_mut().cast()) };
    }
}

/// The thread function of every [`ThreadedIrq<T>`].
///
/// # Safety
///
/// Called by the IRQ core only, with the cookie of a live [`ThreadedIrq<T>`].
unsafe extern "C" fn thread_fn<T: ThreadedHandler>(
    _irq: kernel::ffi::c_int,
    cookie: *mut core::ffi::c_void,
) -> bindings::irqreturn_t {
    // SAFETY: the cookie points to the `T` held by the registration, which
    // stays alive until free_irq() has waited for this function to return.
    let data = unsafe { &*cookie.cast::<T>() };
    data.handle_threaded();
    bindings::irqreturn::IRQ_HANDLED
}
