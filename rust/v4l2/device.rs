// SPDX-License-Identifier: GPL-2.0

//! [`VideoDevice`]: the V4L2 objects of one video node, embedded (pinned)
//! in the driver's state; [`Device`]: that state in the allocation the
//! `v4l2_device`'s kref governs (the one refcount, held as [`ARef`]); and
//! the video node's [`Registration`].

use core::marker::PhantomData;
use core::ops::Deref;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicPtr, AtomicU8, Ordering};
use kernel::bindings;
use kernel::device::{self, Bound};
use kernel::prelude::*;
use kernel::sync::aref::{ARef, AlwaysRefCounted};
use kernel::types::Opaque;
use kernel::workqueue::{HasWork, Work, WorkItem};

use super::ioctl::{IoctlOps, Tables};
use super::raw;
use super::vb2::{Queue, QueueOps, Vb2Table, MAX_BUFFERS};

/// `VideoDevice::state`: not in a [`Device`].
const UNUSED: u8 = 0;
/// A [`Device`] registered the `v4l2_device` (its kref governs the
/// allocation from now on).
const ALLOCATED: u8 = 1;
/// A [`Registration`] claimed the objects (registering, or failed: they
/// are never registered again).
const CLAIMED: u8 = 2;
/// Registered: the video node's file and event lists are initialised.
const LIVE: u8 = 3;

/// A V4L2 capture driver: its ioctls, its vb2 queue, and where its state
/// keeps the [`VideoDevice`]. The state lives in a [`Device`].
pub trait Driver: IoctlOps + QueueOps {
    /// The video device embedded in the state (a field of `self`: the
    /// same one on every call).
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
/// pinned inside the driver's state `T`, which lives in a [`Device`]:
/// the `v4l2_device`'s kref is the state's only refcount.
///
/// # Invariants
///
/// `state` goes from `UNUSED` to `ALLOCATED` once, when a [`Device`]
/// registers the `v4l2_device` (whose kref from then on governs the
/// `Device` holding the `T`), to `CLAIMED` once, when a [`Registration`]
/// takes the objects, and to `LIVE` when the video device is registered
/// (its event lists are initialised); it never goes back, so the objects
/// are registered at most once. From `ALLOCATED` the video device's
/// drvdata is the `T` of the [`Device`], and from `CLAIMED` the queue's
/// `drv_priv` is too. Only the [`Registration`] that registered them
/// unregisters the video node, once, when it drops. `power`, when not null, is the
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

