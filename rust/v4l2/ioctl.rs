// SPDX-License-Identifier: GPL-2.0

//! The ioctl side: [`IoctlOps`], the typed ioctl arguments, and the
//! `v4l2_ioctl_ops` / `v4l2_file_operations` tables built from an
//! implementation at compile time.

use core::ffi::{c_int, c_uint, c_void};
use kernel::error::VTABLE_DEFAULT_ERROR;
use kernel::prelude::*;

use super::dv::{Detected, DvTimings, DvTimingsCap};
use super::{copy_str, raw, to_c};

/// The V4L2 ioctls a driver supports: one method per ioctl, each called
/// with the driver's state (from the open file's video device) under the
/// video device's lock, as `video_ioctl2` calls the C callbacks. A method
/// the implementation does not define leaves its ioctl out of the table
/// (`ENOTTY`). The buffer ioctls (REQBUFS ... STREAMOFF, EXPBUF) are vb2's
/// and always present; VIDIOC_UNSUBSCRIBE_EVENT is present with
/// [`IoctlOps::subscribe_event`].
#[vtable]
pub trait IoctlOps: Sized + Send + Sync + 'static {
    /// VIDIOC_QUERYCAP: driver, card and bus names (the capabilities come
    /// from [`super::Config::device_caps`]).
    fn querycap(&self, _cap: &mut Capability<'_>) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// VIDIOC_ENUM_FMT (capture): the fourcc of format `index`; `EINVAL`
    /// past the last.
    fn enum_fmt_vid_cap(&self, _index: u32) -> Result<u32> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// VIDIOC_G_FMT (capture): the current format.
    fn g_fmt_vid_cap(&self, _f: &mut PixFormat) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// VIDIOC_TRY_FMT (capture): adjusts `f` to what the device can do.
    fn try_fmt_vid_cap(&self, _f: &mut PixFormat) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// VIDIOC_S_FMT (capture): adjusts `f` and makes it current.
    fn s_fmt_vid_cap(&self, _f: &mut PixFormat) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// VIDIOC_ENUM_FRAMESIZES: the sizes of `fourcc`, entry `index`.
    fn enum_framesizes(&self, _index: u32, _fourcc: u32) -> Result<FrameSize> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// VIDIOC_ENUMINPUT: fills `input` (its index is [`Input::index`]);
    /// `EINVAL` past the last.
    fn enum_input(&self, _input: &mut Input<'_>) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// VIDIOC_G_INPUT: the current input.
    fn g_input(&self) -> Result<u32> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// VIDIOC_S_INPUT: selects input `index`.
    fn s_input(&self, _index: u32) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// VIDIOC_QUERY_DV_TIMINGS: the timings the receiver detects now;
    /// `ENOLINK` without a signal, `ENOLCK` when it cannot lock to it,
    /// `ERANGE` (with the timings found) when they are out of range.
    fn query_dv_timings(&self) -> Result<Detected> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// VIDIOC_G_DV_TIMINGS: the timings set.
    fn g_dv_timings(&self) -> Result<DvTimings> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// VIDIOC_S_DV_TIMINGS: sets `timings` (and may adjust them to a
    /// standard's).
    fn s_dv_timings(&self, _timings: &mut DvTimings) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// VIDIOC_ENUM_DV_TIMINGS: the supported timings, entry `index`;
    /// `EINVAL` past the last.
    fn enum_dv_timings(&self, _index: u32) -> Result<DvTimings> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// VIDIOC_DV_TIMINGS_CAP: the receiver's limits.
    fn dv_timings_cap(&self) -> Result<DvTimingsCap> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// VIDIOC_SUBSCRIBE_EVENT: subscribes the file to `sub`'s event type,
    /// usually with [`Subscription::source_change`]; `EINVAL` for a type
    /// the driver does not raise. Events are queued with
    /// [`super::VideoDevice::source_change`].
    fn subscribe_event(_sub: &Subscription<'_>) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// The V4L2_CID_DV_RX_POWER_PRESENT control of a receiver: bit N set
    /// while input N sees a source (HDMI +5V, a cable plugged in). With
    /// this method the layer gives the node a control handler with that
    /// one control, read only, whose value this method gives at
    /// registration; the driver updates it with
    /// [`super::VideoDevice::set_rx_power_present`] (hotplug), which sends
    /// the control events files subscribed to ([`Subscription::ctrl`]).
    fn dv_rx_power_present(&self) -> Result<u32> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }
}

/// The argument of VIDIOC_QUERYCAP.
pub struct Capability<'a>(&'a mut raw::v4l2_capability);

