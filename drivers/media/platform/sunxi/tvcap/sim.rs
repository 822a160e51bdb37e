// SPDX-License-Identifier: GPL-2.0

//! Test support (built only with `HY300_SIM=y`): a simulated TVTOP block
//! for the QEMU guest, bound through the `hy300,h713-tvcap-sim` node that
//! `tests/sim` creates. The driver programs it through the same registers
//! and sequences (`engine.rs`) as the device, and takes its interrupt
//! through the same `request_irq` path: the node's interrupt is a line of
//! the board module's irq_sim domain (`rust/hy300/irq_sim.rs`), which
//! this block raises; the interrupt core then runs the driver's handler in
//! hard interrupt context. This module never calls the driver.
//!
//! The registers behave as the C original's sequence expects:
//! - CTRL.RESET holds the block in reset (every register at its reset
//!   value, STATUS.READY low) until it is cleared; READY then rises (the
//!   `not_ready` knob holds it low, as a block stuck in reset).
//! - IRQ_STATUS is write-1-to-clear. IRQ_MASK resets to all ones (every
//!   source masked): the line is raised while a source is pending, enabled
//!   in IRQ_EN and unmasked in IRQ_MASK.
//! - HOTPLUG is only reported with HDMI_CTRL.HPD_ENABLE set.
//! - DMA_CTRL.ARMED is consumed by the next frame.
//! - A frame is only captured with a known FORMAT code, a CAPTURE_SIZE the
//!   format supports that is the source's active size (no scaler) and a
//!   DMA_SIZE that holds the frame: otherwise the block refuses it, raises
//!   HW_ERROR and counts it in `refused`.
//!
//! A delayed work item (`kernel::workqueue::DelayedWork`) plays the
//! capture engine, in process context (it maps and fills up to 4 MiB per
//! frame): on a grid of 1/fps seconds while
//! CTRL has ENABLE, CAPTURE and DMA set (every 20 ms otherwise) it writes a
//! frame to the armed DMA address, as a bus master would, and sets
//! FRAME_DONE, or BUFFER_OVERFLOW when nothing is armed; then it raises the
//! interrupt line if a source is pending, enabled and unmasked. The guest
//! has no IOMMU, so a DMA address is a physical address.
//!
//! A frame starts with a header (`HY300TVC`, the engine's frame counter,
//! width, height, fourcc of the FORMAT code, all little endian) and then
//! every 4 KiB block `k` is filled with the byte `(counter + k) mod 256`.
//!
//! Knobs in debugfs (`/sys/kernel/debug/hy300-tvcap-sim/`, [`SimKnobs`],
//! created when the device is bound and removed when it is unbound, so a
//! rebind while a file of the old binding is still open gets its own):
//! `connected`
//! (1/0: HDMI cable; a change raises HOTPLUG and INPUT_CHANGE), `signal`
//! (1/0), `overflow` (drop that many frames as BUFFER_OVERFLOW),
//! `dma_error` (fail that many armed frames with DMA_ERROR), `fps`,
//! `not_ready` (1: READY stays low; initially 1 when the node has
//! `hy300,not-ready`), `vic` (the source's mode as a CTA-861 VIC: 4
//! 1280x720p60 at first, 16 1920x1080p60, 95 3840x2160p30 out of the
//! receiver's range; reported in STATUS.VIC while locked, a change raises
//! FORMAT_CHANGE), `refused` (frames refused so far), `irq_mask` (the
//! IRQ_MASK register), `dma_latency_ms` and `dma_unclocked` (below).
//!
//! `irq_latency` (read only, for scripts/bench): the frames completed
//! since its last read and the p50, p99 and largest time from the tick
//! raising the line with FRAME_DONE pending to the driver's return from
//! completing the buffer in its handler (`vb2_buffer_done`), in ns, of the
//! last 1024 frames (the largest of all); a read starts a new count.
//!
//! A frame in flight: with `dma_latency_ms` > 0 the engine takes the armed
//! buffer at its tick, sets STATUS.DMA_BUSY, and the frame's write lands
//! (with its FRAME_DONE, latched late) `dma_latency_ms` later, at the
//! first tick after that, even when capture was disabled in between (the
//! transfer in flight completes); no new frame starts meanwhile. A write
//! that lands while the DMA clock is gated does not happen and is counted
//! in `dma_unclocked`: a stop that gates the clocks (or gives the buffers
//! back) without waiting for DMA_BUSY to clear shows there.
//!
//! The registration window: with the node's `hy300,slow-irq-enable`
//! (`tvcap_slow_irq_enable=1` of the board), the first write to IRQ_EN
//! that enables input sources and no capture source (the probe's
//! interrupt enable) takes 2 s before it lands, so that a driver that
//! registers its video node before that write lets a STREAMON into the
//! window.
//!
//! The bus master writes through the V4L2 layer
//! ([`crate::v4l2::Queue::bus_write`]): only into the buffer the layer
//! handed to the hardware, and only while the layer still holds it (a
//! write after the buffer went back is refused and counted in
//! `dma_unclocked`, as a write to a gated engine is). The probe attaches
//! the driver's state ([`SimTvtop::attach`]); [`TvtopBackend::shut_down`]
//! lets it go. This module has no unsafe code: the compiler forbids it.

