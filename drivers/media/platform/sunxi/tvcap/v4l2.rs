// SPDX-License-Identifier: GPL-2.0

//! Raw V4L2/videobuf2 bindings for this kernel, generated at build time by
//! `scripts/v4l2-bindgen` (7.3's `kernel::bindings` have none), plus the
//! few helpers for static inline functions the driver needs.
//!
//! The generated types are distinct Rust types from `kernel::bindings`'
//! for the same C structs (`device`, `mutex`, `file`...); pointers are cast
//! between the two at the few places they meet.

#[allow(
    clippy::all,
    clippy::pedantic,
    clippy::undocumented_unsafe_blocks,
    clippy::ptr_as_ptr,
    clippy::ref_as_ptr,
    clippy::as_underscore,
    clippy::cast_lossless,
    dead_code,
    missing_docs,
    non_camel_case_types,
    non_upper_case_globals,
    non_snake_case,
    improper_ctypes,
    unreachable_pub,
    unsafe_op_in_unsafe_fn,
    unnecessary_transmutes
)]
pub(crate) mod raw {
    use kernel::ffi;
    use pin_init::{MaybeZeroable, Zeroable};
    // Types the kernel's bindgen parameters blocklist.
    type __kernel_size_t = usize;
    type __kernel_ssize_t = isize;
    type __kernel_ptrdiff_t = isize;
    // SAFETY: a newtype around `Storage`, see rust/bindings/lib.rs.
    unsafe impl<Storage> Zeroable for __BindgenBitfieldUnit<Storage> where Storage: Zeroable {}
    include!("v4l2_generated.rs");
}

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
