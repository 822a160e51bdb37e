// SPDX-License-Identifier: GPL-2.0

//! The vb2 queue side: [`QueueOps`], the buffer types and the `vb2_ops`
//! table built from an implementation at compile time.

use core::ffi::{c_int, c_uint};
use core::ptr::NonNull;
use kernel::error::VTABLE_DEFAULT_ERROR;
use kernel::prelude::*;
use kernel::types::Opaque;

use super::device::Driver;
use super::{raw, to_c};

/// The vb2 queue callbacks of a driver, called by vb2 with the driver's
/// state (the queue's `drv_priv`). Buffers are single-planar and
/// dma-contig. vb2 serialises the callbacks other than `buf_queue`'s
/// completions with the queue lock.
#[vtable]
pub trait QueueOps: Sized + Send + Sync + 'static {
    /// REQBUFS/CREATE_BUFS: `num_buffers` asked for (the driver may change
    /// it) and the plane sizes: when [`PlaneSizes::requested`] gives sizes
    /// (CREATE_BUFS), accept them or fail with `EINVAL`; otherwise set
    /// them.
    fn queue_setup(&self, num_buffers: &mut u32, planes: &mut PlaneSizes<'_>) -> Result;

    /// A buffer was allocated.
    fn buf_init(&self, _buf: &BufferRef) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// A buffer is about to be freed.
    fn buf_cleanup(&self, _buf: &BufferRef) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// A buffer is queued by userspace: check it (`EINVAL` refuses it) and
    /// set its payload.
    fn buf_prepare(&self, _buf: &BufferRef) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// vb2 hands a buffer to the driver, which gives it back once through
    /// [`Buffer::done`] or [`Buffer::error`].
    fn buf_queue(&self, buf: Buffer);

    /// Streaming starts with `count` buffers queued. On an error every
    /// buffer the driver holds must go back with [`State::Queued`].
    fn start_streaming(&self, count: u32) -> Result;

    /// Streaming stops: when this returns, every buffer the driver held has
    /// gone back (in [`State::Error`]) and none is completed any more.
    fn stop_streaming(&self);
}

/// The state a buffer goes back to vb2 in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Filled: userspace dequeues it.
    Done,
    /// Failed or cancelled: dequeued with V4L2_BUF_FLAG_ERROR (or dropped
    /// when streaming stops).
    Error,
    /// Back to vb2's queue (only from a failed start_streaming).
    Queued,
}

impl State {
    fn into_raw(self) -> raw::vb2_buffer_state {
        match self {
            State::Done => raw::vb2_buffer_state_VB2_BUF_STATE_DONE,
            State::Error => raw::vb2_buffer_state_VB2_BUF_STATE_ERROR,
            State::Queued => raw::vb2_buffer_state_VB2_BUF_STATE_QUEUED,
        }
    }
}

/// The plane sizes of [`QueueOps::queue_setup`].
pub struct PlaneSizes<'a> {
    num_planes: &'a mut u32,
    sizes: &'a mut [u32],
}

impl<'a> PlaneSizes<'a> {
    /// Over vb2's arguments (used by the layer and its tests).
    pub(crate) fn new(num_planes: &'a mut u32, sizes: &'a mut [u32]) -> Self {
        PlaneSizes { num_planes, sizes }
    }

    /// The sizes userspace asked for (CREATE_BUFS), None for REQBUFS.
    pub fn requested(&self) -> Option<&[u32]> {
        let n = usize::try_from(*self.num_planes).ok()?;
        (n != 0).then(|| &self.sizes[..n.min(self.sizes.len())])
    }

    /// One plane of `size` bytes.
    pub fn set_single(&mut self, size: u32) {
        *self.num_planes = 1;
        if let Some(s) = self.sizes.first_mut() {
            *s = size;
        }
    }
}

/// A vb2 buffer the driver may look at: in `buf_init`, `buf_cleanup`,
/// `buf_prepare`.
#[repr(transparent)]
pub struct BufferRef(Opaque<raw::vb2_buffer>);

impl BufferRef {
    /// # Safety
    ///
    /// `vb` is a live buffer with at least one plane, for `'a`.
    unsafe fn from_raw<'a>(vb: *mut raw::vb2_buffer) -> &'a Self {
        // SAFETY: per the contract; `BufferRef` is transparent over it.
        unsafe { &*vb.cast::<Self>() }
    }

    fn as_raw(&self) -> *mut raw::vb2_buffer {
        self.0.get()
    }

    /// Plane 0's size in bytes (`vb2_plane_size`).
    pub fn plane_size(&self) -> u32 {
        // SAFETY: the buffer is live and has a plane (type invariant);
        // vb2 sets the length before it calls the driver.
        unsafe { (*self.as_raw()).planes[0].length }
    }

