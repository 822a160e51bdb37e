// SPDX-License-Identifier: GPL-2.0

//! `/dev/mipsloader` ABI, mirroring `include/uapi/linux/hy300-mipsloader.h`.

use kernel::ioctl::{_IO, _IOR, _IOW};
use kernel::prelude::*;
use kernel::transmute::{AsBytes, FromBytes};

pub(crate) const FW_NAME_MAX: usize = 64;
pub(crate) const LOAD_CHECK_CRC: u32 = 1 << 0;

/// `struct mipsloader_load`.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct LoadRequest {
    pub(crate) name: [u8; FW_NAME_MAX],
    pub(crate) flags: u32,
    pub(crate) crc32: u32,
}

/// `struct mipsloader_status`.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub(crate) struct Status {
    pub(crate) loaded: u32,
    pub(crate) firmware_size: u32,
    pub(crate) firmware_crc32: u32,
    pub(crate) status_reg: u32,
}

/// `struct mipsloader_panel`: tl, tr, bl, br corners as (x, y).
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct Panel {
    pub(crate) corners: [i32; 8],
}

// SAFETY: plain integer arrays and integers without padding; any bit
// pattern is valid.
unsafe impl FromBytes for LoadRequest {}
// SAFETY: as above.
unsafe impl FromBytes for Panel {}
// SAFETY: four `u32`s, no padding.
unsafe impl AsBytes for Status {}

const _: () = assert!(core::mem::size_of::<LoadRequest>() == 72);
const _: () = assert!(core::mem::size_of::<Status>() == 16);
const _: () = assert!(core::mem::size_of::<Panel>() == 32);

const MAGIC: u32 = b'M' as u32;
pub(crate) const IOC_LOAD_FW: u32 = _IOW::<LoadRequest>(MAGIC, 1);
pub(crate) const IOC_RESTART: u32 = _IO(MAGIC, 2);
pub(crate) const IOC_POWER_DOWN: u32 = _IO(MAGIC, 3);
pub(crate) const IOC_GET_STATUS: u32 = _IOR::<Status>(MAGIC, 4);
pub(crate) const IOC_SET_PANEL: u32 = _IOW::<Panel>(MAGIC, 5);

impl LoadRequest {
    /// The firmware name: NUL-terminated within the array, non-empty,
    /// relative, made of `[A-Za-z0-9._/-]`, without `..` components.
    pub(crate) fn firmware_name(&self) -> Result<&CStr> {
        let name = CStr::from_bytes_until_nul(&self.name).map_err(|_| EINVAL)?;
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