#![forbid(unsafe_code)]

use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering::Relaxed};
use kernel::device::Device;
use kernel::prelude::*;
use kernel::sync::aref::ARef;
use kernel::sync::{Arc, Mutex};
use kernel::time::{msecs_to_jiffies, Instant, Monotonic};
use kernel::workqueue::{self, impl_has_delayed_work, new_delayed_work, DelayedWork, WorkItem};

use crate::format::{by_hw_code, negotiate};
use crate::hw::{TvtopBackend, TvtopIo};
use crate::hy300::debugfs::knob;
use crate::hy300::irq_sim::SimIrqLine;
use crate::hy300::workqueue::{cancel_delayed_sync, flush_delayed};
use crate::power::CaptureClocks;
use crate::regs::{Irq, Reg, CAPTURE_IRQS, CAPTURE_SIZE, CTRL, DMA_CTRL, HDMI_CTRL, STATUS};
use crate::v4l2::{self, BusWrite, DvTimings, HasQueue};
use kernel::debugfs::Scope;
use kernel::num::Bounded;

const HEADER_MAGIC: &[u8; 8] = b"HY300TVC";
const BLOCK: usize = 4096;
const IDLE_PERIOD_MS: u32 = 20;
/// Frames whose interrupt latency `irq_latency` keeps.
const LATENCY_SAMPLES: usize = 1024;
/// The source's mode at first: CTA-861 VIC 4, 1280x720p60 (a 1.8 MB YUYV
/// frame, half of 1080p's, for the guests' time and memory).
const DEFAULT_VIC: u32 = 4;
/// VERSION of the simulated block.
const SIM_VERSION: u32 = 0x5349_0001;
/// IRQ_MASK after a reset: every source masked.
const IRQ_MASK_RESET: u32 = u32::MAX;
/// CTRL bits that make the engine capture.
const CAPTURING: u32 = CTRL::from_raw(0)
    .with_const_enable::<1>()
    .with_const_capture::<1>()
    .with_const_dma::<1>()
    .into_raw();

/// The register file, one atomic per writable register.
struct Registers {
    ctrl: AtomicU32,
    irq_en: AtomicU32,
    irq_status: AtomicU32,
    format: AtomicU32,
    resolution: AtomicU32,
    irq_mask: AtomicU32,
    dma_ctrl: AtomicU32,
    dma_addr: AtomicU32,
    dma_size: AtomicU32,
    capture_size: AtomicU32,
    hdmi_ctrl: AtomicU32,
}

impl Registers {
    const fn new() -> Self {
        Registers {
            ctrl: AtomicU32::new(0),
            irq_en: AtomicU32::new(0),
            irq_status: AtomicU32::new(0),
            format: AtomicU32::new(0),
            resolution: AtomicU32::new(0),
            irq_mask: AtomicU32::new(IRQ_MASK_RESET),
            dma_ctrl: AtomicU32::new(0),
            dma_addr: AtomicU32::new(0),
            dma_size: AtomicU32::new(0),
            capture_size: AtomicU32::new(0),
            hdmi_ctrl: AtomicU32::new(0),
        }
    }