    /// The `v4l2_device` (the KUnit suite reads its kref).
    #[cfg(CONFIG_KUNIT)]
    pub(super) fn v4l2_device(&self) -> *mut raw::v4l2_device {
        self.v4l2_dev.get()
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

    /// Registers the queue (single-planar capture, dma-contig, monotonic
    /// timestamps) and the video node of the [`Device`] `this`, on
    /// `parent`, the device its `v4l2_device` was registered on (`EINVAL`
    /// for another); `EBUSY` when the objects were claimed before. Only
    /// [`Registration::new`] calls it.
    fn register(this: &Device<T>, parent: &device::Device<Bound>, config: &Config) -> Result {
        let vd = this.video();
        // `Device` is a transparent wrapper of the kernel's `struct device`,
        // the type these bindings use too (`Device::as_raw` is
        // crate-private).
        let raw_dev = core::ptr::from_ref(parent).cast_mut().cast::<raw::device>();
        let v4l2_dev = vd.v4l2_dev.get();
        if vd
            .state
            .compare_exchange(ALLOCATED, CLAIMED, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            return Err(EBUSY);
        }
        // SAFETY: the `v4l2_device` of a `Device` is registered (type
        // invariant of `Device`); its `dev` changes only when it is
        // unregistered, by the `Registration` holding the claim taken
        // above, or by the release, which a reference held prevents.
        if unsafe { (*v4l2_dev).dev } != raw_dev {
            return Err(EINVAL);
        }
        let vdev = vd.vdev.get();
        let queue = vd.queue.vb2.get();
        let state = core::ptr::from_ref::<T>(this)
            .cast_mut()
            .cast::<core::ffi::c_void>();
        // SAFETY: the `v4l2_device` was registered by `Device::new`
        // (`state` was `ALLOCATED`, and is `CLAIMED` from now on: no other
        // call gets here for these objects); the other objects are zeroed
        // and pinned inside `this`, which the v4l2_device's kref keeps
        // alive (a reference held by the caller for the call, and by the
        // video node from its registration until its release). `parent`
        // is bound for the call. The tables are `'static` consts built for
        // `T`. On an error the objects stay as they are; the release of
        // the `v4l2_device` unregisters it and frees the `Device`.
        unsafe {
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
                kernel::error::to_result((*hdl).error)?;
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
            kernel::error::to_result(raw::vb2_queue_init(queue))?;

            super::copy_str(&mut (*vdev).name, config.name);
            (*vdev).v4l2_dev = v4l2_dev;
            (*vdev).fops = &Tables::<T>::FOPS;
            (*vdev).ioctl_ops = &Tables::<T>::IOCTL_OPS;
            (*vdev).release = Some(raw::video_device_release_empty);
            (*vdev).lock = vd.lock.get();
            (*vdev).queue = queue;
            (*vdev).vfl_dir = raw::vfl_devnode_direction_VFL_DIR_RX;
            (*vdev).device_caps = config.device_caps;
            // Takes a reference of the v4l2_device for the node, put by
            // the node's release after its last open file closed.
            let ret = raw::__video_register_device(
                vdev,
                raw::vfl_devnode_type_VFL_TYPE_VIDEO,
                -1,
                1,
                (*(*vdev).fops).owner,
            );
            if let Err(e) = kernel::error::to_result(ret) {
                raw::vb2_queue_release(queue);
                return Err(e);
            }
        }
        vd.state.store(LIVE, Ordering::Release);
        Ok(())
    }

    /// Unregisters the video node (stopping a stream: vb2 calls
    /// `stop_streaming`) and the `v4l2_device` (which drops its reference
    /// of the parent device). The state goes with the last reference of
    /// the v4l2_device: the [`Device`]'s `ARef`s and the open files.
    ///
    /// # Safety
    ///
    /// The objects were registered by [`Self::register`] (`state` is
    /// `LIVE`) and this is the one call for them (the drop of the
    /// [`Registration`] that registered them).
    unsafe fn unregister(&self) {
        // SAFETY: registered, unregistered once (the contract);
        // `vb2_video_unregister_device` stops streaming and releases the
        // queue of an open file. The caller holds a reference of the
        // v4l2_device.
        unsafe {
            raw::vb2_video_unregister_device(self.vdev.get());
            raw::v4l2_device_unregister(self.v4l2_dev.get());
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
}

#[pinned_drop]
impl<T: Driver> PinnedDrop for VideoDevice<T> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: dropping: the v4l2_device's release runs (the last
        // reference of the `Device` is gone) or it was never registered,
        // so no file holds a control event and nothing else uses the
        // handler; a handler never initialised (no buckets) is left alone.
        unsafe { raw::v4l2_ctrl_handler_free(self.ctrls.get()) };
    }
}

/// A driver's state `T` in the allocation that the `v4l2_device` of its
/// [`VideoDevice`] governs: that kref is the state's one refcount. A
/// reference is an [`ARef<Device<T>>`] (`v4l2_device_get` /
/// `v4l2_device_put`); the probe's data, interrupt handlers and work
/// items hold one, the video node holds one for its open files (the V4L2
/// core's). When the last is put, the v4l2_device's release unregisters
/// it (if a [`Registration`] did not), drops `T` and frees the
/// allocation, once. Dereferences to `T`.
///
/// # Invariants
///
/// A `Device<T>` lives only in the allocation made by [`Device::new`]
/// (a `KBox`), whose ownership the kref of `v4l2_dev` holds: `v4l2_dev`
/// is the `v4l2_device` field of the [`VideoDevice`] that `data` gave
/// (`Driver::video_device`, asked once), which lives as long as `data`;
/// it was registered (its kref initialised) by `new`, with
/// [`Device::release`] as its release callback, and that video device's
/// drvdata is `data`.
#[pin_data]
pub struct Device<T: Driver> {
    #[pin]
    data: T,
    /// The `v4l2_device` whose kref governs this allocation.
    v4l2_dev: NonNull<raw::v4l2_device>,
}

// SAFETY: the `Device` only adds the refcount, whose get and put any
// thread may call, to a `T` that is `Send + Sync` (`IoctlOps` requires
// it).
unsafe impl<T: Driver> Send for Device<T> {}
// SAFETY: as above: `&Device<T>` gives `&T` and the refcount.
unsafe impl<T: Driver> Sync for Device<T> {}

impl<T: Driver> Device<T> {
    /// Initialises the driver state `init` in a new allocation and
    /// registers its `v4l2_device` on the bound device `parent` (which the
    /// v4l2_device keeps a reference of until it is unregistered). The
    /// returned reference is the first of the v4l2_device's kref. `EBUSY`
    /// when the state's [`VideoDevice`] belongs to another `Device`.
    pub fn new(parent: &device::Device<Bound>, init: impl PinInit<T, Error>) -> Result<ARef<Self>> {
        // `Device` is a transparent wrapper of the kernel's `struct device`,
        // the type these bindings use too (`Device::as_raw` is
        // crate-private).
        let parent = core::ptr::from_ref(parent).cast_mut().cast::<raw::device>();
        // SAFETY: `parent` is a device, bound, valid for the call.
        unsafe { Self::alloc(parent, None, init) }
    }

