// SPDX-License-Identifier: GPL-2.0

//! The V4L2 side of sunxi-tvcap on the typed layer (`crate::v4l2`,
//! rust/v4l2/): the ioctls and vb2 queue callbacks as trait methods, the
//! creation and removal of the capture device. Safe code only: the layer
//! holds the C edge.

#![forbid(unsafe_code)]

use core::sync::atomic::Ordering::Relaxed;
use kernel::device::{Bound, Device};
use kernel::prelude::*;
use kernel::sync::aref::ARef;
use kernel::sync::Arc;

use crate::format::{self, FORMATS};
use crate::hw::TvtopBackend;
use crate::regs::STATUS;
use crate::v4l2;
use crate::v4l2::{
    caps, input_status, io_modes, BtCap, BufferRef, Capability, Colorimetry, Config, Detected,
    DmaTarget, DvTimings, DvTimingsCap, FrameSize, Input, IoctlOps, PixFormat, PlaneSizes,
    QueueOps, Subscription, VideoDevice,
};
use crate::{engine, metrics, CurrentFormat, Tvcap, MAX_BUFFERS, MIN_BUFFERS};

/// The video node.
pub(crate) const CONFIG: Config = Config {
    name: c"sunxi-tvcap",
    device_caps: caps::VIDEO_CAPTURE | caps::STREAMING | caps::READWRITE,
    io_modes: io_modes::MMAP | io_modes::READ | io_modes::DMABUF,
    min_queued_buffers: 1,
    // vb2's least (VB2_MAX_FRAME); `queue_setup` holds the queue to
    // MAX_BUFFERS and the budget.
    max_num_buffers: crate::v4l2::MAX_BUFFERS,
};

/// The memory budget of a queue: [`MAX_BUFFERS`] images of the largest
/// format at the largest size (8 x 1080p RGB24: 47.5 MiB). REQBUFS and
/// CREATE_BUFS both get at most what fits beside the buffers allocated.
pub(crate) const BUFFER_BUDGET: u64 = MAX_BUFFERS as u64 * (format::MAX_SIZEIMAGE as u64 / 2);

/// The HDMI receiver's DV timings: progressive BT.656/1120 timings of the
/// CEA-861 and DMT standards within the capture sizes of `format.rs`,
/// up to HDMI 1.4's single-link 165 MHz pixel clock.
pub(crate) const DV_CAP: DvTimingsCap = DvTimingsCap::bt(BtCap {
    width: (format::MIN_WIDTH, format::MAX_WIDTH),
    height: (format::MIN_HEIGHT, format::MAX_HEIGHT),
    pixelclock: (25_000_000, 165_000_000),
    standards: crate::v4l2::dv_standards::CEA861 | crate::v4l2::dv_standards::DMT,
    progressive: true,
});

/// CEA-861 VIC 16, 1920x1080p60: the timings set at probe when the input
/// is not locked to a mode then.
pub(crate) const DEFAULT_VIC: u8 = 16;

/// VIDIOC_QUERY_DV_TIMINGS from the STATUS register: what the receiver
/// detected, nothing else. `ENOLINK` without a cable or a signal,
/// `ENOLCK` while the input's format is not locked (the C original's
/// FORMAT_DETECTED) or locked to a mode the block does not name
/// (STATUS.VIC 0, or a code the V4L2 core has no timings for: nothing
/// can be claimed), `ERANGE` with the timings found when they are out of
/// [`DV_CAP`], else those timings. Where STATUS.VIC comes from on the
/// H713: Documentation/hy300/tvcap.rst.
pub(crate) fn detected_timings(status: STATUS) -> Result<Detected> {
    if !(status.hdmi_connected().into_bool() && status.signal().into_bool()) {
        return Err(ENOLINK);
    }
    if !status.format_locked().into_bool() {
        return Err(ENOLCK);
    }
    let vic = u8::try_from(status.vic().get()).map_err(|_| ENOLCK)?;
    let found = DvTimings::cea861_vic(vic).ok_or(ENOLCK)?;
    Ok(if DV_CAP.valid(&found) {
        Detected::Timings(found)
    } else {
        Detected::OutOfRange(found)
    })
}

