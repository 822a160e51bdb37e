// SPDX-License-Identifier: GPL-2.0

//! [`VideoDevice`]: the V4L2 objects of one video node, embedded (pinned)
//! in the driver's state, and their [`Registration`].

use core::marker::PhantomData;
use core::sync::atomic::{AtomicPtr, AtomicU8, Ordering};
use kernel::bindings;
use kernel::device::{Bound, Device};
use kernel::prelude::*;
use kernel::sync::Arc;
use kernel::types::Opaque;

use super::ioctl::{IoctlOps, Tables};
use super::raw;
use super::vb2::{Queue, QueueOps, Vb2Table, MAX_BUFFERS};

/// `VideoDevice::state`: never registered.
const UNUSED: u8 = 0;
/// A [`Registration`] claimed the objects (registering, or failed: they
/// are never registered again).
const CLAIMED: u8 = 1;
/// Registered: the video node's file and event lists are initialised.
const LIVE: u8 = 2;

/// A V4L2 capture driver: its ioctls, its vb2 queue, and where its state
/// keeps the [`VideoDevice`].
pub trait Driver: IoctlOps + QueueOps {
    /// The video device embedded in the state.
    fn video_device(&self) -> &VideoDevice<Self>;
}

#[cfg(hy300_sim)]
impl<T: Driver> super::vb2::HasQueue for T {
    fn queue(&self) -> &Queue {
        self.video_device().buffers()
    }
}

/// What a [`Registration`] sets up.
pub struct Config {
    /// The video device's name (sysfs `name`).
    pub name: &'static CStr,
    /// `V4L2_CAP_*` of the node ([`super::caps`]).
    pub device_caps: u32,
    /// vb2 I/O modes ([`super::io_modes`]).
    pub io_modes: u32,
    /// Buffers vb2 queues to the driver before it starts streaming.
    pub min_queued_buffers: u32,
    /// Most buffers in the queue (at most [`MAX_BUFFERS`]: more is
    /// clamped).
    pub max_num_buffers: u32,
}

/// The `v4l2_device`, `video_device` and vb2 queue of one capture node,
/// and the mutex that serialises their ioctls and vb2 callbacks. Lives
/// pinned inside the driver's state `T`, which lives in an `Arc`.
///
/// # Invariants
///
/// `state` goes from `UNUSED` to `CLAIMED` once, when a [`Registration`]
/// takes the objects, and to `LIVE` when the video device is registered
/// (its event lists are initialised); it never goes back, so the objects
/// are registered at most once. From `v4l2_device_register` until the
/// `v4l2_device`'s release the objects hold one leaked reference of the
/// `Arc<T>`, and the video device's drvdata and the queue's `drv_priv` are
/// that `T`. Only the [`Registration`] that registered them unregisters
/// them, once, when it drops. `power`, when not null, is the
/// DV_RX_POWER_PRESENT control of `ctrls`, which is freed only when the
/// `VideoDevice` drops.
#[pin_data(PinnedDrop)]
pub struct VideoDevice<T: Driver> {
    #[pin]
    v4l2_dev: Opaque<raw::v4l2_device>,
    #[pin]
    vdev: Opaque<raw::video_device>,
    #[pin]
    queue: Queue,
    #[pin]
    lock: Opaque<bindings::mutex>,
    /// The controls (V4L2_CID_DV_RX_POWER_PRESENT), initialised by
    /// `register` when the driver has them; freed when this drops.
    #[pin]
    ctrls: Opaque<raw::v4l2_ctrl_handler>,
    /// The DV_RX_POWER_PRESENT control of `ctrls` (null without it).
    power: AtomicPtr<raw::v4l2_ctrl>,
    state: AtomicU8,
    _driver: PhantomData<fn(&T)>,
}

// SAFETY: the C objects are used through the V4L2 core with their own
// locking (`lock`, the core's refcounts and spinlocks); `state` is
// atomic.
unsafe impl<T: Driver> Send for VideoDevice<T> {}
// SAFETY: as above.
unsafe impl<T: Driver> Sync for VideoDevice<T> {}