    /// As [`Self::new`], on `parent` or on no device (`null`, then with
    /// `name` as the v4l2_device's name: the KUnit suite's devices).
    ///
    /// # Safety
    ///
    /// `parent` is null or a valid device for the call; with null, `name`
    /// is given.
    pub(super) unsafe fn alloc(
        parent: *mut raw::device,
        name: Option<&CStr>,
        init: impl PinInit<T, Error>,
    ) -> Result<ARef<Self>> {
        let boxed = KBox::pin_init(
            try_pin_init!(Device {
                data <- init,
                v4l2_dev: NonNull::dangling(),
            }? Error),
            GFP_KERNEL,
        )?;
        let vd = boxed.data.video_device();
        if vd
            .state
            .compare_exchange(UNUSED, ALLOCATED, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            return Err(EBUSY);
        }
        let v4l2_dev = vd.v4l2_dev.get();
        let vdev = vd.vdev.get();
        // SAFETY: the allocation is not moved: its ownership goes to the
        // kref below (or back into the box on failure).
        let this = KBox::into_raw(unsafe { Pin::into_inner_unchecked(boxed) });
        // SAFETY: `this` is the live allocation, ours alone until the
        // `ARef` is made; `v4l2_dev` and `vdev` are the zeroed, pinned
        // objects of the state's `VideoDevice`, claimed by this call
        // (`UNUSED` to `ALLOCATED`). Once `v4l2_device_register`
        // succeeded, the kref owns the allocation and `release` frees
        // it; before, the box is taken back and dropped.
        unsafe {
            (*this).v4l2_dev = NonNull::new_unchecked(v4l2_dev);
            if let Some(name) = name {
                super::copy_str(&mut (*v4l2_dev).name, name);
            }
            // `release` and the callbacks find the state here.
            let data = core::ptr::addr_of_mut!((*this).data);
            bindings::dev_set_drvdata(core::ptr::addr_of_mut!((*vdev).dev), data.cast());
            if let Err(e) = kernel::error::to_result(raw::v4l2_device_register(parent, v4l2_dev)) {
                drop(KBox::from_raw(this));
                return Err(e);
            }
            (*v4l2_dev).release = Some(Self::release);
            // INVARIANT: registered with `release`; the one reference of
            // the new kref is this `ARef`'s.
            Ok(ARef::from_raw(NonNull::new_unchecked(this)))
        }
    }

    /// The [`VideoDevice`] whose `v4l2_device` governs this `Device`:
    /// the one `Driver::video_device` gave when the `Device` was made
    /// (the layer asks the driver once).
    pub(super) fn video(&self) -> &VideoDevice<T> {
        // SAFETY: `v4l2_dev` is the `v4l2_device` field of a `VideoDevice<T>`
        // reached from `data` (type invariant), which lives as long as
        // `data`, so as long as `self`.
        unsafe {
            &*kernel::container_of!(
                self.v4l2_dev.as_ptr().cast::<Opaque<raw::v4l2_device>>(),
                VideoDevice<T>,
                v4l2_dev
            )
        }
    }

    /// The v4l2_device's release, when its kref drops to zero: unregisters
    /// it (a no-op after a [`Registration`] did), drops `T` and frees the
    /// allocation.
    ///
    /// # Safety
    ///
    /// Called by the V4L2 core once, for the `v4l2_device` of a
    /// `Device<T>` (its release callback, set by [`Self::alloc`] only),
    /// when its last reference is gone.
    unsafe extern "C" fn release(v4l2_dev: *mut raw::v4l2_device) {
        // SAFETY: per the contract, `v4l2_dev` is the `v4l2_device` of the
        // `VideoDevice` of a `Device<T>`'s state, whose video device's
        // drvdata is that state (type invariant), in the `KBox` made by
        // `alloc`; no reference is left, so this is the last use.
        unsafe {
            let vd = kernel::container_of!(
                v4l2_dev.cast::<Opaque<raw::v4l2_device>>(),
                VideoDevice<T>,
                v4l2_dev
            );
            let vdev = (*vd).vdev.get();
            let data = bindings::dev_get_drvdata(core::ptr::addr_of!((*vdev).dev)).cast::<T>();
            let this = kernel::container_of!(data, Self, data);
            // Puts the parent device if no `Registration` did.
            raw::v4l2_device_unregister(v4l2_dev);
            // The controls go with the `VideoDevice` (its drop).
            drop(KBox::from_raw(this));
        }
    }
}

impl<T: Driver> Deref for Device<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.data
    }
}

