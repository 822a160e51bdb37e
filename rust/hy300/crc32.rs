// SPDX-License-Identifier: GPL-2.0

//! CRC-32 (IEEE 802.3, reflected: zlib's `crc32`, the value the vendor
//! publishes for `display.bin`) from the kernel's library, `crc32_le()`
//! (`include/linux/crc32.h`, built in: `CONFIG_CRC32=y` in both test
//! kernels and in every distribution kernel).
//!
//! `crc32_le` computes the raw register update; the standard CRC starts
//! from all ones and inverts the result, as `ether_crc_le` and zlib do.
//! (The C original called `crc32(0, ...)`, i.e. `crc32_le(0, ...)` without
//! the inversions: a different value for the same image.)

use crate::hy300_bindings::crc32_le;

/// CRC-32 of `data`.
pub fn crc32(data: &[u8]) -> u32 {
    // SAFETY: `crc32_le` reads `len` bytes from `p`, which `data` provides;
    // it has no other precondition (any context).
    !unsafe { crc32_le(!0, data.as_ptr().cast(), data.len()) }
}