impl<T: Driver> VideoDevice<T> {
    /// Zeroed objects and an initialised mutex, not registered.
    pub fn new() -> impl PinInit<Self, Error> {
        try_pin_init!(VideoDevice {
            v4l2_dev: Opaque::zeroed(),
            vdev: Opaque::zeroed(),
            queue <- Queue::new(),
            lock <- Opaque::ffi_init(|slot: *mut bindings::mutex| {
                // SAFETY: `slot` is valid and pinned; the key is static.
                unsafe {
                    bindings::__mutex_init(
                        slot,
                        c"v4l2_video_device".as_char_ptr(),
                        kernel::static_lock_class!().as_ptr(),
                    )
                }
            }),
            ctrls: Opaque::zeroed(),
            power: AtomicPtr::new(core::ptr::null_mut()),
            state: AtomicU8::new(UNUSED),
            _driver: PhantomData,
        }? Error)
    }

    /// The driver-side buffers and the vb2 queue.
    pub fn buffers(&self) -> &Queue {
        &self.queue
    }

    /// `vb2_is_busy`: buffers are allocated, the format is fixed (`EBUSY`
    /// for S_FMT, S_DV_TIMINGS).
    pub fn is_busy(&self) -> bool {
        self.queue.is_busy()
    }

    /// Registers the `v4l2_device` of `dev`, the queue (single-planar
    /// capture, dma-contig, monotonic timestamps) and the video node of
    /// `this`; `EBUSY` when the objects were claimed before. The objects
    /// keep a reference of `this` until the last open file is closed after
    /// [`Self::unregister`]. Only [`Registration::new`] calls it.
    fn register(this: &Arc<T>, dev: &Device<Bound>, config: &Config) -> Result {
        let vd = this.video_device();
        if vd
            .state
            .compare_exchange(UNUSED, CLAIMED, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            return Err(EBUSY);
        }
        // `Device` is a transparent wrapper of the kernel's `struct device`,
        // which these bindings use too (`Device::as_raw` is crate-private).
        let raw_dev = core::ptr::from_ref(dev).cast_mut().cast::<raw::device>();
        let v4l2_dev = vd.v4l2_dev.get();
        let vdev = vd.vdev.get();
        let queue = vd.queue.vb2.get();
        let state = Arc::as_ptr(this).cast_mut().cast::<core::ffi::c_void>();
        // SAFETY: the objects are zeroed and pinned inside `this`, never
        // registered before (`state` was `UNUSED`, and is `CLAIMED` from
        // now on: no other call gets here for them); `dev` is bound (the
        // `Bound` context) for the call. The tables are `'static` consts
        // built for `T`. The `Arc` reference leaked here is released by
        // `release`, when the last user of the v4l2_device is gone.
        unsafe {
            // First: `release` finds the state here, on every error path
            // below too (the device core keeps `driver_data` when it
            // registers the video device).
            bindings::dev_set_drvdata(core::ptr::addr_of_mut!((*vdev).dev), state);
            kernel::error::to_result(raw::v4l2_device_register(raw_dev, v4l2_dev))?;
            (*v4l2_dev).release = Some(Self::release);
            let _ = Arc::into_raw(this.clone());

            if <T as IoctlOps>::HAS_DV_RX_POWER_PRESENT {
                let hdl = vd.ctrls.get();
                // Fails only for memory; `error` says so, and the drop
                // frees what was allocated.
                raw::v4l2_ctrl_handler_init_class(
                    hdl,
                    1,
                    kernel::static_lock_class!().as_ptr(),
                    c"v4l2_ctrls".as_char_ptr(),
                );
                // A bitmask of the inputs with a source; read only (the
                // core's flags for this control), no ops: the value is
                // the driver's as registered, then set by
                // `set_rx_power_present`, which sends V4L2_EVENT_CTRL.
                let present = this.dv_rx_power_present().unwrap_or(0).min(1);
                let ctrl = raw::v4l2_ctrl_new_std(
                    hdl,
                    core::ptr::null(),
                    raw::V4L2_CID_DV_RX_POWER_PRESENT,
                    0,
                    1,
                    0,
                    i64::from(present),
                );
                vd.power.store(ctrl, Ordering::Release);
                if let Err(e) = kernel::error::to_result((*hdl).error) {
                    raw::v4l2_device_unregister(v4l2_dev);
                    raw::v4l2_device_put(v4l2_dev);
                    return Err(e);
                }
                (*v4l2_dev).ctrl_handler = hdl;
                (*vdev).ctrl_handler = hdl;
            }

            (*queue).type_ = raw::v4l2_buf_type_V4L2_BUF_TYPE_VIDEO_CAPTURE;
            (*queue).io_modes = config.io_modes;
            (*queue).dev = raw_dev;
            (*queue).drv_priv = state;
            (*queue).buf_struct_size = core::mem::size_of::<raw::vb2_v4l2_buffer>() as u32;
            (*queue).ops = &Vb2Table::<T>::OPS;
            (*queue).mem_ops = &raw::vb2_dma_contig_memops;
            (*queue).timestamp_flags = raw::V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC;
            (*queue).min_queued_buffers = config.min_queued_buffers;
            (*queue).max_num_buffers = config.max_num_buffers.min(MAX_BUFFERS);
            (*queue).lock = vd.lock.get();
            if let Err(e) = kernel::error::to_result(raw::vb2_queue_init(queue)) {
                raw::v4l2_device_unregister(v4l2_dev);
                raw::v4l2_device_put(v4l2_dev);
                return Err(e);
            }

            super::copy_str(&mut (*vdev).name, config.name);
            (*vdev).v4l2_dev = v4l2_dev;
            (*vdev).fops = &Tables::<T>::FOPS;
            (*vdev).ioctl_ops = &Tables::<T>::IOCTL_OPS;
            (*vdev).release = Some(raw::video_device_release_empty);
            (*vdev).lock = vd.lock.get();
            (*vdev).queue = queue;
            (*vdev).vfl_dir = raw::vfl_devnode_direction_VFL_DIR_RX;
            (*vdev).device_caps = config.device_caps;
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
        vd.state.store(LIVE, Ordering::Release);
        Ok(())
    }

    /// Unregisters the video node (stopping a stream: vb2 calls
    /// `stop_streaming`) and the `v4l2_device`. The state's reference goes
    /// with the last open file.
    ///
    /// # Safety
    ///
    /// The objects were registered by [`Self::register`] (`state` is
    /// `LIVE`) and this is the one call for them (the drop of the
    /// [`Registration`] that registered them).
    unsafe fn unregister(&self) {
        // SAFETY: registered, unregistered once (the contract);
        // `vb2_video_unregister_device` stops streaming and releases the
        // queue of an open file.
        unsafe {
            raw::vb2_video_unregister_device(self.vdev.get());
            raw::v4l2_device_unregister(self.v4l2_dev.get());
            raw::v4l2_device_put(self.v4l2_dev.get());
        }
    }

    /// Queues V4L2_EVENT_SOURCE_CHANGE with `changes`
    /// ([`super::SRC_CH_RESOLUTION`]) to every file subscribed to it. Any
    /// context, interrupts included; nothing before registration.
    pub fn source_change(&self, changes: u32) {
        if self.state.load(Ordering::Acquire) != LIVE {
            return;
        }
        let mut ev: raw::v4l2_event = pin_init::zeroed();
        ev.type_ = raw::V4L2_EVENT_SOURCE_CHANGE;
        ev.u.src_change = raw::v4l2_event_src_change { changes };
        // SAFETY: the video device was registered (its file list and lock
        // are initialised) and lives as long as `self`; `v4l2_event_queue`
        // takes a spinlock with interrupts saved.
        unsafe { raw::v4l2_event_queue(self.vdev.get(), &ev) };
    }

    /// Sets V4L2_CID_DV_RX_POWER_PRESENT to `present` (input 0 has a
    /// source), which queues V4L2_EVENT_CTRL to the files subscribed to
    /// it when the value changes (`v4l2_ctrl_s_ctrl`). Sleeps (the
    /// handler's mutex): process context, e.g. a work item the interrupt
    /// handler queued on a hotplug. Nothing without the control.
    pub fn set_rx_power_present(&self, present: bool) {
        let ctrl = self.power.load(Ordering::Acquire);
        if ctrl.is_null() {
            return;
        }
        // SAFETY: `ctrl` is a control of `ctrls` (type invariant), which
        // is initialised and freed only when `self` drops; its handler's
        // lock is the handler's own mutex, taken around the unlocked
        // setter as `v4l2_ctrl_s_ctrl` does.
        unsafe {
            let lock = (*(*ctrl).handler).lock;
            bindings::mutex_lock(lock);
            raw::__v4l2_ctrl_s_ctrl(ctrl, i32::from(present));
            bindings::mutex_unlock(lock);
        }
    }

    /// The v4l2_device's release: drops the reference `register` leaked.
    ///
    /// # Safety
    ///
    /// Called by the V4L2 core once, for a `v4l2_device` of a
    /// `VideoDevice<T>` that `register` registered.
    unsafe extern "C" fn release(v4l2_dev: *mut raw::v4l2_device) {
        // SAFETY: per the contract, `v4l2_dev` is the field of a registered
        // `VideoDevice<T>`, whose video device's drvdata is the `T` of the
        // leaked `Arc`; this is the last use of the objects.
        unsafe {
            let vd =
                kernel::container_of!(v4l2_dev.cast::<Opaque<raw::v4l2_device>>(), Self, v4l2_dev);
            let vdev = (*vd).vdev.get();
            let state = bindings::dev_get_drvdata(core::ptr::addr_of!((*vdev).dev));
            // The controls go with the `VideoDevice` (its drop).
            drop(Arc::<T>::from_raw(state.cast::<T>()));
        }
    }
}

#[pinned_drop]
impl<T: Driver> PinnedDrop for VideoDevice<T> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: dropping: the objects' release ran (their leaked
        // reference of the state is gone) or they were never registered,
        // so no file holds a control event and nothing else uses the
        // handler; a handler never initialised (no buckets) is left alone.
        unsafe { raw::v4l2_ctrl_handler_free(self.ctrls.get()) };
    }
}

