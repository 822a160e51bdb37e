// SPDX-License-Identifier: GPL-2.0

//! Test support (built only with `HY300_SIM=y`): a simulated TVTOP block
//! for the QEMU guest, bound through the `hy300,h713-tvcap-sim` node that
//! `tests/sim` creates. The driver programs it through the same registers
//! and sequences (`engine.rs`) as the device.
//!
//! The registers behave like the hardware's: CTRL.RESET clears the block,
//! IRQ_STATUS is write-1-to-clear, DMA_CTRL.ARMED is consumed by the next
//! frame. A delayed work item plays the capture engine (process context,
//! not an hrtimer: it maps and fills up to 4 MiB per frame): on a grid of
//! 1/fps seconds while CTRL has ENABLE, CAPTURE and DMA set (every 20 ms
//! otherwise) it writes a frame to the armed DMA address, as a bus master
//! would, and raises FRAME_DONE, or raises BUFFER_OVERFLOW when nothing is
//! armed; it then "asserts the interrupt" by calling the interrupt sink the
//! driver attached (its handler; this module does not know the driver's
//! type). The guest has no IOMMU, so a DMA address is a physical address.
//!
//! A frame starts with a header (`HY300TVC`, the engine's frame counter,
//! width, height, fourcc, all little endian) and then every 4 KiB block `k`
//! is filled with the byte `(counter + k) mod 256`.
//!
//! Knobs in debugfs (`/sys/kernel/debug/hy300-tvcap-sim/`): `connected`
//! (1/0: HDMI cable; a change raises HOTPLUG and INPUT_CHANGE), `signal`
//! (1/0), `overflow` (drop that many frames as BUFFER_OVERFLOW),
//! `dma_error` (fail that many armed frames with DMA_ERROR), `fps`.

use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering::Relaxed};
use kernel::bindings;
use kernel::prelude::*;
use kernel::sync::{Arc, SpinLock};
use kernel::types::Opaque;

use crate::format::FORMATS;
use crate::hw::{InterruptSink, TvtopBackend, TvtopIo};
use crate::hy300::debugfs::Knobs;
use crate::regs::{Irq, Reg, CTRL, DMA_CTRL, RESOLUTION, STATUS};

// tvcap_glue.c (INIT_DELAYED_WORK is a macro), declared in the generated
// bindings; their `delayed_work`/`work_struct` are not `kernel::bindings`'
// types, so pointers are cast where they meet.
use crate::hy300_bindings::{self as raw, hy300_tvcap_init_delayed_work};

const HEADER_MAGIC: &[u8; 8] = b"HY300TVC";
const BLOCK: usize = 4096;
const IDLE_PERIOD_MS: u32 = 20;
/// VERSION of the simulated block.
const SIM_VERSION: u32 = 0x5349_0001;
/// CTRL bits that make the engine capture.
const CAPTURING: u32 = CTRL::from_raw(0)
    .with_const_enable::<1>()
    .with_const_capture::<1>()
    .with_const_dma::<1>()
    .into_raw();

/// The register file, one atomic per register the driver uses.
struct Registers {
    ctrl: AtomicU32,
    status: AtomicU32,
    irq_en: AtomicU32,
    irq_status: AtomicU32,
    format: AtomicU32,
    resolution: AtomicU32,
    dma_ctrl: AtomicU32,
    dma_addr: AtomicU32,
    dma_size: AtomicU32,
}

impl Registers {
    const fn new() -> Self {
        Registers {
            ctrl: AtomicU32::new(0),
            status: AtomicU32::new(0),
            irq_en: AtomicU32::new(0),
            irq_status: AtomicU32::new(0),
            format: AtomicU32::new(0),
            resolution: AtomicU32::new(0),
            dma_ctrl: AtomicU32::new(0),
            dma_addr: AtomicU32::new(0),
            dma_size: AtomicU32::new(0),
        }
    }