    /// Sets plane 0's bytes used (`vb2_set_plane_payload`).
    pub fn set_payload(&self, bytes: u32) {
        // SAFETY: as above; the payload is the driver's to set while it
        // handles the buffer (vb2 callbacks, or owning it).
        unsafe { (*self.as_raw()).planes[0].bytesused = bytes };
    }

    /// The buffer's index in its queue.
    pub fn index(&self) -> u32 {
        // SAFETY: as above; the index does not change while it is live.
        unsafe { (*self.as_raw()).index }
    }
}

/// A buffer vb2 handed to the driver (`buf_queue`) and not yet given
/// back. Its only exits are [`Buffer::done`] and [`Buffer::error`]
/// (dropping it is `error`), each consuming it: a buffer goes back to vb2
/// exactly once.
///
/// # Invariants
///
/// `vb` is a buffer of a dma-contig queue that vb2 passed to `buf_queue`,
/// owned by the driver (vb2 keeps it alive and does not touch it until
/// `vb2_buffer_done`), with one plane.
pub struct Buffer {
    vb: NonNull<raw::vb2_buffer>,
}

// SAFETY: a driver-owned vb2 buffer may be filled and completed from any
// context (`vb2_buffer_done` is interrupt safe); `Buffer` is not `Clone`,
// so one context at a time holds it. It is not `Sync`: a shared reference
// can set the payload.
unsafe impl Send for Buffer {}

impl core::ops::Deref for Buffer {
    type Target = BufferRef;

    fn deref(&self) -> &BufferRef {
        // SAFETY: live while owned (type invariant).
        unsafe { BufferRef::from_raw(self.vb.as_ptr()) }
    }
}

impl Buffer {
    /// Plane 0's bus address (`vb2_dma_contig_plane_dma_addr`); None when
    /// vb2 gave the buffer no memory.
    pub fn dma_addr(&self) -> Option<u64> {
        // SAFETY: a live buffer of a dma-contig queue (type invariant):
        // the plane cookie points at the plane's `dma_addr_t`.
        unsafe {
            let cookie =
                raw::vb2_plane_cookie(self.vb.as_ptr(), 0).cast::<kernel::bindings::dma_addr_t>();
            (!cookie.is_null()).then(|| *cookie)
        }
    }

    /// Gives the buffer back in `state`.
    pub fn done(self, state: State) {
        let vb = self.vb.as_ptr();
        core::mem::forget(self);
        // SAFETY: owned by the driver (type invariant), given back once:
        // `self` is consumed and its drop skipped.
        unsafe { raw::vb2_buffer_done(vb, state.into_raw()) };
    }

    /// Gives the buffer back filled: frame `sequence`, progressive,
    /// `bytes` of payload, captured at `timestamp_ns` (monotonic).
    pub fn complete(self, sequence: u32, bytes: u32, timestamp_ns: u64) {
        self.set_payload(bytes);
        let vb = self.vb.as_ptr();
        // SAFETY: owned by the driver (type invariant); the queue's buffers
        // are `vb2_v4l2_buffer`s (`buf_struct_size`, set at registration),
        // whose first field is the `vb2_buffer`.
        unsafe {
            let vbuf = vb.cast::<raw::vb2_v4l2_buffer>();
            (*vbuf).sequence = sequence;
            (*vbuf).field = raw::v4l2_field_V4L2_FIELD_NONE;
            (*vb).timestamp = timestamp_ns;
        }
        self.done(State::Done);
    }

    /// Gives the buffer back failed.
    pub fn error(self) {
        self.done(State::Error);
    }
}

impl Drop for Buffer {
    /// A buffer the driver lets go of goes back failed: never lost.
    fn drop(&mut self) {
        // SAFETY: owned by the driver (type invariant); `done` and
        // `complete` skip this drop, so this is the one give-back.
        unsafe {
            raw::vb2_buffer_done(self.vb.as_ptr(), raw::vb2_buffer_state_VB2_BUF_STATE_ERROR)
        };
    }
}

/// The `vb2_ops` of a [`Driver`], built at compile time.
pub(crate) struct Vb2Table<T>(core::marker::PhantomData<T>);

impl<T: Driver> Vb2Table<T> {
    pub(crate) const OPS: raw::vb2_ops = raw::vb2_ops {
        queue_setup: Some(queue_setup::<T>),
        buf_init: if T::HAS_BUF_INIT {
            Some(buf_init::<T>)
        } else {
            None
        },
        buf_cleanup: if T::HAS_BUF_CLEANUP {
            Some(buf_cleanup::<T>)
        } else {
            None
        },
        buf_prepare: if T::HAS_BUF_PREPARE {
            Some(buf_prepare::<T>)
        } else {
            None
        },
        buf_queue: Some(buf_queue::<T>),
        start_streaming: Some(start_streaming::<T>),
        stop_streaming: Some(stop_streaming::<T>),
        ..pin_init::zeroed()
    };
}

