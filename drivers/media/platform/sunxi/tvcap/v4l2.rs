// SPDX-License-Identifier: GPL-2.0

//! Raw V4L2/videobuf2 bindings for this kernel (`raw`: the project's
//! bindings generated at build time by `scripts/hy300-bindgen`, see
//! `rust/bindings/mod.rs`; 7.3's `kernel::bindings` have none), plus the
//! few helpers for static inline functions the driver needs.

/// The raw V4L2/vb2 bindings: the project's generated bindings.
pub(crate) use crate::hy300_bindings as raw;

/// `vb2_set_plane_payload` (a static inline): plane 0's bytes used.
///
/// # Safety
///
/// `vb` is a live buffer with at least one plane.
pub(crate) unsafe fn set_payload(vb: *mut raw::vb2_buffer, bytes: u32) {
    // SAFETY: per the contract, plane 0 exists.
    unsafe { (*vb).planes[0].bytesused = bytes };
}

/// `vb2_plane_size` (static inline).
///
/// # Safety
///
/// `vb` is a live buffer with at least one plane.
pub(crate) unsafe fn plane_size(vb: *const raw::vb2_buffer) -> u32 {
    // SAFETY: per the contract, plane 0 exists.
    unsafe { (*vb).planes[0].length }
}

/// `vb2_dma_contig_plane_dma_addr` (static inline): plane 0's bus address,
/// None when the buffer has no memory.
///
/// # Safety
///
/// `vb` is a live buffer of a vb2-dma-contig queue.
pub(crate) unsafe fn plane_dma_addr(vb: *mut raw::vb2_buffer) -> Option<u64> {
    // SAFETY: `vb` is live; dma-contig's cookie points at the plane's
    // `dma_addr_t`.
    unsafe {
        let cookie = raw::vb2_plane_cookie(vb, 0).cast::<kernel::bindings::dma_addr_t>();
        (!cookie.is_null()).then(|| *cookie)
    }
}

/// `to_vb2_v4l2_buffer` (container_of): `vb2_buf` is the first field.
pub(crate) fn to_v4l2_buffer(vb: *mut raw::vb2_buffer) -> *mut raw::vb2_v4l2_buffer {
    vb.cast()
}
