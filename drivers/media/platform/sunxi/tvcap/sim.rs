// SPDX-License-Identifier: GPL-2.0

//! Test support (built only with `HY300_SIM=y`): a simulated capture engine
//! for the QEMU guest, bound through the `hy300,h713-tvcap-sim` node that
//! `tests/sim` creates.
//!
//! A delayed work item ticks every frame period while streaming (every
//! 20 ms otherwise). Each streaming tick "DMAs" a frame into the programmed
//! buffer and raises FRAME_DONE, or raises BUFFER_OVERFLOW when no buffer
//! is programmed. A frame starts with a header (`HY300TVC`, the engine's
//! frame counter, width, height, fourcc, all little endian) and then every
//! 4 KiB block `k` is filled with the byte `(counter + k) mod 256`.
//!
//! Knobs in debugfs (`/sys/kernel/debug/hy300-tvcap-sim/`): `connected`
//! (1/0: HDMI cable; a change raises HOTPLUG and INPUT_CHANGE), `signal`
//! (1/0), `overflow` (drop that many frames as BUFFER_OVERFLOW), `fps`.

use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, AtomicUsize, Ordering::Relaxed};
use kernel::bindings;
use kernel::prelude::*;
use kernel::types::Opaque;

use crate::format::Format;
use crate::hy300::debugfs::Knobs;
use crate::regs::{status, Irq};
use crate::v4l2::{self, raw};
use crate::Tvcap;

unsafe extern "C" {
    // tvcap_glue.c: INIT_DELAYED_WORK is a macro.
    fn hy300_tvcap_init_delayed_work(
        work: *mut bindings::delayed_work,
        func: Option<unsafe extern "C" fn(*mut bindings::work_struct)>,
    );
}

const HEADER_MAGIC: &[u8; 8] = b"HY300TVC";
const BLOCK: usize = 4096;
const IDLE_PERIOD_MS: u32 = 20;

/// The simulated engine.
#[pin_data(PinnedDrop)]
pub(crate) struct SimSource {
    #[pin]
    work: Opaque<bindings::delayed_work>,
    owner: AtomicPtr<Tvcap>,
    running: AtomicBool,
    streaming: AtomicBool,
    /// Programmed buffer: kernel address and size of its plane.
    target: AtomicPtr<u8>,
    target_len: AtomicUsize,
    frame: (AtomicU32, AtomicU32, AtomicU32),
    counter: AtomicU32,
    status: AtomicU32,
    connected: AtomicU32,
    signal: AtomicU32,
    overflow: AtomicU32,
    fps: AtomicU32,
    knobs: Knobs,
}

// SAFETY: all state is atomic; the work item is managed by the workqueue.
unsafe impl Send for SimSource {}
// SAFETY: as above.
unsafe impl Sync for SimSource {}

impl SimSource {
    pub(crate) fn new() -> Result<Pin<KBox<Self>>> {
        let sim = KBox::pin_init(
            pin_init!(SimSource {
                work <- Opaque::ffi_init(|slot: *mut bindings::delayed_work| {
                    // SAFETY: `slot` is valid for writes and pinned.
                    unsafe { hy300_tvcap_init_delayed_work(slot, Some(tick)) }
                }),
                owner: AtomicPtr::new(core::ptr::null_mut()),
                running: AtomicBool::new(false),
                streaming: AtomicBool::new(false),
                target: AtomicPtr::new(core::ptr::null_mut()),
                target_len: AtomicUsize::new(0),
                frame: (AtomicU32::new(0), AtomicU32::new(0), AtomicU32::new(0)),
                counter: AtomicU32::new(0),
                status: AtomicU32::new(status::HDMI_CONNECTED | status::SIGNAL | status::FORMAT_LOCKED),
                connected: AtomicU32::new(1),
                signal: AtomicU32::new(1),
                overflow: AtomicU32::new(0),
                fps: AtomicU32::new(30),
                knobs: Knobs::new(),
            }),
            GFP_KERNEL,
        )?;
        let knobs = [
            (c"connected", &sim.connected),
            (c"signal", &sim.signal),
            (c"overflow", &sim.overflow),
            (c"fps", &sim.fps),
        ];
        // SAFETY: the knobs are fields of `sim`, as is `knobs`, whose drop
        // removes the files.
        unsafe { sim.knobs.publish(c"hy300-tvcap-sim", &knobs) };
        Ok(sim)
    }

    /// Starts ticking on behalf of `owner`.
    ///
    /// # Safety
    ///
    /// `owner` stays valid until [`SimSource::shut_down`] returned.
    pub(crate) unsafe fn run_for(&self, owner: *const Tvcap) {
        self.owner.store(owner.cast_mut(), Relaxed);
        self.running.store(true, Relaxed);
        self.schedule(IDLE_PERIOD_MS);
    }

    fn schedule(&self, ms: u32) {
        // SAFETY: the work item is initialised; the unbound workqueue lives
        // forever; `msecs_to_jiffies` has no preconditions.
        unsafe {
            let delay = bindings::__msecs_to_jiffies(ms);
            bindings::queue_delayed_work_on(
                bindings::wq_misc_consts_WORK_CPU_UNBOUND as i32,
                bindings::system_unbound_wq,
                self.work.get(),
                delay,
            );
        }
    }