impl Capability<'_> {
    /// The driver's name (truncated to 15 bytes).
    pub fn set_driver(&mut self, name: &CStr) {
        copy_str(&mut self.0.driver, name);
    }

    /// The device's name (truncated to 31 bytes).
    pub fn set_card(&mut self, name: &CStr) {
        copy_str(&mut self.0.card, name);
    }

    /// Where the device is (`platform:NAME`...; truncated to 31 bytes).
    pub fn set_bus_info(&mut self, name: &CStr) {
        copy_str(&mut self.0.bus_info, name);
    }
}

/// A single-planar pixel format (`struct v4l2_pix_format`), progressive,
/// as G/TRY/S_FMT exchange it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PixFormat {
    /// Width in pixels.
    pub width: u32,
    /// Height in lines.
    pub height: u32,
    /// The fourcc.
    pub pixelformat: u32,
    /// Bytes per line (of the first plane).
    pub bytesperline: u32,
    /// Bytes of a whole image.
    pub sizeimage: u32,
    /// The colorimetry, the driver's choice.
    pub colorimetry: Colorimetry,
}

/// The colorimetry of a format (colorspace, Y'CbCr encoding,
/// quantization, transfer function): the driver says what its source
/// sends; the layer forces nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Colorimetry {
    /// `V4L2_COLORSPACE_*`.
    pub colorspace: u32,
    /// `V4L2_YCBCR_ENC_*`.
    pub ycbcr_enc: u32,
    /// `V4L2_QUANTIZATION_*`.
    pub quantization: u32,
    /// `V4L2_XFER_FUNC_*`.
    pub xfer_func: u32,
}

impl Colorimetry {
    /// sRGB, full range: computer (IT) RGB.
    pub const SRGB: Colorimetry = Colorimetry {
        colorspace: raw::v4l2_colorspace_V4L2_COLORSPACE_SRGB,
        ycbcr_enc: raw::v4l2_ycbcr_encoding_V4L2_YCBCR_ENC_601,
        quantization: raw::v4l2_quantization_V4L2_QUANTIZATION_FULL_RANGE,
        xfer_func: raw::v4l2_xfer_func_V4L2_XFER_FUNC_SRGB,
    };
    /// Rec. 709, limited range: Y'CbCr of a CE-timing (HD) HDMI source
    /// by default (CTA-861).
    pub const REC709_LIMITED: Colorimetry = Colorimetry {
        colorspace: raw::v4l2_colorspace_V4L2_COLORSPACE_REC709,
        ycbcr_enc: raw::v4l2_ycbcr_encoding_V4L2_YCBCR_ENC_709,
        quantization: raw::v4l2_quantization_V4L2_QUANTIZATION_LIM_RANGE,
        xfer_func: raw::v4l2_xfer_func_V4L2_XFER_FUNC_709,
    };
}

impl PixFormat {
    fn from_raw(p: &raw::v4l2_pix_format) -> Self {
        PixFormat {
            width: p.width,
            height: p.height,
            pixelformat: p.pixelformat,
            bytesperline: p.bytesperline,
            sizeimage: p.sizeimage,
            colorimetry: Colorimetry {
                colorspace: p.colorspace,
                // SAFETY: both members of the union are `u32`s.
                ycbcr_enc: unsafe { p.__bindgen_anon_1.ycbcr_enc },
                quantization: p.quantization,
                xfer_func: p.xfer_func,
            },
        }
    }

