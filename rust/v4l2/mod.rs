// SPDX-License-Identifier: GPL-2.0

//! A small typed layer over V4L2 and videobuf2 for the project's capture
//! drivers (7.3's `kernel` crate has none), in the pattern of the kernel's
//! `rust/kernel/miscdevice.rs`:
//!
//! - [`IoctlOps`] (`#[vtable]`): one method per supported ioctl, typed
//!   arguments, `Result` returns. The `v4l2_ioctl_ops` and
//!   `v4l2_file_operations` tables are consts built at compile time from
//!   the implementation's `HAS_*` flags; the vb2 ioctl and file helpers,
//!   `v4l2_fh` and event (un)subscription are wired by the layer.
//! - [`QueueOps`] (`#[vtable]`): the vb2 queue callbacks, with a
//!   `vb2_ops` const built the same way. A queued buffer reaches the
//!   driver as an owned [`Buffer`] whose only exits are
//!   [`Buffer::done`] / [`Buffer::error`] (dropping it is `error`), so a
//!   buffer goes back to vb2 exactly once by construction.
//! - [`VideoDevice`]: the pinned `v4l2_device`, `video_device`, vb2 queue
//!   and their mutex, embedded in the driver's state; its V4L2 events.
//! - [`Device`]: the driver's state in the allocation that the
//!   `v4l2_device`'s kref governs, its one refcount (`ARef<Device<T>>`,
//!   `AlwaysRefCounted` over `v4l2_device_get`/`put`, as
//!   `kernel::drm::Device`); [`Registration`]: its video node, registered
//!   from a bound device, unregistered on drop.
//! - [`DvTimings`], [`DvTimingsCap`]: BT.656/1120 digital video timings and
//!   the capabilities of a receiver, over the V4L2 core's helpers.
//!
//! Every `unsafe` block of a capture driver's V4L2 side lives here, each
//! with its `// SAFETY:` comment. A driver
//! includes the layer as `crate::v4l2` with
//! `#[path = ".../rust/v4l2/mod.rs"] mod v4l2;` and provides the raw
//! the project's generated bindings as `crate::hy300_bindings`
//! (rust/bindings/mod.rs), named in one place below.

// The raw V4L2/vb2 bindings: the only path to them in the layer.
pub(crate) use crate::hy300_bindings as raw;

mod device;
mod dv;
mod ioctl;
#[cfg(CONFIG_KUNIT)]
mod tests;
mod vb2;

pub use device::{Config, Device, Driver, Registration, VideoDevice};
pub use dv::{BtCap, Detected, DvTimings, DvTimingsCap};
pub use ioctl::{Capability, Colorimetry, FrameSize, Input, IoctlOps, PixFormat, Subscription};
pub use vb2::{BufferRef, Completion, DmaTarget, PlaneSizes, Queue, QueueOps, MAX_BUFFERS};
#[cfg(hy300_sim)]
pub use vb2::{BusWrite, HasQueue};

use kernel::prelude::*;

/// Device capabilities (`V4L2_CAP_*`) for [`Config::device_caps`].
pub mod caps {
    use super::raw;
    /// A single-planar video capture device.
    pub const VIDEO_CAPTURE: u32 = raw::V4L2_CAP_VIDEO_CAPTURE;
    /// Streaming I/O (vb2).
    pub const STREAMING: u32 = raw::V4L2_CAP_STREAMING;
    /// read().
    pub const READWRITE: u32 = raw::V4L2_CAP_READWRITE;
}

/// vb2 I/O modes for [`Config::io_modes`].
pub mod io_modes {
    use super::raw;
    /// mmap() of driver-allocated buffers.
    pub const MMAP: u32 = raw::vb2_io_modes_VB2_MMAP;
    /// read() emulation.
    pub const READ: u32 = raw::vb2_io_modes_VB2_READ;
    /// Imported DMA-BUFs.
    pub const DMABUF: u32 = raw::vb2_io_modes_VB2_DMABUF;
}

/// Input status bits (`V4L2_IN_ST_*`) for [`Input::set_status`].
pub mod input_status {
    use super::raw;
    /// No power (a receiver: no +5V from the source, nothing plugged in).
    pub const NO_POWER: u32 = raw::V4L2_IN_ST_NO_POWER;
    /// No signal.
    pub const NO_SIGNAL: u32 = raw::V4L2_IN_ST_NO_SIGNAL;
    /// No horizontal sync lock.
    pub const NO_H_LOCK: u32 = raw::V4L2_IN_ST_NO_H_LOCK;
}

/// DV timing standards (`V4L2_DV_BT_STD_*`) for [`BtCap::standards`].
pub mod dv_standards {
    use super::raw;
    /// CEA-861 (consumer electronics: 480p, 720p, 1080p...).
    pub const CEA861: u32 = raw::V4L2_DV_BT_STD_CEA861;
    /// VESA DMT (computer monitors).
    pub const DMT: u32 = raw::V4L2_DV_BT_STD_DMT;
}

/// `V4L2_EVENT_SRC_CH_RESOLUTION`: the source's resolution (or format)
/// changed, or the source came or went.
pub const SRC_CH_RESOLUTION: u32 = raw::V4L2_EVENT_SRC_CH_RESOLUTION;

/// The monotonic clock in nanoseconds (`ktime_get_ns`), the clock of vb2
/// buffer timestamps (`V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC`).
pub fn monotonic_ns() -> u64 {
    // SAFETY: `ktime_get` has no preconditions.
    u64::try_from(unsafe { kernel::bindings::ktime_get() }).unwrap_or(0)
}

/// Copies `src` into the fixed C string `dst`, truncated and always
/// NUL-terminated (an empty `dst` is left alone).
pub(crate) fn copy_str(dst: &mut [u8], src: &CStr) {
    let src = src.to_bytes();
    let n = src.len().min(dst.len().saturating_sub(1));
    dst[..n].copy_from_slice(&src[..n]);
    for d in dst.iter_mut().skip(n) {
        *d = 0;
    }
}

/// A callback's result as the C API wants it: 0 or a negative errno.
pub(crate) fn to_c(r: Result) -> core::ffi::c_int {
    match r {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}
