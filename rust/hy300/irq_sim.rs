// SPDX-License-Identifier: GPL-2.0

//! Test support (simulation builds only): a simulated interrupt line from
//! the kernel's interrupt simulator (`kernel/irq/irq_sim.c`, built in with
//! `CONFIG_IRQ_SIM`, which `GPIO_SIM` selects).
//!
//! The QEMU board module creates a [`SimIrqDomain`] and gives its Linux
//! interrupt number to a simulated device as that device's interrupt
//! resource; the driver requests it through `platform_get_irq` and
//! `request_irq` exactly as on the device. A simulated block raises it
//! with [`SimIrqLine::raise`]: irq_sim then runs the handler from an
//! `irq_work`, in hard interrupt context, through the interrupt core's
//! flow handler, as a device interrupt would.
//!
//! 7.3's `kernel::bindings` lack the domain functions: they come from the
//! project's generated bindings (`crate::hy300_bindings`, whose
//! `irq_domain` is a type of its own, so the domain is kept untyped here);
//! this file is the only place with their `unsafe`.

use crate::hy300_bindings::{irq_domain_create_sim, irq_domain_remove_sim};
use kernel::bindings;
use kernel::prelude::*;

/// An irq_sim domain of one interrupt, mapped.
///
/// # Invariants
///
/// `domain` was created by `irq_domain_create_sim` with one interrupt,
/// whose mapping is `irq` (non-zero); both live until drop.
pub struct SimIrqDomain {
    domain: *mut core::ffi::c_void,
    irq: u32,
}

// SAFETY: the domain is only created and removed (in `new` and `drop`);
// the interrupt core locks its own use of it.
unsafe impl Send for SimIrqDomain {}
// SAFETY: `&SimIrqDomain` only reads `irq`.
unsafe impl Sync for SimIrqDomain {}

impl SimIrqDomain {
    /// Creates the domain and maps its interrupt.
    ///
    /// # Safety
    ///
    /// The domain must be dropped only after every user of its interrupt
    /// has freed it: drop disposes of the mapping and frees the interrupt's
    /// descriptor, which a still-requested handler (and the `free_irq` of
    /// its owner) would use. The board module guarantees it by dropping the
    /// domain after the devices it gave the interrupt to are unregistered.
    pub unsafe fn new() -> Result<Self> {
        // SAFETY: no fwnode (the domain is found through its mapping only);
        // one interrupt.
        let domain = kernel::error::from_err_ptr(unsafe {
            irq_domain_create_sim(core::ptr::null_mut(), 1)
        })?
        .cast::<core::ffi::c_void>();
        // SAFETY: `domain` is live; hwirq 0 is its one interrupt; no
        // affinity.
        let irq =
            unsafe { bindings::irq_create_mapping_affinity(domain.cast(), 0, core::ptr::null()) };
        if irq == 0 {
            // SAFETY: created above, nothing mapped.
            unsafe { irq_domain_remove_sim(domain.cast()) };
            return Err(ENOMEM);
        }
        // INVARIANT: created and mapped above.
        Ok(SimIrqDomain { domain, irq })
    }

    /// The Linux interrupt number of the line.
    pub fn irq(&self) -> u32 {
        self.irq
    }
}

impl Drop for SimIrqDomain {
    fn drop(&mut self) {
        // SAFETY: per the invariants, and per `new`'s safety contract no
        // handler of the interrupt is left, so the mapping and then the
        // domain can go.
        unsafe {
            bindings::irq_dispose_mapping(self.irq);
            irq_domain_remove_sim(self.domain.cast());
        }
    }
}

/// The interrupt of a simulated device, by its Linux number (from its
/// platform device's interrupt resource).
#[derive(Clone, Copy)]
pub struct SimIrqLine(u32);

impl SimIrqLine {
    /// The line `irq`.
    pub fn new(irq: u32) -> Self {
        SimIrqLine(irq)
    }

    /// Makes the interrupt pending: its handler runs soon after, in hard
    /// interrupt context, if it is requested and enabled (irq_sim drops a
    /// raise on a disabled line, as a masked level interrupt would not be
    /// seen). `EINVAL` for a line that is not an irq_sim one.
    pub fn raise(&self) -> Result {
        // SAFETY: the interrupt core looks the number up and checks that its
        // chip has the state (-EINVAL otherwise); it may be called from
        // process context.
        kernel::error::to_result(unsafe {
            bindings::irq_set_irqchip_state(
                self.0,
                bindings::irqchip_irq_state_IRQCHIP_STATE_PENDING,
                true,
            )
        })
    }
}
