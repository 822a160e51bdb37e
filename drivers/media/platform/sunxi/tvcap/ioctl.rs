// SPDX-License-Identifier: GPL-2.0

//! The V4L2 side: video device registration, the vb2 queue, the ioctl and
//! file operation tables and their callbacks. This is the unsafe edge over
//! the C API; the callbacks only translate and call safe driver code.

use core::sync::atomic::Ordering::Relaxed;
use kernel::bindings;
use kernel::device::Device;
use kernel::prelude::*;
use kernel::sync::Arc;
use kernel::types::Opaque;

use crate::format::{self, Format, FORMATS};
use crate::hw::TvtopBackend;
use crate::v4l2::{self, raw};
use crate::{engine, metrics, Buffers, CurrentFormat, Tvcap, MAX_BUFFERS, MIN_BUFFERS};

/// Operation tables, kept in the device state so their addresses are stable.
pub(crate) struct Tables {
    fops: raw::v4l2_file_operations,
    ioctl_ops: raw::v4l2_ioctl_ops,
    vb2_ops: raw::vb2_ops,
}

// SAFETY: immutable after creation; only read by the V4L2 core.
unsafe impl Send for Tables {}
// SAFETY: as above.
unsafe impl Sync for Tables {}

fn tables() -> Tables {
    // SAFETY: all-zero is a valid value of these C tables (no callbacks).
    let (mut fops, mut ioctl_ops, mut vb2_ops): (
        raw::v4l2_file_operations,
        raw::v4l2_ioctl_ops,
        raw::vb2_ops,
    ) = unsafe {
        (
            core::mem::zeroed(),
            core::mem::zeroed(),
            core::mem::zeroed(),
        )
    };
    fops.owner = kernel::module::this_module::<crate::LocalModule>()
        .as_ptr()
        .cast();
    fops.open = Some(raw::v4l2_fh_open);
    fops.release = Some(raw::vb2_fop_release);
    fops.read = Some(raw::vb2_fop_read);
    fops.poll = Some(raw::vb2_fop_poll);
    fops.mmap = Some(raw::vb2_fop_mmap);
    fops.unlocked_ioctl = Some(raw::video_ioctl2);

    ioctl_ops.vidioc_querycap = Some(querycap);
    ioctl_ops.vidioc_enum_fmt_vid_cap = Some(enum_fmt);
    ioctl_ops.vidioc_g_fmt_vid_cap = Some(g_fmt);
    ioctl_ops.vidioc_try_fmt_vid_cap = Some(try_fmt);
    ioctl_ops.vidioc_s_fmt_vid_cap = Some(s_fmt);
    ioctl_ops.vidioc_enum_framesizes = Some(enum_framesizes);
    ioctl_ops.vidioc_enum_input = Some(enum_input);
    ioctl_ops.vidioc_g_input = Some(g_input);
    ioctl_ops.vidioc_s_input = Some(s_input);
    ioctl_ops.vidioc_reqbufs = Some(raw::vb2_ioctl_reqbufs);
    ioctl_ops.vidioc_create_bufs = Some(raw::vb2_ioctl_create_bufs);
    ioctl_ops.vidioc_prepare_buf = Some(raw::vb2_ioctl_prepare_buf);
    ioctl_ops.vidioc_querybuf = Some(raw::vb2_ioctl_querybuf);
    ioctl_ops.vidioc_qbuf = Some(raw::vb2_ioctl_qbuf);
    ioctl_ops.vidioc_dqbuf = Some(raw::vb2_ioctl_dqbuf);
    ioctl_ops.vidioc_expbuf = Some(raw::vb2_ioctl_expbuf);
    ioctl_ops.vidioc_streamon = Some(raw::vb2_ioctl_streamon);
    ioctl_ops.vidioc_streamoff = Some(raw::vb2_ioctl_streamoff);

    vb2_ops.queue_setup = Some(queue_setup);
    vb2_ops.buf_init = Some(buf_init);
    vb2_ops.buf_cleanup = Some(buf_cleanup);
    vb2_ops.buf_prepare = Some(buf_prepare);
    vb2_ops.buf_queue = Some(buf_queue);
    vb2_ops.start_streaming = Some(start_streaming);
    vb2_ops.stop_streaming = Some(stop_streaming);
    Tables {
        fops,
        ioctl_ops,
        vb2_ops,
    }
}

