// SPDX-License-Identifier: GPL-2.0

//! The vb2 queue side: [`QueueOps`], the buffer types and the `vb2_ops`
//! table built from an implementation at compile time.

use core::ffi::{c_int, c_uint};
use core::ptr::NonNull;
use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use kernel::error::VTABLE_DEFAULT_ERROR;
use kernel::prelude::*;
use kernel::sync::{SpinLockIrq, SpinLockIrqGuard};
use kernel::types::Opaque;

use super::{raw, to_c};

/// Most buffers a queue holds (`VB2_MAX_FRAME`): the driver-side ring has
/// room for all of them, so a queued buffer always finds a slot.
pub const MAX_BUFFERS: u32 = 32;

/// Where the hardware writes a buffer: plane 0's bus address and length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DmaTarget {
    /// Bus address (`vb2_dma_contig_plane_dma_addr`).
    pub addr: u64,
    /// Plane length in bytes.
    pub len: u32,
}

/// The vb2 queue callbacks of a driver, called by vb2 with the driver's
/// state (the queue's `drv_priv`). Buffers are single-planar and
/// dma-contig. vb2 serialises the callbacks with the queue lock.
///
/// The driver never holds a buffer: the layer keeps the buffers vb2 hands
/// over in the [`Queue`] (queued, then the one active buffer the hardware
/// writes), and the driver reaches them only through the `Queue`'s
/// methods, which give back a [`DmaTarget`] (an address), never a handle.
/// The layer gives every buffer back itself when streaming stops or fails
/// to start.
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

    /// A buffer became the active one while capturing, queued to an idle
    /// engine: give `target` to the hardware. Called with the queue's
    /// spinlock held (interrupts off): must not sleep.
    fn arm(&self, target: DmaTarget);

    /// Streaming starts; `first` is the active buffer, if one was queued.
    /// On an error the layer gives every buffer back queued.
    fn start_streaming(&self, first: Option<DmaTarget>) -> Result;

    /// Streaming stops. The layer stopped completions before the call
    /// ([`Queue::complete_active`] does nothing from then on) and gives
    /// every buffer back after it returns: the driver stops the hardware
    /// writing into them.
    fn stop_streaming(&self);
}

/// The state a buffer goes back to vb2 in (the layer decides it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum State {
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

/// A buffer vb2 handed to the driver side (`buf_queue`) and not yet given
/// back: private to the layer, kept in a [`Queue`]. Its only exit is
/// [`Buffer::done`], which consumes it (dropping it gives it back failed):
/// a buffer goes back to vb2 exactly once.
///
/// # Invariants
///
/// `vb` is a buffer of a dma-contig queue that vb2 passed to `buf_queue`,
/// owned by the driver side (vb2 keeps it alive and does not touch it
/// until `vb2_buffer_done`), with one plane.
struct Buffer {
    vb: NonNull<raw::vb2_buffer>,
}

// SAFETY: a driver-owned vb2 buffer may be filled and completed from any
// context (`vb2_buffer_done` is interrupt safe); `Buffer` is not `Clone`,
// so one context at a time holds it.
unsafe impl Send for Buffer {}

impl Buffer {
    fn as_ref(&self) -> &BufferRef {
        // SAFETY: live while owned (type invariant).
        unsafe { BufferRef::from_raw(self.vb.as_ptr()) }
    }

    /// Where the hardware writes it; None when vb2 gave it no memory.
    fn target(&self) -> Option<DmaTarget> {
        // SAFETY: a live buffer of a dma-contig queue (type invariant):
        // the plane cookie points at the plane's `dma_addr_t`.
        let addr = unsafe {
            let cookie =
                raw::vb2_plane_cookie(self.vb.as_ptr(), 0).cast::<kernel::bindings::dma_addr_t>();
            (!cookie.is_null()).then(|| *cookie)
        }?;
        Some(DmaTarget {
            addr,
            len: self.as_ref().plane_size(),
        })
    }

    /// Gives the buffer back in `state`.
    fn done(self, state: State) {
        let vb = self.vb.as_ptr();
        core::mem::forget(self);
        // SAFETY: owned (type invariant), given back once: `self` is
        // consumed and its drop skipped.
        unsafe { raw::vb2_buffer_done(vb, state.into_raw()) };
    }