    /// The plainly writable register behind `reg` (None: read-only, or
    /// with its own write behaviour).
    fn plain(&self, reg: Reg) -> Option<&AtomicU32> {
        match reg {
            Reg::IrqEn => Some(&self.irq_en),
            Reg::Format => Some(&self.format),
            Reg::Resolution => Some(&self.resolution),
            Reg::IrqMask => Some(&self.irq_mask),
            Reg::DmaCtrl => Some(&self.dma_ctrl),
            Reg::DmaAddr => Some(&self.dma_addr),
            Reg::DmaSize => Some(&self.dma_size),
            Reg::CaptureSize => Some(&self.capture_size),
            Reg::HdmiCtrl => Some(&self.hdmi_ctrl),
            // CTRL, STATUS, IRQ_STATUS, VERSION; and no register.
            _ => None,
        }
    }

    /// Every register but CTRL to its reset value.
    fn reset(&self) {
        for reg in [
            &self.irq_en,
            &self.irq_status,
            &self.format,
            &self.resolution,
            &self.dma_ctrl,
            &self.dma_addr,
            &self.dma_size,
            &self.capture_size,
            &self.hdmi_ctrl,
        ] {
            reg.store(0, Relaxed);
        }
        self.irq_mask.store(IRQ_MASK_RESET, Relaxed);
    }
}

/// Frame interrupt to completion latencies (`irq_latency` in debugfs).
struct IrqLatency {
    /// When the line was raised with FRAME_DONE pending (ns since the
    /// epoch); 0 once that frame was completed.
    raised_ns: AtomicU64,
    /// Latencies in ns (saturated), a ring of the last frames.
    samples: [AtomicU32; LATENCY_SAMPLES],
    /// Frames completed since the last read.
    count: AtomicU32,
    /// The largest latency since the last read.
    max: AtomicU32,
}

impl IrqLatency {
    const fn new() -> Self {
        IrqLatency {
            raised_ns: AtomicU64::new(0),
            samples: [const { AtomicU32::new(0) }; LATENCY_SAMPLES],
            count: AtomicU32::new(0),
            max: AtomicU32::new(0),
        }
    }

    /// The line goes up with FRAME_DONE pending at `now_ns` (the first
    /// raise of a frame counts; a level re-raise does not).
    fn raised(&self, now_ns: u64) {
        let _ = self
            .raised_ns
            .compare_exchange(0, now_ns.max(1), Relaxed, Relaxed);
    }

    /// The driver completed the frame's buffer at `now_ns`.
    fn completed(&self, now_ns: u64) {
        let raised = self.raised_ns.swap(0, Relaxed);
        if raised == 0 || now_ns < raised {
            return;
        }
        let ns = u32::try_from(now_ns - raised).unwrap_or(u32::MAX);
        let i = self.count.fetch_add(1, Relaxed) as usize % LATENCY_SAMPLES;
        if let Some(slot) = self.samples.get(i) {
            slot.store(ns, Relaxed);
        }
        self.max.fetch_max(ns, Relaxed);
    }
}

/// `irq_latency`: frames, p50, p99 and max (ns) since the last read, then
/// a new count.
fn show_latency(l: &IrqLatency, f: &mut kernel::fmt::Formatter<'_>) -> kernel::fmt::Result {
    let count = l.count.swap(0, Relaxed);
    let max = l.max.swap(0, Relaxed);
    let n = (count as usize).min(LATENCY_SAMPLES);
    let mut v = match KVec::with_capacity(n, GFP_KERNEL) {
        Ok(v) => v,
        Err(_) => return writeln!(f, "frames {count} (no memory for the percentiles)"),
    };
    for s in l.samples.iter().take(n) {
        // Within the capacity: no allocation.
        let _ = v.push(s.load(Relaxed), GFP_KERNEL);
    }
    v.sort_unstable();
    let at = |q: usize| v.get(n.saturating_sub(1) * q / 100).copied().unwrap_or(0);
    writeln!(
        f,
        "frames {count} p50_ns {} p99_ns {} max_ns {max}",
        at(50),
        at(99)
    )
}

