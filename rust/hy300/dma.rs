// SPDX-License-Identifier: GPL-2.0

//! DMA addressing limits of a platform device, set from its probe.

use kernel::device::Core;
use kernel::dma::{self, DmaMask};
use kernel::platform;
use kernel::prelude::*;

/// Sets the streaming and coherent DMA mask of `pdev` to `mask` and its
/// largest DMA segment to `max_seg_size` bytes.
///
/// Called from the probe (the `Core` context) as its first step: the
/// device's driver is not bound yet and this one allocates or maps
/// nothing for the device before the call, so no DMA allocation or
/// mapping of the device runs concurrently (what
/// `dma_set_mask_and_coherent` and `dma_set_max_seg_size` require).
pub fn configure(pdev: &platform::Device<Core<'_>>, mask: DmaMask, max_seg_size: u32) -> Result {
    // SAFETY: per the function's contract above, called by the probe
    // before anything of the driver allocates or maps for the device; the
    // `Core` context keeps other drivers from binding meanwhile.
    unsafe {
        dma::Device::dma_set_mask_and_coherent(pdev, mask)?;
        dma::Device::dma_set_max_seg_size(pdev, max_seg_size);
    }
    Ok(())
}