    /// Writes the format back: progressive (`V4L2_FIELD_NONE`), the
    /// driver's colorimetry, no private data or flags.
    pub(crate) fn to_raw(self, p: &mut raw::v4l2_pix_format) {
        p.width = self.width;
        p.height = self.height;
        p.pixelformat = self.pixelformat;
        p.field = raw::v4l2_field_V4L2_FIELD_NONE;
        p.bytesperline = self.bytesperline;
        p.sizeimage = self.sizeimage;
        p.colorspace = self.colorimetry.colorspace;
        p.priv_ = 0;
        p.flags = 0;
        p.__bindgen_anon_1.ycbcr_enc = self.colorimetry.ycbcr_enc;
        p.quantization = self.colorimetry.quantization;
        p.xfer_func = self.colorimetry.xfer_func;
    }
}

/// An answer of VIDIOC_ENUM_FRAMESIZES.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameSize {
    /// One size.
    Discrete {
        /// Width in pixels.
        width: u32,
        /// Height in lines.
        height: u32,
    },
    /// Every size from min to max in steps.
    Stepwise {
        /// Smallest width.
        min_width: u32,
        /// Largest width.
        max_width: u32,
        /// Width step.
        step_width: u32,
        /// Smallest height.
        min_height: u32,
        /// Largest height.
        max_height: u32,
        /// Height step.
        step_height: u32,
    },
}

impl FrameSize {
    pub(crate) fn to_raw(self, fs: &mut raw::v4l2_frmsizeenum) {
        match self {
            FrameSize::Discrete { width, height } => {
                fs.type_ = raw::v4l2_frmsizetypes_V4L2_FRMSIZE_TYPE_DISCRETE;
                fs.__bindgen_anon_1.discrete = raw::v4l2_frmsize_discrete { width, height };
            }
            FrameSize::Stepwise {
                min_width,
                max_width,
                step_width,
                min_height,
                max_height,
                step_height,
            } => {
                fs.type_ = raw::v4l2_frmsizetypes_V4L2_FRMSIZE_TYPE_STEPWISE;
                fs.__bindgen_anon_1.stepwise = raw::v4l2_frmsize_stepwise {
                    min_width,
                    max_width,
                    step_width,
                    min_height,
                    max_height,
                    step_height,
                };
            }
        }
    }
}

/// The argument of VIDIOC_ENUMINPUT.
pub struct Input<'a>(&'a mut raw::v4l2_input);

impl Input<'_> {
    /// The input asked for.
    pub fn index(&self) -> u32 {
        self.0.index
    }

    /// Its name (truncated to 31 bytes).
    pub fn set_name(&mut self, name: &CStr) {
        copy_str(&mut self.0.name, name);
    }

    /// A camera-type input (any video source that is not a tuner).
    pub fn set_camera(&mut self) {
        self.0.type_ = raw::V4L2_INPUT_TYPE_CAMERA;
    }

    /// Its status now: `V4L2_IN_ST_*` bits ([`super::input_status`]).
    pub fn set_status(&mut self, status: u32) {
        self.0.status = status;
    }

    /// The input is a digital video receiver: DV timings ioctls apply.
    pub fn set_dv_timings(&mut self) {
        self.0.capabilities |= raw::V4L2_IN_CAP_DV_TIMINGS;
    }
}

/// The argument of VIDIOC_SUBSCRIBE_EVENT, with the file it is for.
pub struct Subscription<'a> {
    fh: *mut raw::v4l2_fh,
    sub: &'a raw::v4l2_event_subscription,
}