/// The simulated block. Its work item, while queued, holds a reference:
/// the block lives until [`TvtopBackend::shut_down`] stopped it.
#[pin_data]
pub(crate) struct SimTvtop {
    #[pin]
    work: DelayedWork<SimTvtop>,
    running: AtomicBool,
    regs: Registers,
    /// The input bits of STATUS as the engine last saw them.
    input: AtomicU32,
    counter: AtomicU32,
    /// When the last frame was due (ns since `epoch`; 0 while not
    /// capturing).
    next_frame_ns: AtomicU64,
    /// The block's creation: the origin of its frame grid.
    epoch: Instant<Monotonic>,
    connected: AtomicU32,
    signal: AtomicU32,
    overflow: AtomicU32,
    dma_error: AtomicU32,
    fps: AtomicU32,
    not_ready: AtomicU32,
    /// The source's mode: a CTA-861 VIC (STATUS.VIC while locked).
    vic: AtomicU32,
    refused: AtomicU32,
    dma_latency_ms: AtomicU32,
    dma_unclocked: AtomicU32,
    /// The frame in flight (`dma_latency_ms`), written when due.
    inflight: InFlight,
    /// Frame interrupt to completion latencies (`irq_latency`).
    latency: IrqLatency,
    /// The DMA clock runs (the driver's capture clocks).
    dma_clock: AtomicBool,
    /// The probe's interrupt enable is still to be slowed down.
    slow_irq_enable: AtomicBool,
    line: SimIrqLine,
    irq: u32,
    clocks: CaptureClocks,
    dev: ARef<Device>,
    /// The driver state whose buffers the engine writes, from
    /// [`SimTvtop::attach`] to [`TvtopBackend::shut_down`].
    #[pin]
    bus: Mutex<Option<ARef<v4l2::Device<crate::Tvcap>>>>,
}

/// A frame the engine took and writes later: set only by the tick.
struct InFlight {
    busy: AtomicBool,
    due_ns: AtomicU64,
    addr: AtomicU32,
    counter: AtomicU32,
    fourcc: AtomicU32,
    width: AtomicU32,
    height: AtomicU32,
    bytes: AtomicU32,
}

/// A frame to write: where, and what.
#[derive(Clone, Copy)]
struct Frame {
    addr: u32,
    counter: u32,
    fourcc: u32,
    width: u32,
    height: u32,
    bytes: u32,
}

impl InFlight {
    const fn new() -> Self {
        InFlight {
            busy: AtomicBool::new(false),
            due_ns: AtomicU64::new(0),
            addr: AtomicU32::new(0),
            counter: AtomicU32::new(0),
            fourcc: AtomicU32::new(0),
            width: AtomicU32::new(0),
            height: AtomicU32::new(0),
            bytes: AtomicU32::new(0),
        }
    }

    fn start(&self, f: Frame, due_ns: u64) {
        self.addr.store(f.addr, Relaxed);
        self.counter.store(f.counter, Relaxed);
        self.fourcc.store(f.fourcc, Relaxed);
        self.width.store(f.width, Relaxed);
        self.height.store(f.height, Relaxed);
        self.bytes.store(f.bytes, Relaxed);
        self.due_ns.store(due_ns, Relaxed);
        self.busy.store(true, Relaxed);
    }

    /// The frame in flight, once due at `now_ns` (it is then no longer in
    /// flight).
    fn take_due(&self, now_ns: u64) -> Option<Frame> {
        if !self.busy.load(Relaxed) || self.due_ns.load(Relaxed) > now_ns {
            return None;
        }
        let f = Frame {
            addr: self.addr.load(Relaxed),
            counter: self.counter.load(Relaxed),
            fourcc: self.fourcc.load(Relaxed),
            width: self.width.load(Relaxed),
            height: self.height.load(Relaxed),
            bytes: self.bytes.load(Relaxed),
        };
        self.busy.store(false, Relaxed);
        Some(f)
    }
}

impl_has_delayed_work! {
    impl HasDelayedWork<Self> for SimTvtop { self.work }
}

