// SPDX-License-Identifier: GPL-2.0

//! A threaded interrupt on a bare IRQ number (e.g. a GPIO line's, from
//! [`super::gpio::GpioLine::to_irq`]; the motor's limit switch).
//!
//! 7.3's `kernel::irq::ThreadedRegistration` takes an `IrqRequest`, which a
//! driver can only get from a platform or PCI device's own IRQ resources
//! (`IrqRequest::new` is crate-private); an IRQ number from the GPIO layer
//! cannot be passed to it. This file is the thin typed layer over
//! `request_threaded_irq`/`free_irq` instead: the registration owns the
//! handler's data and frees the interrupt on drop.
//!
//! A hard handler and a thread function are registered. The hard handler
//! runs in interrupt context and may do the whole job when it can do it
//! without sleeping (the motor: when no line of its GPIO chip sleeps, as
//! the C original's hard handler did); otherwise it wakes the thread,
//! which may sleep (GPIO lines behind I2C, gpio-sim). The motor's C
//! original called `gpiod_set_value` from its hard handler
//! unconditionally, which is a bug on a chip whose lines sleep.

use kernel::bindings;
use kernel::prelude::*;
use kernel::sync::Arc;

/// What runs in the interrupt (hard handler) and its thread.
pub trait ThreadedHandler: Send + Sync + 'static {
    /// Called in hard interrupt context: must not sleep. Returns whether
    /// it handled the interrupt; `false` wakes the thread.
    fn handle_hard(&self) -> bool;
    /// Called in process context (the IRQ thread), may sleep.
    fn handle_threaded(&self);
}

/// `IRQF_TRIGGER_*` flags.
pub const TRIGGER_BOTH_EDGES: u32 = bindings::IRQF_TRIGGER_RISING | bindings::IRQF_TRIGGER_FALLING;

/// A requested threaded interrupt, freed on drop.
///
/// # Invariants
///
/// `irq` was requested with `thread_fn::<T>` and the cookie
/// `Arc::as_ptr(&data)`, and is not freed before `drop`.
pub struct ThreadedIrq<T: ThreadedHandler> {
    irq: u32,
    data: Arc<T>,
}

impl<T: ThreadedHandler> ThreadedIrq<T> {
    /// Requests `irq` with `trigger` (`IRQF_TRIGGER_*`; other bits are
    /// ignored) and `name` (shown in
    /// /proc/interrupts); `data` handles it until the registration drops.
    pub fn request(irq: u32, trigger: u32, name: &'static CStr, data: Arc<T>) -> Result<Self> {
        // Only the trigger bits of `trigger` are taken: sharing, per-CPU
        // and the other request flags would change what the cookie means
        // to the IRQ core. `c_ulong` is at least 32 bits wide: the cast
        // keeps every flag.
        let flags = ((trigger & bindings::IRQF_TRIGGER_MASK) | bindings::IRQF_ONESHOT)
            as kernel::ffi::c_ulong;
        // SAFETY: `hard_fn::<T>` and `thread_fn::<T>` match
        // `irq_handler_t` and expect the cookie to point to a `T`; the
        // cookie is the `T` in `data`, which this registration holds until
        // `free_irq` has returned in `drop`. `name` is static. IRQF_ONESHOT
        // keeps the line masked until the thread has run when the hard
        // handler wakes it.
        let ret = unsafe {
            bindings::request_threaded_irq(
                irq,
                Some(hard_fn::<T>),
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

/// The hard handler of every [`ThreadedIrq<T>`].
///
/// # Safety
///
/// Called by the IRQ core only, with the cookie of a live [`ThreadedIrq<T>`].
unsafe extern "C" fn hard_fn<T: ThreadedHandler>(
    _irq: kernel::ffi::c_int,
    cookie: *mut core::ffi::c_void,
) -> bindings::irqreturn_t {
    // SAFETY: the cookie points to the `T` held by the registration, which
    // stays alive until free_irq() has waited for this function to return.
    let data = unsafe { &*cookie.cast::<T>() };
    if data.handle_hard() {
        bindings::irqreturn::IRQ_HANDLED
    } else {
        bindings::irqreturn::IRQ_WAKE_THREAD
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
