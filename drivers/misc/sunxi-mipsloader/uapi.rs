// SPDX-License-Identifier: GPL-2.0

//! `/dev/mipsloader` ABI: `include/uapi/linux/hy300-mipsloader.h`.
//!
//! The layouts and constants are the header's own, through the project's
//! generated bindings (`rust/bindings`, which include the header): nothing
//! here mirrors them by hand. The byte-level traits that copy the layouts
//! from and to user memory are implemented beside the bindings
//! (rust/bindings/mod.rs). What bindgen cannot take from the header is
//! here: the ioctl numbers (`_IOW` and friends are function-like macros)
//! and the checks of a request.

#![forbid(unsafe_code)]

use kernel::ioctl::{_IO, _IOR, _IOW};
use kernel::prelude::*;
use kernel::uaccess::{UserPtr, UserSlice};

use crate::hy300_bindings as raw;

pub(crate) const FW_NAME_MAX: usize = raw::MIPSLOADER_FW_NAME_MAX as usize;
pub(crate) const LOAD_CHECK_CRC: u32 = raw::MIPSLOADER_LOAD_CHECK_CRC;

/// `struct mipsloader_load`.
pub(crate) type LoadRequest = raw::mipsloader_load;
/// `struct mipsloader_status`.
pub(crate) type Status = raw::mipsloader_status;
/// `struct mipsloader_panel`: tl, tr, bl, br corners as (x, y).
pub(crate) type Panel = raw::mipsloader_panel;

// The ABI: these sizes are the header's and never change.
const _: () = assert!(core::mem::size_of::<LoadRequest>() == 72);
const _: () = assert!(core::mem::size_of::<Status>() == 16);
const _: () = assert!(core::mem::size_of::<Panel>() == 32);

const MAGIC: u32 = raw::MIPSLOADER_IOC_MAGIC as u32;
pub(crate) const IOC_LOAD_FW: u32 = _IOW::<LoadRequest>(MAGIC, 1);
pub(crate) const IOC_RESTART: u32 = _IO(MAGIC, 2);
pub(crate) const IOC_POWER_DOWN: u32 = _IO(MAGIC, 3);
pub(crate) const IOC_GET_STATUS: u32 = _IOR::<Status>(MAGIC, 4);
pub(crate) const IOC_SET_PANEL: u32 = _IOW::<Panel>(MAGIC, 5);

// The C original's ioctls, same numbers and meaning. RESTART and POWERDOWN
// are the two above (no size). LOAD_FW and GET_STATUS differ from the
// extended ones only in the size field, so both sets coexist.

/// `_IOW('M', 1, char *)`: the argument points to a NUL-terminated name.
pub(crate) const IOC_LOAD_FW_ORIG: u32 = _IOW::<*const u8>(MAGIC, 1);
/// The same from a 32-bit process: `sizeof(char *)` is 4 there.
#[cfg_attr(not(CONFIG_COMPAT), allow(dead_code))]
pub(crate) const IOC_LOAD_FW_ORIG_32: u32 = _IOW::<u32>(MAGIC, 1);
/// `_IOR('M', 4, int)`: the STATUS register into an `int`.
pub(crate) const IOC_GET_STATUS_ORIG: u32 = _IOR::<i32>(MAGIC, 4);

/// A 32-bit caller's command as the native one, `None` for a number no
/// 32-bit program makes. Only the original LOAD_FW has a pointer-sized
/// size field (4 for a 32-bit caller: the native number; its 64-bit
/// number, size 8, is refused); every other layout is the same for 32-bit
/// callers: `struct mipsloader_load` (72 bytes), `mipsloader_status` (16)
/// and `mipsloader_panel` (32) hold only `char`, `__u32` and `__s32`
/// (alignment 4, no padding, no pointer, no 64-bit field) and the status
/// `int` is 4 bytes on both.
#[cfg_attr(not(CONFIG_COMPAT), allow(dead_code))]
pub(crate) const fn compat_cmd(cmd: u32) -> Option<u32> {
    if cmd == IOC_LOAD_FW_ORIG_32 {
        Some(IOC_LOAD_FW_ORIG)
    } else if cmd == IOC_LOAD_FW_ORIG {
        None
    } else {
        Some(cmd)
    }
}

/// A firmware name: non-empty, relative, made of `[A-Za-z0-9._/-]`,
/// without `..` or empty components.
pub(crate) fn validate_firmware_name(name: &CStr) -> Result<&CStr> {
    let bytes = name.to_bytes();
    let allowed = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-' | b'/');
    if bytes.first().is_none_or(|&c| c == b'/') || !bytes.iter().all(allowed) {
        return Err(EINVAL);
    }
    if bytes
        .split(|&c| c == b'/')
        .any(|part| part == b".." || part.is_empty())
    {
        return Err(EINVAL);
    }
    Ok(name)
}

/// The original LOAD_FW's name, copied from user memory at `arg` with
/// `strncpy_from_user`: at most `FW_NAME_MAX - 1` characters before the
/// NUL (the extended request's limit), else `ENAMETOOLONG`; never more
/// than `FW_NAME_MAX + 1` bytes are read. (The C original copied a fixed 256
/// bytes, faulting on a short name at the end of a mapping.)
pub(crate) fn read_original_name<'b>(
    arg: usize,
    buf: &'b mut [u8; FW_NAME_MAX + 1],
) -> Result<&'b CStr> {
    let reader = UserSlice::new(UserPtr::from_addr(arg), buf.len()).reader();
    // A name that fills `buf` comes back cut to `FW_NAME_MAX` characters.
    let name = reader.strcpy_into_buf(buf)?;
    if name.to_bytes().len() >= FW_NAME_MAX {
        return Err(ENAMETOOLONG);
    }
    validate_firmware_name(name)
}

impl Panel {
    /// The corners in the header's order: top left, top right, bottom
    /// left, bottom right, each (x, y).
    pub(crate) fn corners(&self) -> [i32; 8] {
        [
            self.top_left_x,
            self.top_left_y,
            self.top_right_x,
            self.top_right_y,
            self.bottom_left_x,
            self.bottom_left_y,
            self.bottom_right_x,
            self.bottom_right_y,
        ]
    }
}

impl LoadRequest {
    /// The firmware name: NUL-terminated within the array, and valid
    /// ([`validate_firmware_name`]).
    pub(crate) fn firmware_name(&self) -> Result<&CStr> {
        validate_firmware_name(CStr::from_bytes_until_nul(&self.name).map_err(|_| EINVAL)?)
    }

    /// The expected CRC32, if the caller asked for the check. Unknown
    /// flags are refused.
    pub(crate) fn expected_crc(&self) -> Result<Option<u32>> {
        match self.flags {
            0 => Ok(None),
            LOAD_CHECK_CRC => Ok(Some(self.crc32)),
            _ => Err(EINVAL),
        }
    }
}