impl TvtopIo for SimTvtop {
    fn read(&self, reg: Reg) -> Result<u32> {
        Ok(match reg {
            Reg::Ctrl => self.regs.ctrl.load(Relaxed),
            Reg::Status => self.status().into_raw(),
            Reg::IrqStatus => self.regs.irq_status.load(Relaxed),
            Reg::Version => SIM_VERSION,
            _ => self.regs.plain(reg).map_or(0, |r| r.load(Relaxed)),
        })
    }

    fn write(&self, reg: Reg, value: u32) -> Result {
        let in_reset = CTRL::from(self.regs.ctrl.load(Relaxed)).reset().into_bool();
        match reg {
            Reg::Ctrl => {
                if CTRL::from(value).reset().into_bool() {
                    self.regs.reset();
                }
                // The frame counter restarts with each capture.
                if self.regs.ctrl.swap(value, Relaxed) & CAPTURING != CAPTURING
                    && value & CAPTURING == CAPTURING
                {
                    self.counter.store(0, Relaxed);
                }
            }
            // In reset, only CTRL takes writes.
            _ if in_reset => {}
            Reg::IrqEn
                if value != 0
                    && value & CAPTURE_IRQS == 0
                    && self.slow_irq_enable.swap(false, Relaxed) =>
            {
                // The probe's interrupt enable, slowed down: the
                // registration window (see the module's doc).
                kernel::time::delay::fsleep(kernel::time::Delta::from_millis(2000));
                self.regs.irq_en.store(value, Relaxed);
            }
            Reg::IrqStatus => {
                self.regs.irq_status.fetch_and(!value, Relaxed);
            }
            _ => {
                if let Some(r) = self.regs.plain(reg) {
                    r.store(value, Relaxed);
                }
            }
        }
        Ok(())
    }
}

impl SimTvtop {
    /// The block of `dev`, whose interrupt is irq_sim line `irq`; starts
    /// its engine (nothing is raised before the driver requests the line:
    /// irq_sim drops a raise on a line nobody enabled).
    pub(crate) fn new(dev: &Device, irq: u32, clocks: CaptureClocks) -> Result<Arc<Self>> {
        let not_ready = dev
            .fwnode()
            .is_some_and(|node| node.property_read_bool(c"hy300,not-ready"));
        let slow_irq_enable = dev
            .fwnode()
            .is_some_and(|node| node.property_read_bool(c"hy300,slow-irq-enable"));
        let sim = Arc::pin_init(
            pin_init!(SimTvtop {
                work <- new_delayed_work!("hy300_tvcap_sim"),
                running: AtomicBool::new(true),
                regs: Registers::new(),
                input: AtomicU32::new(0),
                counter: AtomicU32::new(0),
                next_frame_ns: AtomicU64::new(0),
                epoch: Instant::now(),
                connected: AtomicU32::new(1),
                signal: AtomicU32::new(1),
                overflow: AtomicU32::new(0),
                dma_error: AtomicU32::new(0),
                fps: AtomicU32::new(30),
                not_ready: AtomicU32::new(u32::from(not_ready)),
                vic: AtomicU32::new(DEFAULT_VIC),
                refused: AtomicU32::new(0),
                dma_latency_ms: AtomicU32::new(0),
                dma_unclocked: AtomicU32::new(0),
                inflight: InFlight::new(),
                latency: IrqLatency::new(),
                dma_clock: AtomicBool::new(false),
                slow_irq_enable: AtomicBool::new(slow_irq_enable),
                line: SimIrqLine::new(irq),
                irq,
                clocks,
                dev: dev.into(),
                bus <- kernel::new_mutex!(None),
            }),
            GFP_KERNEL,
        )?;
        sim.input.store(sim.input_status().into(), Relaxed);
        sim.schedule(IDLE_PERIOD_MS);
        Ok(sim)
    }

    /// The engine writes frames into the buffers of `state` (the driver
    /// state that holds the block), until [`TvtopBackend::shut_down`].
    pub(crate) fn attach(&self, state: ARef<v4l2::Device<crate::Tvcap>>) {
        *self.bus.lock() = Some(state);
    }