    /// # Safety
    ///
    /// `vb` is owned by the driver until its frame is done.
    pub(crate) unsafe fn program_dma(&self, vb: *mut raw::vb2_buffer) {
        // SAFETY: per the contract `vb` is live; plane 0 exists.
        let (vaddr, len) = unsafe { (raw::vb2_plane_vaddr(vb, 0), v4l2::plane_size(vb)) };
        self.target_len.store(len as usize, Relaxed);
        self.target.store(vaddr.cast(), Relaxed);
    }

    pub(crate) fn start(&self, format: &Format) -> Result {
        if self.connected.load(Relaxed) == 0 || self.signal.load(Relaxed) == 0 {
            return Err(ENOLINK);
        }
        self.frame.0.store(format.width, Relaxed);
        self.frame.1.store(format.height, Relaxed);
        self.frame.2.store(format.pixel.fourcc, Relaxed);
        self.counter.store(0, Relaxed);
        self.streaming.store(true, Relaxed);
        Ok(())
    }

    pub(crate) fn stop(&self) {
        self.streaming.store(false, Relaxed);
        // Wait for a tick that may be filling or completing a buffer.
        // SAFETY: the work item is initialised.
        unsafe { bindings::flush_delayed_work(self.work.get()) };
        self.target.store(core::ptr::null_mut(), Relaxed);
    }

    pub(crate) fn status(&self) -> u32 {
        self.status.load(Relaxed)
    }

    pub(crate) fn shut_down(&self) {
        self.running.store(false, Relaxed);
        self.streaming.store(false, Relaxed);
        // SAFETY: the work item is initialised; `running` is false, so it
        // does not queue itself again.
        unsafe { bindings::cancel_delayed_work_sync(self.work.get()) };
    }

    /// One tick: input changes, then (while streaming) one frame.
    fn run_tick(&self, owner: &Tvcap) {
        let mut irq = 0;
        let connected = self.connected.load(Relaxed) != 0;
        let signal = connected && self.signal.load(Relaxed) != 0;
        let mut new_status = 0;
        if connected {
            new_status |= status::HDMI_CONNECTED;
        }
        if signal {
            new_status |= status::SIGNAL | status::FORMAT_LOCKED;
        }
        let old = self.status.swap(new_status, Relaxed);
        if (old ^ new_status) & status::HDMI_CONNECTED != 0 {
            irq |= Irq::Hotplug.bit() | Irq::InputChange.bit();
        } else if (old ^ new_status) & status::SIGNAL != 0 {
            irq |= Irq::InputChange.bit();
        }
        if self.streaming.load(Relaxed) {
            // One frame event per tick; the counter numbers them like the
            // driver's V4L2 sequence (lost frames included).
            let counter = self.counter.fetch_add(1, Relaxed);
            let lost = !signal
                || self
                    .overflow
                    .fetch_update(Relaxed, Relaxed, |n| n.checked_sub(1))
                    .is_ok();
            if !lost && self.fill_frame(counter) {
                irq |= Irq::FrameDone.bit();
            } else {
                irq |= Irq::BufferOverflow.bit();
            }
        }
        if irq != 0 {
            owner.handle_irq(irq);
        }
    }

    /// Writes the next frame into the programmed buffer, if any.
    fn fill_frame(&self, counter: u32) -> bool {
        let target = self.target.swap(core::ptr::null_mut(), Relaxed);
        if target.is_null() {
            return false;
        }
        let len = self.target_len.load(Relaxed);
        // SAFETY: `target` is the plane of a buffer the driver owns until the
        // FRAME_DONE raised below is handled; it holds `len` bytes.
        let frame = unsafe { core::slice::from_raw_parts_mut(target, len) };
        for (k, block) in frame.chunks_mut(BLOCK).enumerate() {
            block.fill((counter as usize).wrapping_add(k) as u8);
        }
        let header = [
            &HEADER_MAGIC[..],
            &counter.to_le_bytes(),
            &self.frame.0.load(Relaxed).to_le_bytes(),
            &self.frame.1.load(Relaxed).to_le_bytes(),
            &self.frame.2.load(Relaxed).to_le_bytes(),
        ];
        let mut at = 0;
        for part in header {
            if let Some(dst) = frame.get_mut(at..at + part.len()) {
                dst.copy_from_slice(part);
            }
            at += part.len();
        }
        true
    }
}

/// The frame tick.
///
/// # Safety
///
/// Called by the workqueue only, for the work item of a live `SimSource`.
unsafe extern "C" fn tick(work: *mut bindings::work_struct) {
    // SAFETY: `work` is the `work` member of the `delayed_work` inside a
    // pinned `SimSource` (the only user of this callback).
    let sim = unsafe {
        let dwork = kernel::container_of!(work, bindings::delayed_work, work);
        &*kernel::container_of!(
            dwork.cast::<Opaque<bindings::delayed_work>>(),
            SimSource,
            work
        )
    };
    if !sim.running.load(Relaxed) {
        return;
    }
    let owner = sim.owner.load(Relaxed);
    if !owner.is_null() {
        // SAFETY: `owner` is valid while `running` (contract of `run_for`).
        sim.run_tick(unsafe { &*owner });
    }
    let period = if sim.streaming.load(Relaxed) {
        1000 / sim.fps.load(Relaxed).clamp(1, 120)
    } else {
        IDLE_PERIOD_MS
    };
    if sim.running.load(Relaxed) {
        sim.schedule(period);
    }
}

#[pinned_drop]
impl PinnedDrop for SimSource {
    fn drop(self: Pin<&mut Self>) {
        self.shut_down();
    }
}
