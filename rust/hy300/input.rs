// SPDX-License-Identifier: GPL-2.0

//! Strict parsing of what userspace writes to control files.
//!
//! Accepted: ASCII decimal digits, optionally followed by one `\n` (what
//! `echo` adds). Refused with `EINVAL`: signs, spaces, other whitespace,
//! empty input, leading `+`, hex, anything longer than 10 digits, and values
//! above the caller's maximum.

use kernel::prelude::*;

/// Longest accepted number (`u32::MAX` has 10 digits).
const MAX_DIGITS: usize = 10;

/// Parses `input` as a decimal integer in `0..=max`.
pub fn parse_u32(input: &[u8], max: u32) -> Result<u32> {
    let digits = input.strip_suffix(b"\n").unwrap_or(input);
    if digits.is_empty() || digits.len() > MAX_DIGITS || !digits.iter().all(u8::is_ascii_digit) {
        return Err(EINVAL);
    }
    let value = digits
        .iter()
        .fold(0u64, |acc, &d| acc * 10 + u64::from(d - b'0'));
    u32::try_from(value)
        .ok()
        .filter(|&v| v <= max)
        .ok_or(EINVAL)
}

/// Parses a trigger write: exactly `1` (optionally with `\n`).
pub fn parse_trigger(input: &[u8]) -> Result {
    match parse_u32(input, 1)? {
        1 => Ok(()),
        _ => Err(EINVAL),
    }
}