    /// STATUS: the input bits as last seen, READY out of reset (unless held
    /// low), the engine's state.
    fn status(&self) -> STATUS {
        let ctrl = CTRL::from(self.regs.ctrl.load(Relaxed));
        let ready = !ctrl.reset().into_bool() && self.not_ready.load(Relaxed) == 0;
        STATUS::from(self.input.load(Relaxed))
            .with_ready(ready)
            .with_capturing(ctrl.into_raw() & CAPTURING == CAPTURING)
            .with_dma_busy(self.inflight.busy.load(Relaxed))
    }

    fn schedule(self: &Arc<Self>, ms: u32) {
        // Already queued: nothing to do (the reference comes back).
        let _ = workqueue::system_unbound().enqueue_delayed(self.clone(), msecs_to_jiffies(ms));
    }

    /// Milliseconds until the next frame is due. Frames are due on a fixed
    /// grid of 1/fps seconds, so the rate averages to `fps` exactly even
    /// though each delay is rounded up to jiffies.
    fn next_frame_delay_ms(&self) -> u32 {
        const NSEC_PER_SEC: u64 = 1_000_000_000;
        let period = NSEC_PER_SEC / u64::from(self.fps.load(Relaxed).clamp(1, 120));
        let now = u64::try_from(self.epoch.elapsed().as_nanos()).unwrap_or(0);
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
        let vic = if signal {
            self.vic.load(Relaxed) & 0xff
        } else {
            0
        };
        STATUS::zeroed()
            .with_hdmi_connected(connected)
            .with_signal(signal)
            .with_format_locked(signal)
            .with_vic(Bounded::<u32, 8>::from_expr(vic))
    }

    /// One tick: input changes, then (while capturing) one frame, then the
    /// interrupt line. Returns whether the engine is capturing.
    fn run_tick(&self) -> bool {
        let mut raised = 0;
        let ctrl = self.regs.ctrl.load(Relaxed);
        let capturing = ctrl & CAPTURING == CAPTURING && !CTRL::from(ctrl).reset().into_bool();
        let new_input = self.input_status();
        let old = STATUS::from(self.input.swap(new_input.into(), Relaxed));
        let hpd = HDMI_CTRL::from(self.regs.hdmi_ctrl.load(Relaxed))
            .hpd_enable()
            .into_bool();
        if old.hdmi_connected() != new_input.hdmi_connected() {
            raised |= Irq::InputChange.bit();
            if hpd {
                raised |= Irq::Hotplug.bit();
            }
        } else if old.signal() != new_input.signal() {
            raised |= Irq::InputChange.bit();
        } else if old.vic() != new_input.vic() {
            raised |= Irq::FormatChange.bit();
        }
        // A frame in flight lands when due, capturing or not.
        let now_ns = self.now_ns();
        if let Some(frame) = self.inflight.take_due(now_ns) {
            raised |= self.land(frame);
        }
        if capturing && !self.inflight.busy.load(Relaxed) {
            // One frame event per tick; the counter numbers them like the
            // driver's V4L2 sequence (lost frames included).
            let counter = self.counter.fetch_add(1, Relaxed);
            let lost = !new_input.signal().into_bool() || take_one(&self.overflow);
            raised |= if lost {
                Irq::BufferOverflow.bit()
            } else {
                self.write_frame(counter)
            };
        }
        let pending = raised & self.regs.irq_en.load(Relaxed);
        let pending = self.regs.irq_status.fetch_or(pending, Relaxed) | pending;
        // The line: a source pending, enabled and not masked (re-raised
        // every tick while one is, as a level interrupt stays asserted).
        if pending & self.regs.irq_en.load(Relaxed) & !self.regs.irq_mask.load(Relaxed) != 0 {
            if pending & Irq::FrameDone.bit() != 0 {
                self.latency.raised(self.now_ns());
            }
            // Fails only before the driver requested the line.
            let _ = self.line.raise();
        }
        capturing
    }