impl Subscription<'_> {
    /// Whether the event type is V4L2_EVENT_SOURCE_CHANGE.
    pub fn is_source_change(&self) -> bool {
        self.sub.type_ == raw::V4L2_EVENT_SOURCE_CHANGE
    }

    /// Subscribes to the events of the node's controls (V4L2_EVENT_CTRL;
    /// `EINVAL` for another type or an unknown control).
    pub fn ctrl(&self) -> Result {
        // SAFETY: `fh` and `sub` are the V4L2 core's arguments of this
        // VIDIOC_SUBSCRIBE_EVENT call (the invariant of `Subscription`).
        kernel::error::to_result(unsafe { raw::v4l2_ctrl_subscribe_event(self.fh, self.sub) })
    }

    /// Subscribes to V4L2_EVENT_SOURCE_CHANGE (`EINVAL` for another type or
    /// an input other than 0).
    pub fn source_change(&self) -> Result {
        // SAFETY: `fh` and `sub` are the V4L2 core's arguments of this
        // VIDIOC_SUBSCRIBE_EVENT call (the invariant of `Subscription`).
        kernel::error::to_result(unsafe { raw::v4l2_src_change_event_subscribe(self.fh, self.sub) })
    }
}

/// The tables of an [`IoctlOps`] implementation, built at compile time.
pub(crate) struct Tables<T>(core::marker::PhantomData<T>);

impl<T: IoctlOps> Tables<T> {
    pub(crate) const FOPS: raw::v4l2_file_operations = raw::v4l2_file_operations {
        owner: kernel::module::this_module::<<T as IoctlOps>::OwnerModule>().as_ptr(),
        open: Some(raw::v4l2_fh_open),
        release: Some(raw::vb2_fop_release),
        read: Some(raw::vb2_fop_read),
        poll: Some(raw::vb2_fop_poll),
        mmap: Some(raw::vb2_fop_mmap),
        unlocked_ioctl: Some(raw::video_ioctl2),
        ..pin_init::zeroed()
    };

    pub(crate) const IOCTL_OPS: raw::v4l2_ioctl_ops = raw::v4l2_ioctl_ops {
        vidioc_querycap: if T::HAS_QUERYCAP {
            Some(querycap::<T>)
        } else {
            None
        },
        vidioc_enum_fmt_vid_cap: if T::HAS_ENUM_FMT_VID_CAP {
            Some(enum_fmt_vid_cap::<T>)
        } else {
            None
        },
        vidioc_g_fmt_vid_cap: if T::HAS_G_FMT_VID_CAP {
            Some(g_fmt_vid_cap::<T>)
        } else {
            None
        },
        vidioc_try_fmt_vid_cap: if T::HAS_TRY_FMT_VID_CAP {
            Some(try_fmt_vid_cap::<T>)
        } else {
            None
        },
        vidioc_s_fmt_vid_cap: if T::HAS_S_FMT_VID_CAP {
            Some(s_fmt_vid_cap::<T>)
        } else {
            None
        },
        vidioc_enum_framesizes: if T::HAS_ENUM_FRAMESIZES {
            Some(enum_framesizes::<T>)
        } else {
            None
        },
        vidioc_enum_input: if T::HAS_ENUM_INPUT {
            Some(enum_input::<T>)
        } else {
            None
        },
        vidioc_g_input: if T::HAS_G_INPUT {
            Some(g_input::<T>)
        } else {
            None
        },
        vidioc_s_input: if T::HAS_S_INPUT {
            Some(s_input::<T>)
        } else {
            None
        },
        vidioc_query_dv_timings: if T::HAS_QUERY_DV_TIMINGS {
            Some(query_dv_timings::<T>)
        } else {
            None
        },
        vidioc_g_dv_timings: if T::HAS_G_DV_TIMINGS {
            Some(g_dv_timings::<T>)
        } else {
            None
        },
        vidioc_s_dv_timings: if T::HAS_S_DV_TIMINGS {
            Some(s_dv_timings::<T>)
        } else {
            None
        },
        vidioc_enum_dv_timings: if T::HAS_ENUM_DV_TIMINGS {
            Some(enum_dv_timings::<T>)
        } else {
            None
        },
        vidioc_dv_timings_cap: if T::HAS_DV_TIMINGS_CAP {
            Some(dv_timings_cap::<T>)
        } else {
            None
        },
        vidioc_subscribe_event: if T::HAS_SUBSCRIBE_EVENT {
            Some(subscribe_event::<T>)
        } else {
            None
        },
        vidioc_unsubscribe_event: if T::HAS_SUBSCRIBE_EVENT {
            Some(raw::v4l2_event_unsubscribe)
        } else {
            None
        },
        vidioc_reqbufs: Some(raw::vb2_ioctl_reqbufs),
        vidioc_create_bufs: Some(raw::vb2_ioctl_create_bufs),
        vidioc_prepare_buf: Some(raw::vb2_ioctl_prepare_buf),
        vidioc_querybuf: Some(raw::vb2_ioctl_querybuf),
        vidioc_qbuf: Some(raw::vb2_ioctl_qbuf),
        vidioc_dqbuf: Some(raw::vb2_ioctl_dqbuf),
        vidioc_expbuf: Some(raw::vb2_ioctl_expbuf),
        vidioc_streamon: Some(raw::vb2_ioctl_streamon),
        vidioc_streamoff: Some(raw::vb2_ioctl_streamoff),
        ..pin_init::zeroed()
    };
}