    /// The writable register behind `reg` (None: read-only).
    fn writable(&self, reg: Reg) -> Option<&AtomicU32> {
        match reg {
            Reg::Ctrl => Some(&self.ctrl),
            Reg::IrqEn => Some(&self.irq_en),
            Reg::Format => Some(&self.format),
            Reg::Resolution => Some(&self.resolution),
            Reg::DmaCtrl => Some(&self.dma_ctrl),
            Reg::DmaAddr => Some(&self.dma_addr),
            Reg::DmaSize => Some(&self.dma_size),
            Reg::Status | Reg::IrqStatus | Reg::Version => None,
        }
    }

    fn reset(&self) {
        for reg in [
            &self.ctrl,
            &self.irq_en,
            &self.irq_status,
            &self.format,
            &self.resolution,
            &self.dma_ctrl,
            &self.dma_addr,
            &self.dma_size,
        ] {
            reg.store(0, Relaxed);
        }
    }
}

/// The simulated block.
#[pin_data(PinnedDrop)]
pub(crate) struct SimTvtop {
    #[pin]
    work: Opaque<bindings::delayed_work>,
    /// The driver's handler, from `attach` until `shut_down`.
    #[pin]
    sink: SpinLock<Option<Arc<dyn InterruptSink>>>,
    running: AtomicBool,
    regs: Registers,
    counter: AtomicU32,
    /// When the last frame was due (ktime ns; 0 while not capturing).
    next_frame_ns: AtomicU64,
    connected: AtomicU32,
    signal: AtomicU32,
    overflow: AtomicU32,
    dma_error: AtomicU32,
    fps: AtomicU32,
    knobs: Knobs,
}

// SAFETY: all state is atomic or locked; the work item is managed by the
// workqueue.
unsafe impl Send for SimTvtop {}
// SAFETY: as above.
unsafe impl Sync for SimTvtop {}

impl TvtopIo for SimTvtop {
    fn read(&self, reg: Reg) -> Result<u32> {
        Ok(match reg {
            Reg::Status => self.regs.status.load(Relaxed),
            Reg::IrqStatus => self.regs.irq_status.load(Relaxed),
            Reg::Version => SIM_VERSION,
            _ => self.regs.writable(reg).map_or(0, |r| r.load(Relaxed)),
        })
    }

    fn write(&self, reg: Reg, value: u32) -> Result {
        match reg {
            Reg::Ctrl if CTRL::from(value).reset().into_bool() => self.regs.reset(),
            Reg::Ctrl => {
                // The frame counter restarts with each capture.
                if self.regs.ctrl.swap(value, Relaxed) & CAPTURING != CAPTURING
                    && value & CAPTURING == CAPTURING
                {
                    self.counter.store(0, Relaxed);
                }
            }
            Reg::IrqStatus => {
                self.regs.irq_status.fetch_and(!value, Relaxed);
            }
            _ => {
                if let Some(r) = self.regs.writable(reg) {
                    r.store(value, Relaxed);
                }
            }
        }
        Ok(())
    }
}

