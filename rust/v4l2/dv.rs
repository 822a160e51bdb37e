// SPDX-License-Identifier: GPL-2.0

//! Digital video timings (BT.656/1120, the kind of HDMI receivers) over
//! the V4L2 core's helpers (`v4l2-dv-timings.c`): the standard presets,
//! matching and validation against a receiver's capabilities.

use kernel::prelude::*;

use super::raw;

/// A receiver's capabilities: the `V4L2_DV_BT_*` limits of the timings it
/// can receive.
#[derive(Clone, Copy)]
pub struct DvTimingsCap(raw::v4l2_dv_timings_cap);

/// The limits of [`DvTimingsCap::bt`].
#[derive(Clone, Copy, Debug)]
pub struct BtCap {
    /// Smallest and largest active width, pixels.
    pub width: (u32, u32),
    /// Smallest and largest active height, lines.
    pub height: (u32, u32),
    /// Smallest and largest pixel clock, Hz.
    pub pixelclock: (u64, u64),
    /// `V4L2_DV_BT_STD_*` standards accepted (0: any).
    pub standards: u32,
    /// Progressive only (no interlaced formats, no custom timings).
    pub progressive: bool,
}

impl DvTimingsCap {
    /// The capabilities of a BT.656/1120 receiver.
    pub const fn bt(c: BtCap) -> Self {
        let mut cap: raw::v4l2_dv_timings_cap = pin_init::zeroed();
        cap.type_ = raw::V4L2_DV_BT_656_1120;
        cap.__bindgen_anon_1.bt = raw::v4l2_bt_timings_cap {
            min_width: c.width.0,
            max_width: c.width.1,
            min_height: c.height.0,
            max_height: c.height.1,
            min_pixelclock: c.pixelclock.0,
            max_pixelclock: c.pixelclock.1,
            standards: c.standards,
            capabilities: if c.progressive {
                raw::V4L2_DV_BT_CAP_PROGRESSIVE
            } else {
                raw::V4L2_DV_BT_CAP_PROGRESSIVE | raw::V4L2_DV_BT_CAP_INTERLACED
            },
            reserved: [0; 16],
        };
        DvTimingsCap(cap)
    }

    pub(crate) fn into_raw(self) -> raw::v4l2_dv_timings_cap {
        self.0
    }

    /// Whether `t` is within these capabilities.
    pub fn valid(&self, t: &DvTimings) -> bool {
        // SAFETY: both arguments are valid for the call; no filter
        // callback.
        unsafe { raw::v4l2_valid_dv_timings(&t.0, &self.0, None, core::ptr::null_mut()) }
    }

    /// Entry `index` of the standard timings within these capabilities
    /// (`EINVAL` past the last).
    pub fn enumerate(&self, index: u32) -> Result<DvTimings> {
        let mut e: raw::v4l2_enum_dv_timings = pin_init::zeroed();
        e.index = index;
        // SAFETY: both arguments are valid for the call; no filter
        // callback.
        kernel::error::to_result(unsafe {
            raw::v4l2_enum_dv_timings_cap(&mut e, &self.0, None, core::ptr::null_mut())
        })?;
        Ok(DvTimings(e.timings))
    }

    /// Replaces `t` by the standard timings within these capabilities that
    /// it matches (pixel clocks within `pclock_delta` Hz); false when none
    /// does (or `t` is outside the capabilities), `t` then unchanged.
    pub fn find(&self, t: &mut DvTimings, pclock_delta: u32) -> bool {
        // SAFETY: both arguments are valid for the call; no filter
        // callback.
        unsafe {
            raw::v4l2_find_dv_timings_cap(
                &mut t.0,
                &self.0,
                pclock_delta,
                None,
                core::ptr::null_mut(),
            )
        }
    }

    /// Active width and height limits: ((min, max), (min, max)).
    pub fn size_limits(&self) -> ((u32, u32), (u32, u32)) {
        let bt = self.bt_cap();
        ((bt.min_width, bt.max_width), (bt.min_height, bt.max_height))
    }

    fn bt_cap(&self) -> raw::v4l2_bt_timings_cap {
        // SAFETY: every `DvTimingsCap` is built by `bt`, of the BT type
        // whose union member is `bt`.
        unsafe { self.0.__bindgen_anon_1.bt }
    }
}

/// BT.656/1120 digital video timings (`struct v4l2_dv_timings` of type
/// `V4L2_DV_BT_656_1120`).
#[derive(Clone, Copy)]
pub struct DvTimings(raw::v4l2_dv_timings);

/// What `VIDIOC_QUERY_DV_TIMINGS` found on a locked input.
#[derive(Clone, Copy)]
pub enum Detected {
    /// Timings the receiver supports.
    Timings(DvTimings),
    /// Timings found but out of the receiver's range: `ERANGE`, with
    /// the timings written to the ioctl's argument as the specification
    /// asks (the 7.3 core copies a read-only ioctl's argument back only
    /// on success, so userspace sees the error alone).
    OutOfRange(DvTimings),
}

impl DvTimings {
    /// The CEA-861 standard timings of Video Identification Code `vic`
    /// (16: 1920x1080p60), from the V4L2 core's presets.
    pub fn cea861_vic(vic: u8) -> Option<Self> {
        let mut t: raw::v4l2_dv_timings = pin_init::zeroed();
        // SAFETY: `t` is valid for writes.
        unsafe { raw::v4l2_find_dv_timings_cea861_vic(&mut t, vic) }.then_some(DvTimings(t))
    }

    /// Timings as userspace passed them. Anything but the BT type reads
    /// as all-zero BT timings, which no capability accepts.
    pub(crate) fn from_raw(t: raw::v4l2_dv_timings) -> Self {
        if t.type_ == raw::V4L2_DV_BT_656_1120 {
            DvTimings(t)
        } else {
            DvTimings(pin_init::zeroed())
        }
    }

    pub(crate) fn into_raw(self) -> raw::v4l2_dv_timings {
        self.0
    }

    fn bt(&self) -> &raw::v4l2_bt_timings {
        // SAFETY: `DvTimings` only holds timings of the BT type (see
        // `from_raw`; the presets are all BT), whose union member is `bt`.
        unsafe { &self.0.__bindgen_anon_1.bt }
    }

    /// Active width in pixels.
    pub fn width(&self) -> u32 {
        self.bt().width
    }

    /// Active height in lines (of a frame).
    pub fn height(&self) -> u32 {
        self.bt().height
    }

    /// Pixel clock in Hz.
    pub fn pixelclock(&self) -> u64 {
        self.bt().pixelclock
    }

    /// Whether the timings are interlaced.
    pub fn interlaced(&self) -> bool {
        self.bt().interlaced != 0
    }

    /// Whether `self` and `other` are the same timings (`v4l2_match_dv_timings`,
    /// exact pixel clock).
    pub fn matches(&self, other: &DvTimings) -> bool {
        // SAFETY: both arguments are valid for the call.
        unsafe { raw::v4l2_match_dv_timings(&self.0, &other.0, 0, false) }
    }
}