/// The driver state of a queue.
///
/// # Safety
///
/// `q` is a queue initialised by [`super::VideoDevice::register`] for a
/// `T`.
unsafe fn state<'a, T: Driver>(q: *mut raw::vb2_queue) -> &'a T {
    // SAFETY: per the contract, `drv_priv` is the `T`, alive while its
    // queue is (the v4l2_device holds a reference of its `Arc`).
    unsafe { &*(*q).drv_priv.cast::<T>() }
}

// The callbacks. Each is only put in `Vb2Table<T>::OPS`, the ops of queues
// registered for a `T`: vb2 calls them with that queue or a live buffer of
// it (with one plane). That is the safety contract of each.

/// The C callback of [`QueueOps::queue_setup`].
///
/// # Safety
///
/// See the contract of the callbacks above.
unsafe extern "C" fn queue_setup<T: Driver>(
    q: *mut raw::vb2_queue,
    num_buffers: *mut c_uint,
    num_planes: *mut c_uint,
    sizes: *mut c_uint,
    _alloc_devs: *mut *mut raw::device,
) -> c_int {
    // SAFETY: see the contract of the callbacks above; `sizes` has room
    // for VB2_MAX_PLANES entries.
    let (t, num_buffers, num_planes, sizes) = unsafe {
        (
            state::<T>(q),
            &mut *num_buffers,
            &mut *num_planes,
            core::slice::from_raw_parts_mut(sizes, raw::VB2_MAX_PLANES as usize),
        )
    };
    to_c(t.queue_setup(num_buffers, &mut PlaneSizes::new(num_planes, sizes)))
}

/// The C callback of [`QueueOps::buf_init`].
///
/// # Safety
///
/// See the contract of the callbacks above.
unsafe extern "C" fn buf_init<T: Driver>(vb: *mut raw::vb2_buffer) -> c_int {
    // SAFETY: see the contract of the callbacks above.
    let (t, b) = unsafe { (state::<T>((*vb).vb2_queue), BufferRef::from_raw(vb)) };
    to_c(t.buf_init(b))
}

/// The C callback of [`QueueOps::buf_cleanup`].
///
/// # Safety
///
/// See the contract of the callbacks above.
unsafe extern "C" fn buf_cleanup<T: Driver>(vb: *mut raw::vb2_buffer) {
    // SAFETY: see the contract of the callbacks above.
    let (t, b) = unsafe { (state::<T>((*vb).vb2_queue), BufferRef::from_raw(vb)) };
    t.buf_cleanup(b);
}

/// The C callback of [`QueueOps::buf_prepare`].
///
/// # Safety
///
/// See the contract of the callbacks above.
unsafe extern "C" fn buf_prepare<T: Driver>(vb: *mut raw::vb2_buffer) -> c_int {
    // SAFETY: see the contract of the callbacks above.
    let (t, b) = unsafe { (state::<T>((*vb).vb2_queue), BufferRef::from_raw(vb)) };
    to_c(t.buf_prepare(b))
}

/// The C callback of [`QueueOps::buf_queue`].
///
/// # Safety
///
/// See the contract of the callbacks above.
unsafe extern "C" fn buf_queue<T: Driver>(vb: *mut raw::vb2_buffer) {
    // SAFETY: see the contract of the callbacks above: vb2 hands the
    // buffer over here, which makes the `Buffer` invariant hold (the
    // queue is dma-contig, see `VideoDevice::register`).
    let (t, vb) = unsafe { (state::<T>((*vb).vb2_queue), NonNull::new_unchecked(vb)) };
    t.buf_queue(Buffer { vb });
}

/// The C callback of [`QueueOps::start_streaming`].
///
/// # Safety
///
/// See the contract of the callbacks above.
unsafe extern "C" fn start_streaming<T: Driver>(q: *mut raw::vb2_queue, count: c_uint) -> c_int {
    // SAFETY: see the contract of the callbacks above.
    to_c(unsafe { state::<T>(q) }.start_streaming(count))
}

/// The C callback of [`QueueOps::stop_streaming`].
///
/// # Safety
///
/// See the contract of the callbacks above.
unsafe extern "C" fn stop_streaming<T: Driver>(q: *mut raw::vb2_queue) {
    // SAFETY: see the contract of the callbacks above.
    unsafe { state::<T>(q) }.stop_streaming();
}