    /// Gives the buffer back filled: frame `sequence`, progressive,
    /// `bytes` of payload, captured at `timestamp_ns` (monotonic).
    fn complete(self, sequence: u32, bytes: u32, timestamp_ns: u64) {
        self.as_ref().set_payload(bytes);
        let vb = self.vb.as_ptr();
        // SAFETY: owned (type invariant); the queue's buffers are
        // `vb2_v4l2_buffer`s (`buf_struct_size`, set at registration),
        // whose first field is the `vb2_buffer`.
        unsafe {
            let vbuf = vb.cast::<raw::vb2_v4l2_buffer>();
            (*vbuf).sequence = sequence;
            (*vbuf).field = raw::v4l2_field_V4L2_FIELD_NONE;
            (*vb).timestamp = timestamp_ns;
        }
        self.done(State::Done);
    }
}

impl Drop for Buffer {
    /// A buffer let go of goes back failed: never lost.
    fn drop(&mut self) {
        // SAFETY: owned (type invariant); `done` skips this drop, so this
        // is the one give-back.
        unsafe {
            raw::vb2_buffer_done(self.vb.as_ptr(), raw::vb2_buffer_state_VB2_BUF_STATE_ERROR)
        };
    }
}

/// The buffers of the driver side: queued by userspace in order, and the
/// active one the hardware writes; `capturing` between start and stop.
struct Ring {
    ring: [Option<Buffer>; MAX_BUFFERS as usize],
    head: usize,
    len: usize,
    active: Option<Buffer>,
    capturing: bool,
}

impl Ring {
    const fn new() -> Self {
        Ring {
            ring: [const { None }; MAX_BUFFERS as usize],
            head: 0,
            len: 0,
            active: None,
            capturing: false,
        }
    }

    fn push(&mut self, vb: Buffer) -> core::result::Result<(), Buffer> {
        if self.len >= self.ring.len() {
            return Err(vb);
        }
        let slot = (self.head + self.len) % self.ring.len();
        self.ring[slot] = Some(vb);
        self.len += 1;
        Ok(())
    }

    fn pop(&mut self) -> Option<Buffer> {
        if self.len == 0 {
            return None;
        }
        let vb = self.ring[self.head].take();
        self.head = (self.head + 1) % self.ring.len();
        self.len -= 1;
        vb
    }
}

/// What [`Queue::complete_active`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Completion {
    /// The active buffer went back filled.
    Completed,
    /// Capturing, but no buffer was active: the frame had nowhere to go.
    NoBuffer,
    /// Not capturing (stopped, or stopping): nothing was touched.
    Stopped,
}

/// The vb2 queue of a video device and its driver-side buffers.
///
/// The layer owns every buffer vb2 hands over: `buf_queue` puts it here,
/// the driver moves the queue on with [`Queue::complete_active`] (and
/// [`Queue::rearm_active`]), and the layer gives all of them back when
/// streaming stops or fails to start, before vb2 regains control. A
/// buffer is completed only between start and stop (`capturing`, under
/// the spinlock, cleared by the layer before `stop_streaming` runs) and
/// inside the spinlock, so once the layer drained the ring nothing can
/// reach a buffer any more: no buffer handle outlives `stop_streaming`.
///
/// The count of buffers the driver side holds is published to an atomic
/// at every change under the spinlock, so a reader of it ([`Queue::owned`],
/// the metrics) never takes the lock the interrupt path takes.
///
/// # Invariants
///
/// `vb2` is initialised by [`super::VideoDevice`]'s registration (before
/// that, `vb2_is_busy` reads a zeroed queue: not busy).
#[pin_data]
pub struct Queue {
    #[pin]
    pub(crate) vb2: Opaque<raw::vb2_queue>,
    #[pin]
    bufs: SpinLockIrq<Ring>,
    /// Queued plus active, as of the last change under `bufs`.
    owned: AtomicUsize,
    /// Acquisitions of `bufs` (KUnit: shows which calls take it).
    #[cfg(CONFIG_KUNIT)]
    ring_locks: AtomicUsize,
}

// SAFETY: the vb2 queue is used through vb2 under its lock; the ring is
// behind a spinlock; `Buffer` is `Send`.
unsafe impl Send for Queue {}
// SAFETY: as above.
unsafe impl Sync for Queue {}

impl Queue {
    pub(super) fn new() -> impl PinInit<Self> {
        pin_init!(Queue {
            vb2: Opaque::zeroed(),
            bufs <- kernel::new_spinlock_irq!(Ring::new(), "v4l2_buffers"),
            owned: AtomicUsize::new(0),
            #[cfg(CONFIG_KUNIT)]
            ring_locks: AtomicUsize::new(0),
        })
    }