/// The driver state behind an open file.
///
/// # Safety
///
/// `file` is an open file of a video device registered by
/// [`super::VideoDevice::register`] for a `T` (in a [`super::Device`]).
unsafe fn state<'a, T: IoctlOps>(file: *mut raw::file) -> &'a T {
    // SAFETY: per the contract, the drvdata of the file's video device is
    // the `T` it was registered for, kept alive by the node's reference of
    // the `Device`'s v4l2_device until the last file closed.
    unsafe {
        let vdev = raw::video_devdata(file);
        &*kernel::bindings::dev_get_drvdata(core::ptr::addr_of!((*vdev).dev)).cast::<T>()
    }
}

// The callbacks. Each is only put in `Tables<T>::IOCTL_OPS`, which only
// reaches the V4L2 core as the ioctl table of a video device registered
// for a `T`: `video_ioctl2` calls them with an open file of that device,
// under its lock, with a valid argument of the ioctl's type (copied in
// and out by the core). That is the safety contract of each.

/// The C callback of [`IoctlOps::querycap`].
///
/// # Safety
///
/// See the contract of the callbacks above.
unsafe extern "C" fn querycap<T: IoctlOps>(
    file: *mut raw::file,
    _fh: *mut c_void,
    cap: *mut raw::v4l2_capability,
) -> c_int {
    // SAFETY: see the contract of the callbacks above.
    let (t, cap) = unsafe { (state::<T>(file), &mut *cap) };
    to_c(t.querycap(&mut Capability(cap)))
}

/// The C callback of [`IoctlOps::enum_fmt_vid_cap`].
///
/// # Safety
///
/// See the contract of the callbacks above.
unsafe extern "C" fn enum_fmt_vid_cap<T: IoctlOps>(
    file: *mut raw::file,
    _fh: *mut c_void,
    f: *mut raw::v4l2_fmtdesc,
) -> c_int {
    // SAFETY: see the contract of the callbacks above.
    let (t, f) = unsafe { (state::<T>(file), &mut *f) };
    to_c(
        t.enum_fmt_vid_cap(f.index)
            .map(|fourcc| f.pixelformat = fourcc),
    )
}

/// The single-planar format of a `v4l2_format` of the capture type.
///
/// # Safety
///
/// `f` is valid, of type `V4L2_BUF_TYPE_VIDEO_CAPTURE` (the core checks
/// the type before it calls a `*_fmt_vid_cap` callback).
unsafe fn pix<'a>(f: *mut raw::v4l2_format) -> &'a mut raw::v4l2_pix_format {
    // SAFETY: per the contract, `pix` is the union member of this type.
    unsafe { &mut (*f).fmt.pix }
}