impl SimTvtop {
    pub(crate) fn new() -> Result<Arc<Self>> {
        let sim = Arc::pin_init(
            pin_init!(SimTvtop {
                work <- Opaque::ffi_init(|slot: *mut bindings::delayed_work| {
                    // SAFETY: `slot` is valid for writes and pinned.
                    unsafe { hy300_tvcap_init_delayed_work(slot.cast(), Some(tick)) }
                }),
                sink <- kernel::new_spinlock!(None, "tvcap_sim_sink"),
                running: AtomicBool::new(false),
                regs: Registers::new(),
                counter: AtomicU32::new(0),
                next_frame_ns: AtomicU64::new(0),
                connected: AtomicU32::new(1),
                signal: AtomicU32::new(1),
                overflow: AtomicU32::new(0),
                dma_error: AtomicU32::new(0),
                fps: AtomicU32::new(30),
                knobs: Knobs::new(),
            }),
            GFP_KERNEL,
        )?;
        sim.regs.status.store(sim.input_status().into(), Relaxed);
        let knobs = [
            (c"connected", &sim.connected),
            (c"signal", &sim.signal),
            (c"overflow", &sim.overflow),
            (c"dma_error", &sim.dma_error),
            (c"fps", &sim.fps),
        ];
        // SAFETY: the knobs are fields of `sim`, as is `knobs`, whose drop
        // removes the files.
        unsafe { sim.knobs.publish(c"hy300-tvcap-sim", &knobs) };
        Ok(sim)
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

    /// Milliseconds until the next frame is due. Frames are due on a fixed
    /// grid of 1/fps seconds, so the rate averages to `fps` exactly even
    /// though each delay is rounded up to jiffies.
    fn next_frame_delay_ms(&self) -> u32 {
        const NSEC_PER_SEC: u64 = 1_000_000_000;
        let period = NSEC_PER_SEC / u64::from(self.fps.load(Relaxed).clamp(1, 120));
        // SAFETY: `ktime_get` has no preconditions.
        let now = u64::try_from(unsafe { bindings::ktime_get() }).unwrap_or(0);
        let mut due = self.next_frame_ns.load(Relaxed).saturating_add(period);
        // First frame, or more than a frame behind: restart the grid
        // rather than deliver a burst.
        if due.saturating_add(period) < now || due > now.saturating_add(period) {
            due = now + period;
        }
        self.next_frame_ns.store(due, Relaxed);
        u32::try_from(due.saturating_sub(now).div_ceil(1_000_000)).unwrap_or(u32::MAX)
    }

    /// STATUS input bits from the knobs.
    fn input_status(&self) -> STATUS {
        let connected = self.connected.load(Relaxed) != 0;
        let signal = connected && self.signal.load(Relaxed) != 0;
        STATUS::zeroed()
            .with_ready(true)
            .with_hdmi_connected(connected)
            .with_signal(signal)
            .with_format_locked(signal)
    }

    /// One tick: input changes, then (while capturing) one frame. Returns
    /// whether the engine is capturing.
    fn run_tick(&self, sink: &dyn InterruptSink) -> bool {
        let mut raised = 0;
        let capturing = self.regs.ctrl.load(Relaxed) & CAPTURING == CAPTURING;
        let new_status = self.input_status().with_capturing(capturing);
        let old = STATUS::from(self.regs.status.swap(new_status.into(), Relaxed));
        if old.hdmi_connected() != new_status.hdmi_connected() {
            raised |= Irq::Hotplug.bit() | Irq::InputChange.bit();
        } else if old.signal() != new_status.signal() {
            raised |= Irq::InputChange.bit();
        }
        if capturing {
            // One frame event per tick; the counter numbers them like the
            // driver's V4L2 sequence (lost frames included).
            let counter = self.counter.fetch_add(1, Relaxed);
            let lost = !new_status.signal().into_bool() || take_one(&self.overflow);
            raised |= if lost {
                Irq::BufferOverflow.bit()
            } else {
                self.write_frame(counter)
            };
        }
        let pending = raised & self.regs.irq_en.load(Relaxed);
        if pending != 0 {
            self.regs.irq_status.fetch_or(pending, Relaxed);
            sink.interrupt();
        }
        capturing
    }

    /// Writes frame `counter` to the armed buffer: FRAME_DONE, or
    /// BUFFER_OVERFLOW when nothing is armed, DMA_ERROR when the address
    /// is not memory.
    fn write_frame(&self, counter: u32) -> u32 {
        // The engine takes the armed buffer: ARMED is consumed.
        let armed = DMA_CTRL::ARMED_MASK;
        if self.regs.dma_ctrl.fetch_and(!armed, Relaxed) & armed == 0 {
            return Irq::BufferOverflow.bit();
        }
        if take_one(&self.dma_error) {
            return Irq::DmaError.bit();
        }
        let addr = self.regs.dma_addr.load(Relaxed);
        let len = self.regs.dma_size.load(Relaxed) as usize;
        // SAFETY: mapping a physical range has no preconditions; RAM comes
        // back as its direct-map address.
        let base = unsafe {
            bindings::memremap(
                addr.into(),
                len,
                bindings::MEMREMAP_WB as kernel::ffi::c_ulong,
            )
        };
        if base.is_null() || len == 0 {
            return Irq::DmaError.bit();
        }
        // SAFETY: the driver armed a buffer of `len` bytes at `addr` that it
        // owns until it handled the FRAME_DONE raised after this write.
        let frame = unsafe { core::slice::from_raw_parts_mut(base.cast::<u8>(), len) };
        for (k, block) in frame.chunks_mut(BLOCK).enumerate() {
            block.fill((counter as usize).wrapping_add(k) as u8);
        }
        let resolution = RESOLUTION::from(self.regs.resolution.load(Relaxed));
        let code = self.regs.format.load(Relaxed);
        let fourcc = FORMATS
            .iter()
            .find(|f| f.hw_code == code)
            .map_or(0, |f| f.fourcc);
        let header = [
            &HEADER_MAGIC[..],
            &counter.to_le_bytes(),
            &resolution.width().get().to_le_bytes(),
            &resolution.height().get().to_le_bytes(),
            &fourcc.to_le_bytes(),
        ];
        let mut at = 0;
        for part in header {
            if let Some(dst) = frame.get_mut(at..at + part.len()) {
                dst.copy_from_slice(part);
            }
            at += part.len();
        }
        // SAFETY: mapped above, not used after.
        unsafe { bindings::memunmap(base) };
        Irq::FrameDone.bit()
    }
}

/// Counts `knob` down by one; false when it is 0.
fn take_one(knob: &AtomicU32) -> bool {
    knob.fetch_update(Relaxed, Relaxed, |n| n.checked_sub(1))
        .is_ok()
}

/// The frame tick.
///
/// # Safety
///
/// Called by the workqueue only, for the work item of a live `SimTvtop`.
unsafe extern "C" fn tick(work: *mut raw::work_struct) {
    let work = work.cast::<bindings::work_struct>();
    // SAFETY: `work` is the `work` member of the `delayed_work` inside a
    // pinned `SimTvtop` (the only user of this callback).
    let sim = unsafe {
        let dwork = kernel::container_of!(work, bindings::delayed_work, work);
        &*kernel::container_of!(
            dwork.cast::<Opaque<bindings::delayed_work>>(),
            SimTvtop,
            work
        )
    };
    if !sim.running.load(Relaxed) {
        return;
    }
    // A reference of our own, so the handler runs without the lock held;
    // `shut_down` waits for this tick before it drops the attached one, so
    // this is never the last.
    let sink = sim.sink.lock().clone();
    let capturing = sink.is_some_and(|sink| sim.run_tick(&*sink));
    let delay_ms = if capturing {
        sim.next_frame_delay_ms()
    } else {
        sim.next_frame_ns.store(0, Relaxed);
        IDLE_PERIOD_MS
    };
    if sim.running.load(Relaxed) {
        sim.schedule(delay_ms);
    }
}

impl TvtopBackend for SimTvtop {
    /// Starts the engine; its interrupts go to `sink`.
    fn attach(&self, sink: Arc<dyn InterruptSink>) {
        *self.sink.lock() = Some(sink);
        self.running.store(true, Relaxed);
        self.schedule(IDLE_PERIOD_MS);
    }

    /// Waits for a tick that may be writing a frame or in the handler.
    fn synchronize(&self) {
        // SAFETY: the work item is initialised.
        unsafe { bindings::flush_delayed_work(self.work.get()) };
    }

    fn shut_down(&self) {
        self.running.store(false, Relaxed);
        // SAFETY: the work item is initialised; `running` is false, so it
        // does not queue itself again.
        unsafe { bindings::cancel_delayed_work_sync(self.work.get()) };
        // No tick runs any more: the driver may go once its sink is dropped
        // (outside the lock).
        let sink = self.sink.lock().take();
        drop(sink);
    }
}

#[pinned_drop]
impl PinnedDrop for SimTvtop {
    fn drop(self: Pin<&mut Self>) {
        self.shut_down();
    }
}