// SAFETY: the kref of `v4l2_dev` governs the allocation (type invariant):
// `inc_ref` takes a reference (`v4l2_device_get`), `dec_ref` puts one and
// the last put runs `release`, which frees the `Device`.
unsafe impl<T: Driver> AlwaysRefCounted for Device<T> {
    fn inc_ref(&self) {
        // SAFETY: `&self` proves a reference is held, so the kref is
        // initialised and above zero (what `v4l2_device_get`, an inline
        // `kref_get`, does).
        unsafe { bindings::refcount_inc(&raw mut (*self.v4l2_dev.as_ptr()).ref_.refcount) };
    }

    unsafe fn dec_ref(obj: NonNull<Self>) {
        // SAFETY: the caller gives up a reference of the live `obj`; its
        // `v4l2_dev` is read before the put, which may free `obj`.
        unsafe {
            let v4l2_dev = (*obj.as_ptr()).v4l2_dev.as_ptr();
            raw::v4l2_device_put(v4l2_dev);
        }
    }
}

/// Work items of the state run with a reference of the `Device` (as
/// `kernel::drm::Device`): `T` implements `WorkItem` with
/// `Pointer = ARef<Device<T>>` and `HasWork<Device<T>>` for its field.
impl<T, const ID: u64> WorkItem<ID> for Device<T>
where
    T: Driver + WorkItem<ID, Pointer = ARef<Self>> + HasWork<Self, ID>,
{
    type Pointer = ARef<Self>;

    fn run(this: ARef<Self>) {
        T::run(this);
    }
}

// SAFETY: `raw_get_work` and `work_container_of` are inverses: the `Work`
// is `T`'s (by `T::raw_get_work`), and `T` is the `data` field of the
// `Device`.
unsafe impl<T, const ID: u64> HasWork<Self, ID> for Device<T>
where
    T: Driver + HasWork<Self, ID>,
{
    unsafe fn raw_get_work(ptr: *mut Self) -> *mut Work<Self, ID> {
        // SAFETY: the caller promises that `ptr` points to a valid `Device<T>`.
        unsafe { T::raw_get_work(core::ptr::addr_of_mut!((*ptr).data)) }
    }

    unsafe fn work_container_of(ptr: *mut Work<Self, ID>) -> *mut Self {
        // SAFETY: the caller promises that `ptr` is the `Work` field of a
        // `T`, which is the `data` of a `Device<T>`.
        unsafe {
            let data = T::work_container_of(ptr);
            kernel::container_of!(data, Self, data)
        }
    }
}

/// The registration of a [`Device`]'s video node, as
/// `kernel::miscdevice::MiscDeviceRegistration` and
/// `kernel::drm::Registration`: registered in its pin-initializer from
/// the bound device, unregistered when dropped ([`PinnedDrop`]). A
/// `Device` is registered by at most one `Registration` in its life (a
/// second one fails with `EBUSY`), and only that one unregisters it, once;
/// the `Registration` holds a reference of the `Device`, and the files
/// the V4L2 core's: no safe sequence of calls registers twice, unregisters
/// twice or releases the state early.
///
/// # Invariants
///
/// `dev`'s video node was registered by this `Registration`.
#[pin_data(PinnedDrop)]
pub struct Registration<T: Driver> {
    dev: ARef<Device<T>>,
}

impl<T: Driver> Registration<T> {
    /// Registers the video node of `dev` with `config` on `parent`, the
    /// bound device the `Device` was made on. Keep it with the device's
    /// binding: dropping it (at the latest when `parent` unbinds)
    /// unregisters the node and stops a stream.
    pub fn new<'a>(
        dev: &'a Device<T>,
        parent: &'a device::Device<Bound>,
        config: &'a Config,
    ) -> impl PinInit<Self, Error> + 'a {
        // INVARIANT: registered by the initializer, or it fails.
        try_pin_init!(Registration {
            dev: {
                VideoDevice::register(dev, parent, config)?;
                ARef::from(dev)
            },
        }? Error)
    }

    /// The device.
    pub fn device(&self) -> &ARef<Device<T>> {
        &self.dev
    }
}

#[pinned_drop]
impl<T: Driver> PinnedDrop for Registration<T> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: registered by this `Registration` (type invariant), which
        // drops once.
        unsafe { self.dev.video().unregister() };
    }
}