    /// The frame the block is programmed for: (fourcc, width, height,
    /// bytes); None for an unknown FORMAT code or a CAPTURE_SIZE the
    /// format does not support (zero, odd, out of range) or that is not
    /// the source's active size (the block has no scaler).
    fn programmed_frame(&self) -> Option<(u32, u32, u32, u32)> {
        let pixel = by_hw_code(self.regs.format.load(Relaxed))?;
        let size = CAPTURE_SIZE::from(self.regs.capture_size.load(Relaxed));
        let (width, height) = (size.width().get(), size.height().get());
        let source = DvTimings::cea861_vic(u8::try_from(self.vic.load(Relaxed)).ok()?)?;
        if (source.width(), source.height()) != (width, height) {
            return None;
        }
        let f = negotiate(pixel.fourcc, width, height);
        (f.width == width && f.height == height).then_some((
            pixel.fourcc,
            width,
            height,
            f.sizeimage,
        ))
    }

    /// Writes frame `counter` to the armed buffer: FRAME_DONE; or
    /// BUFFER_OVERFLOW when nothing is armed, DMA_ERROR when the address
    /// is not memory, HW_ERROR (refused) when the block is not programmed
    /// for a frame that fits the buffer.
    fn write_frame(&self, counter: u32) -> u32 {
        let Some((fourcc, width, height, bytes)) = self.programmed_frame() else {
            return self.refuse(counter, "FORMAT or CAPTURE_SIZE (the source's size)");
        };
        if self.regs.dma_size.load(Relaxed) < bytes {
            return self.refuse(counter, "DMA_SIZE");
        }
        // The engine takes the armed buffer: ARMED is consumed.
        let armed = DMA_CTRL::ARMED_MASK;
        if self.regs.dma_ctrl.fetch_and(!armed, Relaxed) & armed == 0 {
            return Irq::BufferOverflow.bit();
        }
        if take_one(&self.dma_error) {
            return Irq::DmaError.bit();
        }
        let frame = Frame {
            addr: self.regs.dma_addr.load(Relaxed),
            counter,
            fourcc,
            width,
            height,
            bytes,
        };
        let latency = self.dma_latency_ms.load(Relaxed);
        if latency != 0 {
            // In flight: DMA_BUSY until it lands (see the module's doc).
            self.inflight
                .start(frame, self.now_ns() + u64::from(latency) * 1_000_000);
            return 0;
        }
        self.land(frame)
    }

    /// Nanoseconds since `epoch`.
    fn now_ns(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_nanos()).unwrap_or(0)
    }

    /// Writes `frame` to its buffer: FRAME_DONE; DMA_ERROR when the
    /// buffer cannot be mapped; nothing (counted in `dma_unclocked`) when
    /// the DMA clock is gated or the buffer went back before the write.
    fn land(&self, frame: Frame) -> u32 {
        if !self.dma_clock.load(Relaxed) {
            self.dma_unclocked.fetch_add(1, Relaxed);
            return 0;
        }
        let Frame {
            addr,
            counter,
            fourcc,
            width,
            height,
            bytes,
        } = frame;
        // A bus master's write, through the layer: only into the buffer
        // it handed to the hardware and still holds.
        let Some(bus) = self.bus.lock().clone() else {
            self.dma_unclocked.fetch_add(1, Relaxed);
            return 0;
        };
        let written = bus.queue().bus_write(addr.into(), bytes as usize, |frame| {
            for k in 0..frame.len().div_ceil(BLOCK) {
                frame.fill(k * BLOCK, BLOCK, (counter as usize).wrapping_add(k) as u8);
            }
            let header = [
                &HEADER_MAGIC[..],
                &counter.to_le_bytes(),
                &width.to_le_bytes(),
                &height.to_le_bytes(),
                &fourcc.to_le_bytes(),
            ];
            let mut at = 0;
            for part in header {
                frame.write(at, part);
                at += part.len();
            }
        });
        match written {
            BusWrite::Written => {}
            // The buffer went back before the write landed: a stop that
            // did not wait for DMA_BUSY to clear.
            BusWrite::NotHanded => {
                self.dma_unclocked.fetch_add(1, Relaxed);
                return 0;
            }
            BusWrite::NotMapped => return Irq::DmaError.bit(),
        }
        Irq::FrameDone.bit()
    }

    /// Refuses frame `counter`: the block is not programmed (`what`).
    fn refuse(&self, counter: u32, what: &str) -> u32 {
        if self.refused.fetch_add(1, Relaxed) == 0 {
            dev_warn!(
                self.dev,
                "simulated block: frame {counter} refused, {what} not programmed for it\n"
            );
        }
        Irq::HwError.bit()
    }
}