/// Creates the capture device of `dev` on `backend`: resets the engine,
/// connects its interrupt path and registers the video device.
pub(crate) fn create(dev: &Device, backend: Arc<dyn TvtopBackend>) -> Result<Arc<Tvcap>> {
    let tvcap = Arc::pin_init(
        try_pin_init!(Tvcap {
            v4l2_dev: Opaque::zeroed(),
            vdev: Opaque::zeroed(),
            queue: Opaque::zeroed(),
            lock <- Opaque::ffi_init(|slot: *mut bindings::mutex| {
                // SAFETY: `slot` is valid and pinned; the key is static.
                unsafe { bindings::__mutex_init(slot, c"tvcap".as_char_ptr(), kernel::static_lock_class!().as_ptr()) }
            }),
            buffers <- kernel::new_spinlock_irq!(Buffers::new(), "tvcap_buffers"),
            format: CurrentFormat::new(format::default_format()),
            streaming: core::sync::atomic::AtomicBool::new(false),
            sequence: core::sync::atomic::AtomicU32::new(0),
            last_frame_ns: core::sync::atomic::AtomicU64::new(0),
            metrics: metrics::TvcapMetrics::new(),
            hw: backend,
            tables: tables(),
        }? Error),
        GFP_KERNEL,
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
    if let Err(e) = register(dev, &tvcap) {
        shut_down(&tvcap);
        return Err(e);
    }
    Ok(tvcap)
}

/// Masks and disables the engine, then waits for its interrupt path.
fn shut_down(tvcap: &Tvcap) {
    // A failure means the device is gone already.
    let _ = engine::shut_down(&*tvcap.hw);
    tvcap.hw.shut_down();
}

/// Registers the v4l2_device, the queue and the video device.
fn register(dev: &Device, tvcap: &Arc<Tvcap>) -> Result {
    let raw_dev = core::ptr::from_ref(dev).cast_mut().cast::<raw::device>();
    let v4l2_dev = tvcap.v4l2_dev.get();
    let vdev = tvcap.vdev.get();
    let queue = tvcap.queue.get();
    // SAFETY: the embedded C objects are zeroed and pinned in the Arc; the
    // device is bound. The Arc reference leaked here is released by
    // `v4l2_release` when the last user of the v4l2_device is gone.
    unsafe {
        kernel::error::to_result(raw::v4l2_device_register(raw_dev, v4l2_dev))?;
        (*v4l2_dev).release = Some(v4l2_release);
        let _ = Arc::into_raw(tvcap.clone());

        (*queue).type_ = raw::v4l2_buf_type_V4L2_BUF_TYPE_VIDEO_CAPTURE;
        (*queue).io_modes =
            raw::vb2_io_modes_VB2_MMAP | raw::vb2_io_modes_VB2_READ | raw::vb2_io_modes_VB2_DMABUF;
        (*queue).dev = raw_dev;
        (*queue).drv_priv = Arc::as_ptr(tvcap).cast_mut().cast();
        (*queue).buf_struct_size = core::mem::size_of::<raw::vb2_v4l2_buffer>() as u32;
        (*queue).ops = &tvcap.tables.vb2_ops;
        (*queue).mem_ops = &raw::vb2_dma_contig_memops;
        (*queue).timestamp_flags = raw::V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC;
        (*queue).min_queued_buffers = 1;
        (*queue).max_num_buffers = crate::QUEUE_LIMIT as u32;
        (*queue).lock = tvcap.lock.get().cast();
        if let Err(e) = kernel::error::to_result(raw::vb2_queue_init(queue)) {
            raw::v4l2_device_unregister(v4l2_dev);
            raw::v4l2_device_put(v4l2_dev);
            return Err(e);
        }

        let name = b"sunxi-tvcap\0";
        for (d, s) in (*vdev).name.iter_mut().zip(name.iter()) {
            *d = *s as CChar;
        }
        (*vdev).v4l2_dev = v4l2_dev;
        (*vdev).fops = &tvcap.tables.fops;
        (*vdev).ioctl_ops = &tvcap.tables.ioctl_ops;
        (*vdev).release = Some(raw::video_device_release_empty);
        (*vdev).lock = tvcap.lock.get().cast();
        (*vdev).queue = queue;
        (*vdev).vfl_dir = raw::vfl_devnode_direction_VFL_DIR_RX;
        (*vdev).device_caps =
            raw::V4L2_CAP_VIDEO_CAPTURE | raw::V4L2_CAP_STREAMING | raw::V4L2_CAP_READWRITE;
        bindings::dev_set_drvdata(
            core::ptr::addr_of_mut!((*vdev).dev).cast(),
            Arc::as_ptr(tvcap).cast_mut().cast(),
        );
        let ret = raw::__video_register_device(
            vdev,
            raw::vfl_devnode_type_VFL_TYPE_VIDEO,
            -1,
            1,
            (*(*vdev).fops).owner,
        );
        if let Err(e) = kernel::error::to_result(ret) {
            raw::vb2_queue_release(queue);
            raw::v4l2_device_unregister(v4l2_dev);
            raw::v4l2_device_put(v4l2_dev);
            return Err(e);
        }
    }
    Ok(())
}

/// Unregisters the video device (stopping any stream) and the v4l2_device.
/// The state is freed when the last open file is closed.
pub(crate) fn destroy(tvcap: &Arc<Tvcap>) {
    // SAFETY: registered in `register`; `vb2_video_unregister_device` stops
    // streaming and releases the queue of an open file.
    unsafe {
        raw::vb2_video_unregister_device(tvcap.vdev.get());
        shut_down(tvcap);
        raw::v4l2_device_unregister(tvcap.v4l2_dev.get());
        raw::v4l2_device_put(tvcap.v4l2_dev.get());
    }
}

/// V4L2/vb2 callback.
///
/// # Safety
///
/// Called by the V4L2 core or vb2 only, with valid arguments for this
/// device (its file, queue or buffers).
unsafe extern "C" fn v4l2_release(v4l2_dev: *mut raw::v4l2_device) {
    // SAFETY: `v4l2_dev` is the field of the `Tvcap` whose Arc reference was
    // leaked in `register`; this is the last use of it.
    unsafe {
        let tvcap =
            kernel::container_of!(v4l2_dev.cast::<Opaque<raw::v4l2_device>>(), Tvcap, v4l2_dev);
        drop(Arc::from_raw(tvcap));
    }
}

/// The device state behind an open file.
///
/// # Safety
///
/// `file` is an open file of our video device.
unsafe fn from_file<'a>(file: *mut raw::file) -> &'a Tvcap {
    // SAFETY: the drvdata of our video device is the `Tvcap`, alive while
    // the file is open.
    unsafe {
        let vdev = raw::video_devdata(file);
        &*bindings::dev_get_drvdata(core::ptr::addr_of!((*vdev).dev).cast()).cast::<Tvcap>()
    }
}

/// The device state of a vb2 queue.
///
/// # Safety
///
/// `q` is our queue.
unsafe fn from_queue<'a>(q: *mut raw::vb2_queue) -> &'a Tvcap {
    // SAFETY: `drv_priv` is the `Tvcap`, alive while its queue is.
    unsafe { &*(*q).drv_priv.cast::<Tvcap>() }
}

fn copy_str(dst: &mut [CChar], src: &[u8]) {
    let n = src.len().min(dst.len().saturating_sub(1));
    for (d, s) in dst.iter_mut().zip(&src[..n]) {
        *d = *s as CChar;
    }
    if let Some(d) = dst.get_mut(n) {
        *d = 0;
    }
}

type CChar = kernel::ffi::c_char;

fn fill_pix(pix: &mut raw::v4l2_pix_format, f: &Format) {
    pix.width = f.width;
    pix.height = f.height;
    pix.pixelformat = f.pixel.fourcc;
    pix.field = raw::v4l2_field_V4L2_FIELD_NONE;
    pix.bytesperline = f.bytesperline;
    pix.sizeimage = f.sizeimage;
    pix.colorspace = raw::v4l2_colorspace_V4L2_COLORSPACE_SRGB;
    pix.priv_ = 0;
    pix.flags = 0;
}

/// V4L2/vb2 callback.
///
/// # Safety
///
/// Called by the V4L2 core or vb2 only, with valid arguments for this
/// device (its file, queue or buffers).
unsafe extern "C" fn querycap(
    _file: *mut raw::file,
    _fh: *mut core::ffi::c_void,
    cap: *mut raw::v4l2_capability,
) -> i32 {
    // SAFETY: the V4L2 core passes a valid capability struct.
    let cap = unsafe { &mut *cap };
    copy_str(&mut cap.driver, b"sunxi-tvcap");
    copy_str(&mut cap.card, b"HY300 HDMI capture");
    copy_str(&mut cap.bus_info, b"platform:sunxi-tvcap");
    0
}

/// V4L2/vb2 callback.
///
/// # Safety
///
/// Called by the V4L2 core or vb2 only, with valid arguments for this
/// device (its file, queue or buffers).
unsafe extern "C" fn enum_fmt(
    _file: *mut raw::file,
    _fh: *mut core::ffi::c_void,
    f: *mut raw::v4l2_fmtdesc,
) -> i32 {
    // SAFETY: the V4L2 core passes a valid struct.
    let f = unsafe { &mut *f };
    match FORMATS.get(f.index as usize) {
        Some(p) => {
            f.pixelformat = p.fourcc;
            0
        }
        None => -(bindings::EINVAL as i32),
    }
}

/// V4L2/vb2 callback.
///
/// # Safety
///
/// Called by the V4L2 core or vb2 only, with valid arguments for this
/// device (its file, queue or buffers).
unsafe extern "C" fn g_fmt(
    file: *mut raw::file,
    _fh: *mut core::ffi::c_void,
    f: *mut raw::v4l2_format,
) -> i32 {
    // SAFETY: our file; the core passes a valid struct of the capture type.
    let (tvcap, f) = unsafe { (from_file(file), &mut *f) };
    // SAFETY: `pix` is the member for VIDEO_CAPTURE.
    fill_pix(unsafe { &mut f.fmt.pix }, &tvcap.format.get());
    0
}

/// V4L2/vb2 callback.
///
/// # Safety
///
/// Called by the V4L2 core or vb2 only, with valid arguments for this
/// device (its file, queue or buffers).
unsafe extern "C" fn try_fmt(
    _file: *mut raw::file,
    _fh: *mut core::ffi::c_void,
    f: *mut raw::v4l2_format,
) -> i32 {
    // SAFETY: the core passes a valid struct of the capture type.
    let pix = unsafe { &mut (*f).fmt.pix };
    let negotiated = format::negotiate(pix.pixelformat, pix.width, pix.height);
    fill_pix(pix, &negotiated);
    0
}

/// V4L2/vb2 callback.
///
/// # Safety
///
/// Called by the V4L2 core or vb2 only, with valid arguments for this
/// device (its file, queue or buffers).
unsafe extern "C" fn s_fmt(
    file: *mut raw::file,
    fh: *mut core::ffi::c_void,
    f: *mut raw::v4l2_format,
) -> i32 {
    // SAFETY: our file.
    let tvcap = unsafe { from_file(file) };
    if tvcap.metrics.buffers_allocated.get() > 0 {
        return -(bindings::EBUSY as i32);
    }
    // SAFETY: same arguments.
    unsafe { try_fmt(file, fh, f) };
    // SAFETY: filled by try_fmt.
    let pix = unsafe { &(*f).fmt.pix };
    tvcap
        .format
        .set(format::negotiate(pix.pixelformat, pix.width, pix.height));
    0
}

/// V4L2/vb2 callback.
///
/// # Safety
///
/// Called by the V4L2 core or vb2 only, with valid arguments for this
/// device (its file, queue or buffers).
unsafe extern "C" fn enum_framesizes(
    _file: *mut raw::file,
    _fh: *mut core::ffi::c_void,
    fs: *mut raw::v4l2_frmsizeenum,
) -> i32 {
    // SAFETY: the core passes a valid struct.
    let fs = unsafe { &mut *fs };
    if fs.index != 0 || !FORMATS.iter().any(|p| p.fourcc == fs.pixel_format) {
        return -(bindings::EINVAL as i32);
    }
    fs.type_ = raw::v4l2_frmsizetypes_V4L2_FRMSIZE_TYPE_STEPWISE;
    // SAFETY: `stepwise` is the member for the STEPWISE type.
    let s = unsafe { &mut fs.__bindgen_anon_1.stepwise };
    s.min_width = format::MIN_WIDTH;
    s.max_width = format::MAX_WIDTH;
    s.step_width = 2;
    s.min_height = format::MIN_HEIGHT;
    s.max_height = format::MAX_HEIGHT;
    s.step_height = 2;
    0
}

/// V4L2/vb2 callback.
///
/// # Safety
///
/// Called by the V4L2 core or vb2 only, with valid arguments for this
/// device (its file, queue or buffers).
unsafe extern "C" fn enum_input(
    file: *mut raw::file,
    _fh: *mut core::ffi::c_void,
    input: *mut raw::v4l2_input,
) -> i32 {
    // SAFETY: our file; the core passes a valid struct.
    let (tvcap, input) = unsafe { (from_file(file), &mut *input) };
    if input.index != 0 {
        return -(bindings::EINVAL as i32);
    }
    copy_str(&mut input.name, b"HDMI");
    input.type_ = raw::V4L2_INPUT_TYPE_CAMERA;
    input.status = if tvcap.input_status().signal().into_bool() {
        0
    } else {
        raw::V4L2_IN_ST_NO_SIGNAL
    };
    0
}

/// V4L2/vb2 callback.
///
/// # Safety
///
/// Called by the V4L2 core or vb2 only, with valid arguments for this
/// device (its file, queue or buffers).
unsafe extern "C" fn g_input(
    _file: *mut raw::file,
    _fh: *mut core::ffi::c_void,
    i: *mut u32,
) -> i32 {
    // SAFETY: the core passes a valid pointer.
    unsafe { *i = 0 };
    0
}

/// V4L2/vb2 callback.
///
/// # Safety
///
/// Called by the V4L2 core or vb2 only, with valid arguments for this
/// device (its file, queue or buffers).
unsafe extern "C" fn s_input(_file: *mut raw::file, _fh: *mut core::ffi::c_void, i: u32) -> i32 {
    if i == 0 {
        0
    } else {
        -(bindings::EINVAL as i32)
    }
}

/// V4L2/vb2 callback.
///
/// # Safety
///
/// Called by the V4L2 core or vb2 only, with valid arguments for this
/// device (its file, queue or buffers).
unsafe extern "C" fn queue_setup(
    q: *mut raw::vb2_queue,
    num_buffers: *mut u32,
    num_planes: *mut u32,
    sizes: *mut u32,
    _alloc_devs: *mut *mut raw::device,
) -> i32 {
    // SAFETY: our queue; vb2 passes valid pointers (`sizes` has room for
    // VB2_MAX_PLANES entries).
    let (tvcap, num_buffers, num_planes, size) = unsafe {
        (
            from_queue(q),
            &mut *num_buffers,
            &mut *num_planes,
            &mut *sizes,
        )
    };
    let image = tvcap.format.sizeimage.load(Relaxed);
    if *num_planes != 0 {
        // VIDIOC_CREATE_BUFS: at least the current image, at most the
        // largest one this block can produce.
        return if *num_planes == 1 && (image..=format::MAX_SIZEIMAGE).contains(&*size) {
            0
        } else {
            -(bindings::EINVAL as i32)
        };
    }
    *num_planes = 1;
    *size = image;
    *num_buffers = (*num_buffers).clamp(MIN_BUFFERS, MAX_BUFFERS);
    0
}

/// V4L2/vb2 callback.
///
/// # Safety
///
/// Called by the V4L2 core or vb2 only, with valid arguments for this
/// device (its file, queue or buffers).
unsafe extern "C" fn buf_init(vb: *mut raw::vb2_buffer) -> i32 {
    // SAFETY: a buffer of our queue.
    unsafe { from_queue((*vb).vb2_queue) }
        .metrics
        .buffers_allocated
        .inc();
    0
}

/// V4L2/vb2 callback.
///
/// # Safety
///
/// Called by the V4L2 core or vb2 only, with valid arguments for this
/// device (its file, queue or buffers).
unsafe extern "C" fn buf_cleanup(vb: *mut raw::vb2_buffer) {
    // SAFETY: a buffer of our queue.
    unsafe { from_queue((*vb).vb2_queue) }
        .metrics
        .buffers_allocated
        .dec();
}

/// V4L2/vb2 callback.
///
/// # Safety
///
/// Called by the V4L2 core or vb2 only, with valid arguments for this
/// device (its file, queue or buffers).
unsafe extern "C" fn buf_prepare(vb: *mut raw::vb2_buffer) -> i32 {
    // SAFETY: a buffer of our queue with one plane.
    let (tvcap, size) = unsafe { (from_queue((*vb).vb2_queue), v4l2::plane_size(vb)) };
    let image = tvcap.format.sizeimage.load(Relaxed);
    if size < image {
        return -(bindings::EINVAL as i32);
    }
    // SAFETY: as above.
    unsafe { v4l2::set_payload(vb, image) };
    0
}

/// V4L2/vb2 callback.
///
/// # Safety
///
/// Called by the V4L2 core or vb2 only, with valid arguments for this
/// device (its file, queue or buffers).
unsafe extern "C" fn buf_queue(vb: *mut raw::vb2_buffer) {
    // SAFETY: a buffer of our queue, handed over to the driver.
    unsafe { from_queue((*vb).vb2_queue) }.queue_buffer(vb);
}

/// V4L2/vb2 callback.
///
/// # Safety
///
/// Called by the V4L2 core or vb2 only, with valid arguments for this
/// device (its file, queue or buffers).
unsafe extern "C" fn start_streaming(q: *mut raw::vb2_queue, _count: u32) -> i32 {
    // SAFETY: our queue.
    match unsafe { from_queue(q) }.start_streaming() {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// V4L2/vb2 callback.
///
/// # Safety
///
/// Called by the V4L2 core or vb2 only, with valid arguments for this
/// device (its file, queue or buffers).
unsafe extern "C" fn stop_streaming(q: *mut raw::vb2_queue) {
    // SAFETY: our queue.
    unsafe { from_queue(q) }.stop_streaming();
}