/// The timings the driver starts with: the detected ones when the input
/// is locked to a supported mode at probe, else [`DEFAULT_VIC`].
pub(crate) fn initial_timings(status: STATUS) -> Option<DvTimings> {
    match detected_timings(status) {
        Ok(Detected::Timings(t)) => Some(t),
        _ => DvTimings::cea861_vic(DEFAULT_VIC),
    }
}

/// Creates the capture device of `dev` on `backend`, in the allocation
/// its v4l2_device's refcount governs ([`v4l2::Device`]), and resets the
/// engine; the probe registers the video node last
/// ([`crate::v4l2::Registration`]).
pub(crate) fn create(
    dev: &Device<Bound>,
    backend: Arc<dyn TvtopBackend>,
) -> Result<ARef<v4l2::Device<Tvcap>>> {
    let timings = DvTimings::cea861_vic(DEFAULT_VIC).ok_or(EINVAL)?;
    let tvcap = v4l2::Device::new(
        dev,
        try_pin_init!(Tvcap {
            video <- VideoDevice::new(),
            format: CurrentFormat::new(format_at(format::FORMATS[0].fourcc, &timings)),
            timings <- kernel::new_mutex!(timings, "tvcap_timings"),
            streaming: core::sync::atomic::AtomicBool::new(false),
            sequence: core::sync::atomic::AtomicU32::new(0),
            last_frame_ns: core::sync::atomic::AtomicU64::new(0),
            dma_timeout_logged: core::sync::atomic::AtomicBool::new(false),
            allocated_bytes: core::sync::atomic::AtomicU64::new(0),
            metrics: metrics::TvcapMetrics::new(),
            power_work <- kernel::new_work!("tvcap_power"),
            hw: backend,
        }? Error),
    )?;
    let version = engine::init(&*tvcap.hw).map_err(|(e, status)| {
        dev_err!(
            dev,
            "TVTOP not ready after its reset (STATUS {status:#010x}): error {}\n",
            e.to_errno()
        );
        e
    });
    let version = match version {
        Ok(v) => v,
        Err(e) => {
            shut_down(&tvcap);
            return Err(e);
        }
    };
    dev_info!(dev, "TVTOP version {version:#010x}\n");
    // The input as the block detects it once out of reset.
    if let Some(t) = initial_timings(engine::status(&*tvcap.hw)) {
        *tvcap.timings.lock() = t;
        let fourcc = tvcap.format.fourcc.load(Relaxed);
        tvcap.format.set(format_at(fourcc, &t));
    }
    Ok(tvcap)
}

/// Masks and disables the engine, then waits for its interrupt path
/// (after the video device's registration dropped, which stopped any
/// stream). The state is freed when the last open file is closed.
pub(crate) fn shut_down(tvcap: &Tvcap) {
    // A failure means the device is gone already.
    let _ = engine::shut_down(&*tvcap.hw);
    tvcap.hw.shut_down();
}

#[vtable]
impl IoctlOps for Tvcap {
    fn querycap(&self, cap: &mut Capability<'_>) -> Result {
        cap.set_driver(c"sunxi-tvcap");
        cap.set_card(c"HY300 HDMI capture");
        // bus_info: the core's, per instance ("platform:<device name>").
        Ok(())
    }

    fn enum_fmt_vid_cap(&self, index: u32) -> Result<u32> {
        let p = FORMATS.get(index as usize).ok_or(EINVAL)?;
        Ok(p.fourcc)
    }

    fn g_fmt_vid_cap(&self, f: &mut PixFormat) -> Result {
        *f = pix_format(&self.format.get());
        Ok(())
    }