/// Counts `knob` down by one; false when it is 0.
fn take_one(knob: &AtomicU32) -> bool {
    knob.fetch_update(Relaxed, Relaxed, |n| n.checked_sub(1))
        .is_ok()
}

/// The frame tick.
impl WorkItem for SimTvtop {
    type Pointer = Arc<SimTvtop>;

    fn run(sim: Arc<Self>) {
        if !sim.running.load(Relaxed) {
            return;
        }
        let delay_ms = if sim.run_tick() {
            sim.next_frame_delay_ms()
        } else {
            sim.next_frame_ns.store(0, Relaxed);
            IDLE_PERIOD_MS
        };
        // A frame in flight lands on time.
        let delay_ms = if sim.inflight.busy.load(Relaxed) {
            let left = sim
                .inflight
                .due_ns
                .load(Relaxed)
                .saturating_sub(sim.now_ns())
                .div_ceil(1_000_000);
            delay_ms.min(u32::try_from(left).unwrap_or(u32::MAX).max(1))
        } else {
            delay_ms
        };
        if sim.running.load(Relaxed) {
            sim.schedule(delay_ms);
        }
    }
}

impl SimTvtop {
    fn synchronize_irq(&self) {
        // With no handler (not yet requested, or freed) this returns at
        // once.
        crate::hy300::irq::synchronize(self.irq);
    }
}

impl TvtopBackend for SimTvtop {
    fn device(&self) -> &Device {
        &self.dev
    }

    fn capture_clocks(&self, on: bool) -> Result {
        if !on {
            self.dma_clock.store(false, Relaxed);
        }
        self.clocks.set(&self.dev, on)?;
        if on {
            self.dma_clock.store(true, Relaxed);
        }
        Ok(())
    }

    /// Waits for a tick that may be writing a frame, then for a handler of
    /// the interrupt it raised.
    fn synchronize(&self) {
        flush_delayed(self);
        self.synchronize_irq();
    }

    fn frame_completed(&self) {
        self.latency.completed(self.now_ns());
    }

    fn shut_down(&self) {
        self.running.store(false, Relaxed);
        // The driver state goes (it holds this block: no cycle is left).
        let state = self.bus.lock().take();
        drop(state);
        // `running` is false, so the tick does not queue itself again; a
        // pending tick's reference is dropped.
        cancel_delayed_sync(self);
        self.synchronize_irq();
    }
}

/// The simulation's knobs in debugfs, for as long as the device is bound
/// (`None` if they could not be created: debugfs is optional). The scope
/// holds a reference to the block, so the files go before the state they
/// point at.
pub(crate) struct SimKnobs {
    _knobs: Option<Pin<KBox<Scope<Arc<SimTvtop>>>>>,
}

impl SimKnobs {
    /// Publishes the knobs of `sim`.
    pub(crate) fn publish(sim: Arc<SimTvtop>) -> Self {
        let scope = Scope::dir(sim, c"hy300-tvcap-sim", |sim, dir| {
            knob(dir, c"connected", &sim.connected);
            knob(dir, c"signal", &sim.signal);
            knob(dir, c"overflow", &sim.overflow);
            knob(dir, c"dma_error", &sim.dma_error);
            knob(dir, c"fps", &sim.fps);
            knob(dir, c"not_ready", &sim.not_ready);
            knob(dir, c"vic", &sim.vic);
            knob(dir, c"refused", &sim.refused);
            knob(dir, c"irq_mask", &sim.regs.irq_mask);
            knob(dir, c"dma_latency_ms", &sim.dma_latency_ms);
            knob(dir, c"dma_unclocked", &sim.dma_unclocked);
            dir.read_callback_file(c"irq_latency", &sim.latency, &show_latency);
        });
        SimKnobs {
            _knobs: KBox::pin_init(scope, GFP_KERNEL).ok(),
        }
    }
}
