// SPDX-License-Identifier: GPL-2.0

//! Strict parsing of what userspace writes to control files, with the
//! kernel's `kstrtouint()` (`include/linux/kstrtox.h`, base 10).
//!
//! Accepted: ASCII decimal digits, optionally followed by one `\n` (what
//! `echo` adds). Refused with `EINVAL`: signs (`kstrtouint` alone would
//! take a leading `+`), spaces, other whitespace, NUL bytes, empty input,
//! hex, anything longer than 11 bytes, values beyond `u32`
//! (`kstrtouint`'s `ERANGE`) and values above the caller's maximum.

use crate::hy300_bindings::kstrtouint;
use kernel::prelude::*;

/// Longest accepted input: `u32::MAX` has 10 digits, plus the newline.
const MAX_LEN: usize = 11;

/// Parses `input` as a decimal integer in `0..=max`.
pub fn parse_u32(input: &[u8], max: u32) -> Result<u32> {
    if input.len() > MAX_LEN || input.first() == Some(&b'+') || input.contains(&0) {
        return Err(EINVAL);
    }
    // `kstrtouint` reads a NUL-terminated string.
    let mut text = [0u8; MAX_LEN + 1];
    text.get_mut(..input.len())
        .ok_or(EINVAL)?
        .copy_from_slice(input);
    let mut value = 0;
    // SAFETY: `text` is NUL-terminated (at most `MAX_LEN` bytes, none of
    // them NUL, copied into `MAX_LEN + 1`); `value` is valid for writes.
    let ret = unsafe { kstrtouint(text.as_ptr().cast(), 10, &mut value) };
    if ret != 0 || value > max {
        return Err(EINVAL);
    }
    Ok(value)
}

/// Parses a trigger write: exactly `1` (optionally with `\n`).
pub fn parse_trigger(input: &[u8]) -> Result {
    match parse_u32(input, 1)? {
        1 => Ok(()),
        _ => Err(EINVAL),
    }
}
