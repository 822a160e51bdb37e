// SPDX-License-Identifier: GPL-2.0

//! DMA addressing limits of a platform device, set before its driver's
//! probe runs.
//!
//! `dma_set_mask_and_coherent` and `dma_set_max_seg_size` must not run
//! concurrently with a DMA allocation or mapping of the device: they are
//! `unsafe` in the kernel crate. [`DmaFirst`] wraps a platform driver and
//! sets its [`DmaDriver`] limits in the probe before the driver's own
//! probe starts, when nothing can be allocating or mapping for the
//! device: the driver keeps no `unsafe` for it.

use core::marker::PhantomData;
use kernel::device::Core;
use kernel::dma::{self, DmaMask};
use kernel::platform;
use kernel::prelude::*;

/// Sets the streaming and coherent DMA mask of `pdev` to `mask` and its
/// largest DMA segment to `max_seg_size` bytes.
///
/// # Safety
///
/// No DMA allocation or mapping for `pdev` runs concurrently with the
/// call (what `dma_set_mask_and_coherent` and `dma_set_max_seg_size`
/// require): e.g. called in the probe before anything of the driver
/// allocates or maps for the device.
pub unsafe fn configure(
    pdev: &platform::Device<Core<'_>>,
    mask: DmaMask,
    max_seg_size: u32,
) -> Result {
    // SAFETY: no DMA allocation or mapping for `pdev` runs concurrently
    // (the function's contract).
    unsafe {
        dma::Device::dma_set_mask_and_coherent(pdev, mask)?;
        dma::Device::dma_set_max_seg_size(pdev, max_seg_size);
    }
    Ok(())
}

/// A platform driver whose device masters DMA within these limits.
pub trait DmaDriver: platform::Driver + 'static {
    /// The device's DMA addressing mask.
    const DMA_MASK: DmaMask;
    /// The largest DMA segment the device takes, in bytes.
    const MAX_SEG_SIZE: u32;
}

/// The platform driver `D` with its DMA limits set before its probe:
/// register `DmaFirst<D>` (e.g. `module_platform_driver!`'s `type:`).
pub struct DmaFirst<D>(PhantomData<D>);

impl<D: DmaDriver> platform::Driver for DmaFirst<D> {
    type IdInfo = D::IdInfo;
    type Data<'bound> = D::Data<'bound>;
    const OF_ID_TABLE: Option<kernel::of::IdTable<Self::IdInfo>> = D::OF_ID_TABLE;
    const ACPI_ID_TABLE: Option<kernel::acpi::IdTable<Self::IdInfo>> = D::ACPI_ID_TABLE;

    fn probe<'bound>(
        pdev: &'bound platform::Device<Core<'_>>,
        id_info: Option<&'bound Self::IdInfo>,
    ) -> impl PinInit<Self::Data<'bound>, Error> + 'bound {
        pin_init::pin_init_scope(move || {
            // SAFETY: the driver core probes the device with its lock held
            // and no driver bound; `D`'s probe has not started, so nothing
            // of `D` allocates or maps for it, and no other driver can.
            unsafe { configure(pdev, D::DMA_MASK, D::MAX_SEG_SIZE) }?;
            Ok(D::probe(pdev, id_info))
        })
    }

    fn unbind<'bound>(pdev: &'bound platform::Device<Core<'_>>, this: Pin<&Self::Data<'bound>>) {
        D::unbind(pdev, this);
    }
}