    /// The block has no scaler: any size asked for becomes the active
    /// size of the DV timings set; only the pixel format is chosen.
    fn try_fmt_vid_cap(&self, f: &mut PixFormat) -> Result {
        *f = pix_format(&format_at(f.pixelformat, &self.timings.lock()));
        Ok(())
    }

    /// As TRY_FMT; `EBUSY` while buffers are allocated (a stream's
    /// format cannot change under it).
    fn s_fmt_vid_cap(&self, f: &mut PixFormat) -> Result {
        if self.video.is_busy() {
            return Err(EBUSY);
        }
        let negotiated = format_at(f.pixelformat, &self.timings.lock());
        *f = pix_format(&negotiated);
        self.format.set(negotiated);
        Ok(())
    }

    /// One discrete size, the active size of the DV timings set.
    fn enum_framesizes(&self, index: u32, fourcc: u32) -> Result<FrameSize> {
        if index != 0 || !FORMATS.iter().any(|p| p.fourcc == fourcc) {
            return Err(EINVAL);
        }
        let t = self.timings.lock();
        Ok(FrameSize::Discrete {
            width: t.width(),
            height: t.height(),
        })
    }

    fn enum_input(&self, input: &mut Input<'_>) -> Result {
        if input.index() != 0 {
            return Err(EINVAL);
        }
        input.set_name(c"HDMI");
        input.set_camera();
        input.set_dv_timings();
        let status = self.input_status();
        input.set_status(if !status.hdmi_connected().into_bool() {
            input_status::NO_POWER | input_status::NO_SIGNAL
        } else if !status.signal().into_bool() {
            input_status::NO_SIGNAL
        } else if !status.format_locked().into_bool() {
            input_status::NO_H_LOCK
        } else {
            0
        });
        Ok(())
    }

    fn g_input(&self) -> Result<u32> {
        Ok(0)
    }

    fn s_input(&self, index: u32) -> Result {
        if index == 0 {
            Ok(())
        } else {
            Err(EINVAL)
        }
    }

    fn query_dv_timings(&self) -> Result<Detected> {
        detected_timings(self.input_status())
    }

    fn g_dv_timings(&self) -> Result<DvTimings> {
        Ok(*self.timings.lock())
    }

    /// Standard timings within [`DV_CAP`] only (`EINVAL` otherwise, as
    /// vivid); the capture format takes their active size. `EBUSY` while
    /// buffers are allocated, unless nothing changes.
    fn s_dv_timings(&self, timings: &mut DvTimings) -> Result {
        if !DV_CAP.find(timings, 0) {
            return Err(EINVAL);
        }
        let mut current = self.timings.lock();
        if current.matches(timings) {
            return Ok(());
        }
        if self.video.is_busy() {
            return Err(EBUSY);
        }
        *current = *timings;
        let fourcc = self.format.fourcc.load(Relaxed);
        self.format.set(format_at(fourcc, timings));
        Ok(())
    }

    fn enum_dv_timings(&self, index: u32) -> Result<DvTimings> {
        DV_CAP.enumerate(index)
    }

    fn dv_timings_cap(&self) -> Result<DvTimingsCap> {
        Ok(DV_CAP)
    }

    fn subscribe_event(sub: &Subscription<'_>) -> Result {
        if sub.is_source_change() {
            sub.source_change()
        } else {
            sub.ctrl()
        }
    }

    /// Input 0 has a source while the HDMI cable is plugged in (STATUS:
    /// the block reports the connection, not +5V as such). Read at
    /// registration; a hotplug or input change updates the control
    /// (`Tvcap::power_work`).
    fn dv_rx_power_present(&self) -> Result<u32> {
        Ok(u32::from(self.input_status().hdmi_connected().into_bool()))
    }
}

