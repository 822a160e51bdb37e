// SPDX-License-Identifier: GPL-2.0

//! Raw V4L2/videobuf2 bindings for this kernel, generated at build time by
//! `scripts/v4l2-bindgen` (7.3's `kernel::bindings` have none). The driver
//! reaches them only through the typed layer (`crate::v4l2`, rust/v4l2/),
//! which names them in one place (`crate::v4l2::raw`).
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