/// The registration of a driver's [`VideoDevice`], as
/// `kernel::miscdevice::MiscDeviceRegistration`: registered in its
/// pin-initializer from a bound device, unregistered when dropped
/// ([`PinnedDrop`]). A `VideoDevice` is registered by at most one
/// `Registration` in its life (a second one fails with `EBUSY`), and only
/// that one unregisters it, once: no safe sequence of calls registers
/// twice, unregisters twice or releases the objects early.
///
/// # Invariants
///
/// `state`'s video device was registered by this `Registration`.
#[pin_data(PinnedDrop)]
pub struct Registration<T: Driver> {
    state: Arc<T>,
}

impl<T: Driver> Registration<T> {
    /// Registers the video device of `state` on `dev` with `config`.
    /// Keep it with the device's binding: dropping it (at the latest when
    /// `dev` unbinds) unregisters the node and stops a stream.
    pub fn new<'a>(
        state: Arc<T>,
        dev: &'a Device<Bound>,
        config: &'a Config,
    ) -> impl PinInit<Self, Error> + 'a {
        // INVARIANT: registered by the initializer, or it fails.
        try_pin_init!(Registration {
            state: {
                VideoDevice::register(&state, dev, config)?;
                state
            },
        }? Error)
    }

    /// The driver state.
    pub fn state(&self) -> &Arc<T> {
        &self.state
    }
}

#[pinned_drop]
impl<T: Driver> PinnedDrop for Registration<T> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: registered by this `Registration` (type invariant), which
        // drops once.
        unsafe { self.state.video_device().unregister() };
    }
}