/// Pixel format `fourcc` (the default for an unknown one) at the active
/// size of `timings`: the block has no scaler, so this is the only size.
pub(crate) fn format_at(fourcc: u32, timings: &DvTimings) -> format::Format {
    format::negotiate(fourcc, timings.width(), timings.height())
}

/// The V4L2 view of a negotiated format. Colorimetry: the source is an
/// HDMI input at CE (CTA-861) timings, which sends Y'CbCr as Rec. 709
/// limited range by default (the block reports no AVI InfoFrame to say
/// otherwise); RGB24 is taken as sRGB full range.
fn pix_format(f: &format::Format) -> PixFormat {
    PixFormat {
        width: f.width,
        height: f.height,
        pixelformat: f.pixel.fourcc,
        bytesperline: f.bytesperline,
        sizeimage: f.sizeimage,
        colorimetry: if f.pixel.fourcc == format::fourcc(b"RGB3") {
            Colorimetry::SRGB
        } else {
            Colorimetry::REC709_LIMITED
        },
    }
}

#[vtable]
impl QueueOps for Tvcap {
    /// One policy for REQBUFS and CREATE_BUFS: at most [`MAX_BUFFERS`]
    /// in the queue, at least [`MIN_BUFFERS`] for REQBUFS, and no more
    /// than fits the [`BUFFER_BUDGET`] beside the buffers allocated
    /// (`ENOBUFS` when not one does). Allocated: initialised by vb2
    /// (`buf_init`: MMAP buffers when allocated, DMABUF ones when first
    /// queued; REQBUFS frees all before it asks).
    fn queue_setup(&self, num_buffers: &mut u32, planes: &mut PlaneSizes<'_>) -> Result {
        let image = self.format.sizeimage.load(Relaxed);
        let size = if let Some(sizes) = planes.requested() {
            // VIDIOC_CREATE_BUFS: at least the current image, at most the
            // largest one this block can produce.
            match sizes {
                [size] if (image..=format::MAX_SIZEIMAGE).contains(size) => *size,
                _ => return Err(EINVAL),
            }
        } else {
            planes.set_single(image);
            *num_buffers = (*num_buffers).clamp(MIN_BUFFERS, MAX_BUFFERS);
            image
        };
        let left = BUFFER_BUDGET.saturating_sub(self.allocated_bytes.load(Relaxed));
        let fit = u32::try_from(left / u64::from(size.max(1))).unwrap_or(u32::MAX);
        let allocated = u32::try_from(self.metrics.buffers_allocated.get()).unwrap_or(0);
        let room = MAX_BUFFERS.saturating_sub(allocated);
        *num_buffers = (*num_buffers).min(fit).min(room);
        if *num_buffers == 0 {
            return Err(ENOBUFS);
        }
        Ok(())
    }

    fn buf_init(&self, buf: &BufferRef) -> Result {
        self.metrics.buffers_allocated.inc();
        self.allocated_bytes
            .fetch_add(u64::from(buf.plane_size()), Relaxed);
        Ok(())
    }

    fn buf_cleanup(&self, buf: &BufferRef) {
        self.metrics.buffers_allocated.dec();
        self.allocated_bytes
            .fetch_sub(u64::from(buf.plane_size()), Relaxed);
    }

    fn buf_prepare(&self, buf: &BufferRef) -> Result {
        let image = self.format.sizeimage.load(Relaxed);
        if buf.plane_size() < image {
            return Err(EINVAL);
        }
        buf.set_payload(image);
        Ok(())
    }

    fn arm(&self, target: DmaTarget) {
        Tvcap::arm(self, target);
    }

    fn start_streaming(&self, first: Option<DmaTarget>) -> Result {
        Tvcap::start_streaming(self, first)
    }

    fn stop_streaming(&self) {
        Tvcap::stop_streaming(self);
    }
}

impl crate::v4l2::Driver for Tvcap {
    fn video_device(&self) -> &VideoDevice<Self> {
        &self.video
    }
}