    /// The driver-side buffers, locked (interrupts off).
    fn ring(&self) -> SpinLockIrqGuard<'_, Ring> {
        #[cfg(CONFIG_KUNIT)]
        self.ring_locks.fetch_add(1, Relaxed);
        self.bufs.lock()
    }

    /// Publishes the count of `b` (called with the lock held, after each
    /// change).
    fn publish(&self, b: &Ring) {
        self.owned
            .store(b.len + usize::from(b.active.is_some()), Relaxed);
    }

    /// Acquisitions of the ring's lock so far (KUnit).
    #[cfg(CONFIG_KUNIT)]
    pub(crate) fn ring_locks(&self) -> usize {
        self.ring_locks.load(Relaxed)
    }

    /// `vb2_is_busy`: buffers are allocated on the queue (REQBUFS or
    /// CREATE_BUFS of any memory type, DMABUF included), so the format
    /// must not change. Exact under the queue lock, which every ioctl
    /// holds.
    pub fn is_busy(&self) -> bool {
        // SAFETY: the queue lives as long as `self`; `is_busy_raw` reads
        // the bitfield through the pointer without making a reference.
        unsafe { raw::vb2_queue::is_busy_raw(self.vb2.get()) != 0 }
    }

    /// Buffers the driver side holds (queued plus active), as of the last
    /// change: read without the spinlock, so a reader (the metrics) never
    /// delays the interrupt path.
    pub fn owned(&self) -> usize {
        self.owned.load(Relaxed)
    }

    /// True between the start and the stop of streaming.
    pub fn is_capturing(&self) -> bool {
        self.ring().capturing
    }

    /// The hardware filled the active buffer: while capturing, gives it
    /// back as frame `sequence` with `bytes` of payload taken at
    /// `timestamp_ns`, and makes the next queued buffer active, giving its
    /// target to `arm` (called with the spinlock held: must not sleep).
    /// Does nothing once streaming stops.
    pub fn complete_active(
        &self,
        sequence: u32,
        bytes: u32,
        timestamp_ns: u64,
        arm: impl FnOnce(DmaTarget),
    ) -> Completion {
        let mut b = self.ring();
        if !b.capturing {
            return Completion::Stopped;
        }
        let done = b.active.take();
        if let Some(next) = b.pop() {
            if let Some(t) = next.target() {
                arm(t);
            }
            b.active = Some(next);
        }
        self.publish(&b);
        match done {
            Some(done) => {
                // Inside the lock: the drain at stop cannot miss it.
                done.complete(sequence, bytes, timestamp_ns);
                Completion::Completed
            }
            None => Completion::NoBuffer,
        }
    }

    /// While capturing, gives the active buffer's target to `arm` again
    /// (the hardware gave up on a frame; called with the spinlock held).
    pub fn rearm_active(&self, arm: impl FnOnce(DmaTarget)) {
        let b = self.ring();
        if b.capturing {
            if let Some(t) = b.active.as_ref().and_then(Buffer::target) {
                arm(t);
            }
        }
    }

    /// A buffer from vb2: active (and armed) when capturing with none
    /// active, else queued.
    fn push<T: QueueOps>(&self, t: &T, vb: Buffer) {
        let mut b = self.ring();
        if b.capturing && b.active.is_none() {
            if let Some(target) = vb.target() {
                t.arm(target);
            }
            b.active = Some(vb);
        } else if let Err(vb) = b.push(vb) {
            // The ring holds MAX_BUFFERS, the queue's limit: cannot
            // happen; give it back rather than lose it.
            vb.done(State::Error);
        }
        self.publish(&b);
    }

    /// Streaming starts: the first queued buffer becomes active.
    pub(super) fn start(&self) -> Option<DmaTarget> {
        let mut b = self.ring();
        b.capturing = true;
        b.active = b.pop();
        self.publish(&b);
        b.active.as_ref().and_then(Buffer::target)
    }

    /// No completion from here on.
    pub(super) fn stop(&self) {
        self.ring().capturing = false;
    }

    /// Gives every buffer back in `state` (capturing is off).
    pub(super) fn drain(&self, state: State) {
        loop {
            let vb = {
                let mut b = self.ring();
                b.capturing = false;
                let vb = match b.active.take() {
                    Some(vb) => Some(vb),
                    None => b.pop(),
                };
                self.publish(&b);
                vb
            };
            let Some(vb) = vb else { break };
            vb.done(state);
        }
    }
}

