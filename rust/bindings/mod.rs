// SPDX-License-Identifier: GPL-2.0

//! The project's raw C bindings: every C interface the hy300 modules call
//! that 7.3's `kernel::bindings` leave out (V4L2, videobuf2, reset
//! controllers, the GPIO consumer API, `of_address_to_resource`, the
//! QEMU board's clock, clkdev, GPIO lookup and platform device calls), the
//! prototypes of the project's own C glue, and its UAPI layouts
//! (`include/uapi/linux/hy300-mipsloader.h`).
//!
//! Generated at build time by `scripts/hy300-bindgen` from
//! `hy300_bindings_helper.h` (see `Kbuild.bindings`) and included by
//! every module as its crate's `hy300_bindings` module:
//!
//! ```ignore
//! #[path = "<to the project root>/rust/bindings/mod.rs"]
//! mod hy300_bindings;
//! ```
//!
//! `struct device`, `mutex`, `lock_class_key`, `module` and `kref` are the
//! kernel's own types: the script blocklists them (`kernel_types`) and this
//! module takes them from `kernel::bindings`, so a device, mutex, lock class,
//! module or kref of these bindings is the kernel's, with no cast
//! between two generated structs. The other C structs
//! both bindings generate (`mutex`, `file`...) are still distinct Rust
//! types here; pointers are cast between the two where they meet.
//! (Blocklisting every kernel type was tried: bindgen then cannot tell
//! whether the embedded kernel types are `Copy`, and turns unions such as
//! `v4l2_frmsizeenum`'s into `__BindgenUnionField`s and drops derives,
//! which changes the API the V4L2 code uses; these five only drop
//! `Copy`/`Clone`/`Default` from the structs that embed one by value,
//! which nothing copies.)

#![allow(
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

use kernel::ffi;
// The kernel's own types (blocklisted in scripts/hy300-bindgen).
pub use kernel::bindings::{device, kref, lock_class_key, module, mutex};
use pin_init::{MaybeZeroable, Zeroable};
// Types the kernel's bindgen parameters blocklist.
type __kernel_size_t = usize;
type __kernel_ssize_t = isize;
type __kernel_ptrdiff_t = isize;
// SAFETY: a newtype around `Storage`, see rust/bindings/lib.rs.
unsafe impl<Storage> Zeroable for __BindgenBitfieldUnit<Storage> where Storage: Zeroable {}
include!("hy300_bindings_generated.rs");

// The UAPI layouts (include/uapi/linux/hy300-mipsloader.h) are copied from
// and to user memory by `kernel::uaccess`, which takes types with these
// byte-level traits. The checks below fail the build if the header gains
// padding.
// SAFETY: a `char` array and two `__u32`s, no padding (checked below):
// any bit pattern is a valid value.
unsafe impl kernel::transmute::FromBytes for mipsloader_load {}
// SAFETY: eight `__s32`s, no padding (checked below): any bit pattern is
// a valid value.
unsafe impl kernel::transmute::FromBytes for mipsloader_panel {}
// SAFETY: four `__u32`s, no padding (checked below): every byte is
// initialised.
unsafe impl kernel::transmute::AsBytes for mipsloader_status {}
const _: () = assert!(
    core::mem::size_of::<mipsloader_load>() == MIPSLOADER_FW_NAME_MAX as usize + 8
        && core::mem::size_of::<mipsloader_panel>() == 8 * 4
        && core::mem::size_of::<mipsloader_status>() == 4 * 4
);