/// Calls `op` on the format in `f` and writes it back when it succeeded.
fn with_pix(p: &mut raw::v4l2_pix_format, op: impl FnOnce(&mut PixFormat) -> Result) -> c_int {
    let mut f = PixFormat::from_raw(p);
    to_c(op(&mut f).map(|()| f.to_raw(p)))
}

/// The C callbacks of the three format ioctls, alike but for the method
/// of [`IoctlOps`] they call.
macro_rules! fmt_callbacks {
    ($($name:ident),* $(,)?) => {
        $(
            #[doc = concat!("The C callback of [`IoctlOps::", stringify!($name), "`].")]
            ///
            /// # Safety
            ///
            /// See the contract of the callbacks above.
            unsafe extern "C" fn $name<T: IoctlOps>(
                file: *mut raw::file,
                _fh: *mut c_void,
                f: *mut raw::v4l2_format,
            ) -> c_int {
                // SAFETY: see the contract of the callbacks above.
                let (t, p) = unsafe { (state::<T>(file), pix(f)) };
                with_pix(p, |f| t.$name(f))
            }
        )*
    };
}

fmt_callbacks!(g_fmt_vid_cap, try_fmt_vid_cap, s_fmt_vid_cap);

/// The C callback of [`IoctlOps::enum_framesizes`].
///
/// # Safety
///
/// See the contract of the callbacks above.
unsafe extern "C" fn enum_framesizes<T: IoctlOps>(
    file: *mut raw::file,
    _fh: *mut c_void,
    fs: *mut raw::v4l2_frmsizeenum,
) -> c_int {
    // SAFETY: see the contract of the callbacks above.
    let (t, fs) = unsafe { (state::<T>(file), &mut *fs) };
    to_c(
        t.enum_framesizes(fs.index, fs.pixel_format)
            .map(|size| size.to_raw(fs)),
    )
}

/// The C callback of [`IoctlOps::enum_input`].
///
/// # Safety
///
/// See the contract of the callbacks above.
unsafe extern "C" fn enum_input<T: IoctlOps>(
    file: *mut raw::file,
    _fh: *mut c_void,
    input: *mut raw::v4l2_input,
) -> c_int {
    // SAFETY: see the contract of the callbacks above.
    let (t, input) = unsafe { (state::<T>(file), &mut *input) };
    to_c(t.enum_input(&mut Input(input)))
}

/// The C callback of [`IoctlOps::g_input`].
///
/// # Safety
///
/// See the contract of the callbacks above.
unsafe extern "C" fn g_input<T: IoctlOps>(
    file: *mut raw::file,
    _fh: *mut c_void,
    i: *mut c_uint,
) -> c_int {
    // SAFETY: see the contract of the callbacks above.
    let (t, i) = unsafe { (state::<T>(file), &mut *i) };
    to_c(t.g_input().map(|index| *i = index))
}

/// The C callback of [`IoctlOps::s_input`].
///
/// # Safety
///
/// See the contract of the callbacks above.
unsafe extern "C" fn s_input<T: IoctlOps>(
    file: *mut raw::file,
    _fh: *mut c_void,
    i: c_uint,
) -> c_int {
    // SAFETY: see the contract of the callbacks above.
    to_c(unsafe { state::<T>(file) }.s_input(i))
}

/// The C callbacks of the two ioctls that report DV timings, alike but
/// for the method of [`IoctlOps`] they call.
macro_rules! dv_timings_callbacks {
    ($($name:ident),* $(,)?) => {
        $(
            #[doc = concat!("The C callback of [`IoctlOps::", stringify!($name), "`].")]
            ///
            /// # Safety
            ///
            /// See the contract of the callbacks above.
            unsafe extern "C" fn $name<T: IoctlOps>(
                file: *mut raw::file,
                _fh: *mut c_void,
                timings: *mut raw::v4l2_dv_timings,
            ) -> c_int {
                // SAFETY: see the contract of the callbacks above.
                let (t, timings) = unsafe { (state::<T>(file), &mut *timings) };
                to_c(t.$name().map(|d| *timings = d.into_raw()))
            }
        )*
    };
}

