// SPDX-License-Identifier: GPL-2.0

//! Interrupt helpers for the probe and the backends of a platform driver,
//! over 7.3's `kernel::irq`: a registration that cannot be leaked in
//! place, and waiting for the handlers of a line by number.

use kernel::device::Core;
use kernel::prelude::*;
use kernel::{bindings, irq, platform};

/// A requested interrupt, boxed: the handler is freed when it is dropped.
pub type BoxedRegistration<'a, T> = Pin<KBox<irq::Registration<'a, T>>>;

/// Requests interrupt `index` of `pdev` with `handler`, from the probe
/// (`Core`); the returned registration is kept in the binding's data and
/// frees the interrupt on drop. The handler owns its data (`'static`).
pub fn request_by_index<'a, T: irq::Handler + 'static>(
    pdev: &'a platform::Device<Core<'_>>,
    flags: irq::Flags,
    index: u32,
    name: &'static CStr,
    handler: impl PinInit<T, Error> + 'a,
) -> Result<BoxedRegistration<'a, T>> {
    // SAFETY: the registration is initialised in place inside a `KBox`
    // and only ever handed out as that box: its memory is freed only by
    // dropping the box, which runs the registration's `Drop` (free_irq)
    // first. A leaked box leaks the registration with its memory, and the
    // handler borrows nothing (`T: 'static`), so the handler never sees
    // freed memory either way.
    let registration = unsafe { pdev.request_irq_by_index(flags, index, name, handler) };
    KBox::pin_init(registration, GFP_KERNEL)
}

/// Waits until no handler of interrupt `irq` runs (`synchronize_irq()`);
/// returns at once for a number with no descriptor or no handler.
/// May sleep: process context only.
pub fn synchronize(irq: u32) {
    // SAFETY: synchronize_irq() looks the number up and returns for one
    // without a descriptor; it takes no pointer.
    unsafe { bindings::synchronize_irq(irq) };
}
