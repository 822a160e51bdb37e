// SPDX-License-Identifier: GPL-2.0

//! The C original's `panelparam` text, parsed strictly.

#![forbid(unsafe_code)]

use kernel::prelude::*;

use crate::protocol::validate_panel;

/// The keys, in the order of the corners in `uapi::Panel`.
const KEYS: [&[u8]; 8] = [
    b"tl_x", b"tl_y", b"tr_x", b"tr_y", b"bl_x", b"bl_y", b"br_x", b"br_y",
];

/// Parses `tl_x=N,tl_y=N,tr_x=N,tr_y=N,bl_x=N,bl_y=N,br_x=N,br_y=N` with
/// one optional final newline: every key once, in this order, `N` an
/// optional `-` and 1 to 3 decimal digits; nothing else (no spaces, no
/// `+`, no trailing garbage), else `EINVAL`. Well-formed text with a value
/// outside the panel range is `ERANGE`, as the C original answered.
/// (The C original used `sscanf`, which accepts trailing text, spaces and
/// out-of-int-range numbers.)
pub(crate) fn parse(input: &[u8]) -> Result<[i32; 8]> {
    let input = input.strip_suffix(b"\n").unwrap_or(input);
    let mut corners = [0i32; 8];
    let mut fields = input.split(|&c| c == b',');
    for (key, value) in KEYS.iter().zip(corners.iter_mut()) {
        let field = fields.next().ok_or(EINVAL)?;
        let number = field
            .strip_prefix(*key)
            .and_then(|rest| rest.strip_prefix(b"="))
            .ok_or(EINVAL)?;
        *value = parse_number(number)?;
    }
    if fields.next().is_some() {
        return Err(EINVAL);
    }
    validate_panel(&corners)?;
    Ok(corners)
}

/// An optional `-` and 1 to 3 decimal digits.
fn parse_number(text: &[u8]) -> Result<i32> {
    let (negative, digits) = match text.strip_prefix(b"-") {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if digits.is_empty() || digits.len() > 3 || !digits.iter().all(u8::is_ascii_digit) {
        return Err(EINVAL);
    }
    let magnitude = digits
        .iter()
        .fold(0i32, |n, &d| n * 10 + i32::from(d - b'0'));
    Ok(if negative { -magnitude } else { magnitude })
}