dv_timings_callbacks!(g_dv_timings);

/// The C callback of [`IoctlOps::query_dv_timings`]: timings out of range
/// are written to the argument too, with `ERANGE` (see
/// [`Detected::OutOfRange`]).
///
/// # Safety
///
/// See the contract of the callbacks above.
unsafe extern "C" fn query_dv_timings<T: IoctlOps>(
    file: *mut raw::file,
    _fh: *mut c_void,
    timings: *mut raw::v4l2_dv_timings,
) -> c_int {
    // SAFETY: see the contract of the callbacks above.
    let (t, timings) = unsafe { (state::<T>(file), &mut *timings) };
    to_c(t.query_dv_timings().and_then(|found| match found {
        Detected::Timings(d) => {
            *timings = d.into_raw();
            Ok(())
        }
        Detected::OutOfRange(d) => {
            *timings = d.into_raw();
            Err(ERANGE)
        }
    }))
}

/// The C callback of [`IoctlOps::s_dv_timings`].
///
/// # Safety
///
/// See the contract of the callbacks above.
unsafe extern "C" fn s_dv_timings<T: IoctlOps>(
    file: *mut raw::file,
    _fh: *mut c_void,
    timings: *mut raw::v4l2_dv_timings,
) -> c_int {
    // SAFETY: see the contract of the callbacks above.
    let (t, timings) = unsafe { (state::<T>(file), &mut *timings) };
    let mut d = DvTimings::from_raw(*timings);
    to_c(t.s_dv_timings(&mut d).map(|()| *timings = d.into_raw()))
}

/// The C callback of [`IoctlOps::enum_dv_timings`].
///
/// # Safety
///
/// See the contract of the callbacks above.
unsafe extern "C" fn enum_dv_timings<T: IoctlOps>(
    file: *mut raw::file,
    _fh: *mut c_void,
    e: *mut raw::v4l2_enum_dv_timings,
) -> c_int {
    // SAFETY: see the contract of the callbacks above.
    let (t, e) = unsafe { (state::<T>(file), &mut *e) };
    if e.pad != 0 {
        return EINVAL.to_errno();
    }
    to_c(t.enum_dv_timings(e.index).map(|d| {
        e.reserved = [0; 2];
        e.timings = d.into_raw();
    }))
}

/// The C callback of [`IoctlOps::dv_timings_cap`].
///
/// # Safety
///
/// See the contract of the callbacks above.
unsafe extern "C" fn dv_timings_cap<T: IoctlOps>(
    file: *mut raw::file,
    _fh: *mut c_void,
    cap: *mut raw::v4l2_dv_timings_cap,
) -> c_int {
    // SAFETY: see the contract of the callbacks above.
    let (t, cap) = unsafe { (state::<T>(file), &mut *cap) };
    if cap.pad != 0 {
        return EINVAL.to_errno();
    }
    to_c(t.dv_timings_cap().map(|c| *cap = c.into_raw()))
}

/// The C callback of [`IoctlOps::subscribe_event`].
///
/// # Safety
///
/// See the contract of the callbacks above.
unsafe extern "C" fn subscribe_event<T: IoctlOps>(
    fh: *mut raw::v4l2_fh,
    sub: *const raw::v4l2_event_subscription,
) -> c_int {
    // SAFETY: see the contract of the callbacks above; the core passes
    // the file's `v4l2_fh` (the file operations open it with
    // `v4l2_fh_open`) and a valid subscription, which `Subscription`
    // keeps for this call only.
    let sub = unsafe { &*sub };
    let sub = Subscription { fh, sub };
    to_c(T::subscribe_event(&sub))
}