/// A driver state that holds a [`Queue`] (every [`super::Driver`]): what
/// a simulated bus master keeps to write through [`Queue::bus_write`].
#[cfg(hy300_sim)]
pub trait HasQueue: Send + Sync {
    /// The driver-side buffers.
    fn queue(&self) -> &Queue;
}

/// What [`Queue::bus_write`] did.
#[cfg(hy300_sim)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BusWrite {
    /// The write went into the buffer the hardware was handed.
    Written,
    /// No buffer the layer holds was handed to the hardware at that
    /// address with that many bytes (none active, or already given back):
    /// nothing was written.
    NotHanded,
    /// The buffer's DMA address is not its physical address (an IOMMU or
    /// a DMA offset), or it could not be mapped: nothing was written.
    NotMapped,
}

#[cfg(hy300_sim)]
impl Queue {
    /// A simulated bus master's write (test builds only): runs `write`
    /// over a mapping of the first `len` bytes at DMA address `addr`, but
    /// only while that is the buffer the layer handed to the hardware (the
    /// active one, whose target went to [`QueueOps::arm`] or
    /// [`QueueOps::start_streaming`]) and it holds `len` bytes. The
    /// spinlock is held across the write, so the buffer cannot go back to
    /// vb2 (completion, the drain at stop or a failed start) while it is
    /// written: a write that comes after the give-back is refused
    /// ([`BusWrite::NotHanded`]), never made. `write` runs with the
    /// spinlock held (interrupts off): it must not sleep. The mapping is
    /// made before the spinlock is taken for the write and dropped after
    /// it is released (`memremap` takes the resource tree's lock, which
    /// interrupts may not nest inside the ring's: lockdep's "possible irq
    /// lock inversion" in the fuzz step), and the buffer is checked again
    /// under the lock before anything is written.
    pub fn bus_write(
        &self,
        addr: u64,
        len: usize,
        write: impl FnOnce(&mut crate::hy300::memremap::PhysWriter<'_>),
    ) -> BusWrite {
        let handed = |b: &Ring| {
            b.active
                .as_ref()
                .and_then(Buffer::target)
                .is_some_and(|target| target.addr == addr && len <= target.len as usize)
        };
        {
            let b = self.bufs.lock();
            if !handed(&b) {
                return BusWrite::NotHanded;
            }
            // SAFETY: the queue was registered (a buffer is active only
            // after vb2's start_streaming), so `dev` is its device, live
            // while the queue is; its DMA fields are read, not changed.
            let identity = unsafe {
                let dev = (*self.vb2.get()).dev;
                !dev.is_null() && (*dev).dma_range_map.is_null() && (*dev).iommu_group.is_null()
            };
            if !identity {
                return BusWrite::NotMapped;
            }
        }
        let Some(mut mapping) = crate::hy300::memremap::PhysMapping::map(addr, len) else {
            return BusWrite::NotMapped;
        };
        let b = self.bufs.lock();
        // The buffer may have gone back meanwhile (and even been handed
        // again: then it is the same memory, handed now).
        if !handed(&b) {
            return BusWrite::NotHanded;
        }
        // SAFETY: `addr..addr + len` is plane 0 of the active buffer (its
        // DMA address, checked just above under the lock, and at most its
        // length): a buffer vb2 handed to the driver side and the layer
        // handed to the hardware, which nothing reads or frees until it
        // goes back to vb2, and of which no Rust reference exists (user or
        // vb2 memory). Without an IOMMU or a DMA offset (checked above) the
        // DMA address is the physical one. It cannot go back while the
        // writer lives: every give-back (`complete_active`, `drain`) first
        // takes the buffer out of the ring under the spinlock `b` holds
        // until `write` has returned, the writer's last use.
        let mut writer = unsafe { mapping.writer() };
        write(&mut writer);
        drop(b);
        drop(mapping);
        BusWrite::Written
    }
}

/// The queue of a vb2 queue pointer.
///
/// # Safety
///
/// `q` is the `vb2` field of a live [`Queue`].
unsafe fn queue_of<'a>(q: *mut raw::vb2_queue) -> &'a Queue {
    // SAFETY: per the contract.
    unsafe { &*kernel::container_of!(q.cast::<Opaque<raw::vb2_queue>>(), Queue, vb2) }
}

/// The `vb2_ops` of a [`QueueOps`] implementation, built at compile time.
pub(crate) struct Vb2Table<T>(core::marker::PhantomData<T>);

impl<T: QueueOps> Vb2Table<T> {
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
/// `q` is the queue of a [`Queue`] initialised by the registration of a
/// [`super::VideoDevice`] for a `T`.
unsafe fn state<'a, T: QueueOps>(q: *mut raw::vb2_queue) -> &'a T {
    // SAFETY: per the contract, `drv_priv` is the `T`, alive while its
    // queue is (the queue is the `Device`'s, whose kref the video node
    // holds a reference of).
    unsafe { &*(*q).drv_priv.cast::<T>() }
}

// The callbacks. Each is only put in `Vb2Table<T>::OPS`, the ops of queues
// registered for a `T` (the `vb2` field of a `Queue` inside a
// `VideoDevice<T>`): vb2 calls them with that queue or a live buffer of it
// (with one plane). That is the safety contract of each.

/// The C callback of [`QueueOps::queue_setup`].
///
/// # Safety
///
/// See the contract of the callbacks above.
unsafe extern "C" fn queue_setup<T: QueueOps>(
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
unsafe extern "C" fn buf_init<T: QueueOps>(vb: *mut raw::vb2_buffer) -> c_int {
    // SAFETY: see the contract of the callbacks above.
    let (t, b) = unsafe { (state::<T>((*vb).vb2_queue), BufferRef::from_raw(vb)) };
    to_c(t.buf_init(b))
}

/// The C callback of [`QueueOps::buf_cleanup`].
///
/// # Safety
///
/// See the contract of the callbacks above.
unsafe extern "C" fn buf_cleanup<T: QueueOps>(vb: *mut raw::vb2_buffer) {
    // SAFETY: see the contract of the callbacks above.
    let (t, b) = unsafe { (state::<T>((*vb).vb2_queue), BufferRef::from_raw(vb)) };
    t.buf_cleanup(b);
}

/// The C callback of [`QueueOps::buf_prepare`].
///
/// # Safety
///
/// See the contract of the callbacks above.
unsafe extern "C" fn buf_prepare<T: QueueOps>(vb: *mut raw::vb2_buffer) -> c_int {
    // SAFETY: see the contract of the callbacks above.
    let (t, b) = unsafe { (state::<T>((*vb).vb2_queue), BufferRef::from_raw(vb)) };
    to_c(t.buf_prepare(b))
}

/// The C callback of `buf_queue`: the buffer goes into the [`Queue`].
///
/// # Safety
///
/// See the contract of the callbacks above.
unsafe extern "C" fn buf_queue<T: QueueOps>(vb: *mut raw::vb2_buffer) {
    // SAFETY: see the contract of the callbacks above: vb2 hands the
    // buffer over here, which makes the `Buffer` invariant hold (the
    // queue is dma-contig, see the registration); the queue is the `vb2`
    // field of a `Queue`.
    let (t, q, vb) = unsafe {
        let q = (*vb).vb2_queue;
        (state::<T>(q), queue_of(q), NonNull::new_unchecked(vb))
    };
    q.push(t, Buffer { vb });
}

/// The C callback of [`QueueOps::start_streaming`]: on an error every
/// buffer goes back queued, as vb2 requires.
///
/// # Safety
///
/// See the contract of the callbacks above.
unsafe extern "C" fn start_streaming<T: QueueOps>(q: *mut raw::vb2_queue, _count: c_uint) -> c_int {
    // SAFETY: see the contract of the callbacks above.
    let (t, queue) = unsafe { (state::<T>(q), queue_of(q)) };
    let first = queue.start();
    let r = t.start_streaming(first);
    if r.is_err() {
        queue.drain(State::Queued);
    }
    to_c(r)
}

/// The C callback of [`QueueOps::stop_streaming`]: completions stop
/// before the driver's stop, every buffer goes back failed after it.
///
/// # Safety
///
/// See the contract of the callbacks above.
unsafe extern "C" fn stop_streaming<T: QueueOps>(q: *mut raw::vb2_queue) {
    // SAFETY: see the contract of the callbacks above.
    let (t, queue) = unsafe { (state::<T>(q), queue_of(q)) };
    queue.stop();
    t.stop_streaming();
    queue.drain(State::Error);
}
