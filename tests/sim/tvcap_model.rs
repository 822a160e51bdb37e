// SPDX-License-Identifier: GPL-2.0

//! Test support: the TVTOP capture block behind sunxi-tvcap's device
//! backend (`drivers/media/platform/sunxi/tvcap/mmio.rs`) in the QEMU
//! guest, and the reset controller its node takes its reset line from.
//!
//! The register block is a page of the RAM above the kernel's `mem=`
//! limit (scripts/vm), after the co-processor's ([`REGS_OFFSET`]); the
//! board gives it to the node `allwinner,sun50i-h713-tvcap` as its `reg`
//! and the driver maps it through `IoMem` as on the device (0x05700000 on
//! the H713). Memory is not a register file: a write lands as written and
//! a read returns the last value written, whoever wrote it. This model
//! maps the same page (`ioremap`) and plays the block from a kernel
//! thread that polls it every millisecond, as the C original's
//! `TVTOP_*` definitions and sequence describe it (the register map is
//! the driver's `regs.rs`, Documentation/hy300/tvcap.rst):
//!
//! - STATUS is the model's: written by every poll from the input knobs
//!   (HDMI_CONNECTED, SIGNAL, FORMAT_LOCKED, the VIC at 15:8, which is
//!   not known H713 hardware: see tvcap.rst), READY (while CTRL.RESET is
//!   clear), CAPTURING (CTRL has ENABLE, CAPTURE and DMA) and DMA_BUSY
//!   (while the model writes a frame). The driver's 10 us reset pulse
//!   falls between two polls: the model never sees it, and READY reads
//!   set at once.
//! - IRQ_STATUS is write-1-to-clear on the block; in memory a write
//!   replaces the value. While a source is latched the model keeps bit 31,
//!   which no source uses and the driver never writes, set in the
//!   register (0 when nothing is latched), so any value without it is a
//!   write of the driver's: the model clears the bits written from its
//!   latch and puts the rest back. A source is latched when it is enabled
//!   in IRQ_EN; the interrupt (the board's irq_sim line, as the -sim
//!   node's) is raised when a latched source is unmasked in IRQ_MASK (reset
//!   value: all masked), and not again until the driver wrote IRQ_STATUS:
//!   new sources wait in the model meanwhile, so the handler never takes a
//!   source twice. Two writes of the driver between two polls read as the
//!   last one; a write that lands between the model's read of the
//!   register and its write back is lost. Neither happens in the driver's
//!   sequences at the model's rate (a write per interrupt, and the start
//!   and stop sequences' one write each), which the guest test checks by
//!   counting every frame.
//! - HOTPLUG (with HDMI_CTRL.HPD_ENABLE) and INPUT_CHANGE when `connected`
//!   changes, INPUT_CHANGE when `signal` changes, FORMAT_CHANGE when `vic`
//!   changes.
//! - While capturing, a frame every 1/`fps` s: with no signal, or
//!   DMA_CTRL.ARMED clear, or while the `overflow` knob counts down,
//!   BUFFER_OVERFLOW; a buffer taken while the `dma_error` knob counts
//!   down, DMA_ERROR (no frame written); with a FORMAT code, a
//!   CAPTURE_SIZE that is not the source's active size or a DMA_SIZE that
//!   does not hold the frame, HW_ERROR (counted in `refused`); with the
//!   capture or the DMA clock (`mod`, `ram`) off, no frame at all (the
//!   engine does not run; counted in `unclocked`); else the
//!   model takes the buffer (clears ARMED), writes the frame to DMA_ADDR
//!   as a bus master would (the guest has no IOMMU: a DMA address is a
//!   physical address of RAM, mapped here with `memremap`) and latches
//!   FRAME_DONE. DMA_BUSY is set before CTRL is read again for the frame,
//!   so a stop that cleared CAPTURE first sees no frame, and one that
//!   cleared it after waits for DMA_BUSY to clear before its buffers go
//!   back. The frame is the -sim block's: a header (`HY300TVC`, the
//!   frame counter since CAPTURE was set, width, height, fourcc, little
//!   endian), then every 4 KiB block `k` filled with `(counter + k) mod
//!   256` (what `tests/vm/progs/capture.c` checks).
//!
//! The reset controller ([`ResetModel`]): one line, the node's `resets`;
//! the reset core calls it when the driver deasserts and asserts the
//! line. It counts both, keeps the line's state, and counts the
//! transitions made while the block's bus clock was off (the driver
//! enables the clock, then deasserts; asserts, then disables).
//!
//! In debugfs (`/sys/kernel/debug/hy300-tvcap-model/`): the knobs
//! `connected`, `signal`, `vic` (4 at first: 1280x720p60; 16 1920x1080p60,
//! 95 3840x2160p30), `fps` (30), `overflow` and `dma_error` (that many
//! frames lost so); the counts `frames` (written),
//! `overflows`, `refused`, `unclocked`, `raised` (interrupts), `acks`
//! (IRQ_STATUS writes seen); `reset_deasserted` (the line now), `reset_deasserts`,
//! `reset_asserts`, `reset_unclocked`.

use core::ffi::c_void;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicU32, Ordering::Relaxed};
use kernel::bindings;
use kernel::prelude::*;
use kernel::time::{delay::fsleep, Delta, Instant, Monotonic};

use crate::hy300_bindings as raw;
use crate::irq_sim::SimIrqLine;
use crate::regblock::RegBlock;

/// Offset of the register block from the carve-out's start: the page
/// after the co-processor's register page.
pub(crate) const REGS_OFFSET: u64 = crate::mips_model::REGS_OFFSET + 0x1000;
/// Size of the register block (the driver's `regs::BLOCK_SIZE`).
pub(crate) const REGS_SIZE: u64 = 0x100;

// Register offsets and bits (the driver's regs.rs, the C original's
// TVTOP_*).
const CTRL: usize = 0x00;
const STATUS: usize = 0x04;
const IRQ_EN: usize = 0x08;
const IRQ_STATUS: usize = 0x0c;
const FORMAT: usize = 0x10;
const IRQ_MASK: usize = 0x18;
const DMA_CTRL: usize = 0x28;
const DMA_ADDR: usize = 0x2c;
const DMA_SIZE: usize = 0x30;
const CAPTURE_SIZE: usize = 0x38;
const HDMI_CTRL: usize = 0x3c;
const VERSION: usize = 0xfc;

const CTRL_RESET: u32 = 1 << 31;
/// CTRL's ENABLE, CAPTURE and DMA: the engine captures.
const CTRL_CAPTURING: u32 = 1 | 1 << 1 | 1 << 3;
const STATUS_HDMI: u32 = 1;
const STATUS_SIGNAL: u32 = 1 << 1;
const STATUS_LOCKED: u32 = 1 << 2;
const STATUS_CAPTURING: u32 = 1 << 3;
const STATUS_DMA_BUSY: u32 = 1 << 4;
const STATUS_READY: u32 = 1 << 6;
const IRQ_FRAME_DONE: u32 = 1;
const IRQ_INPUT_CHANGE: u32 = 1 << 1;
const IRQ_FORMAT_CHANGE: u32 = 1 << 2;
const IRQ_OVERFLOW: u32 = 1 << 3;
const IRQ_HOTPLUG: u32 = 1 << 5;
const IRQ_HW_ERROR: u32 = 1 << 6;
const IRQ_DMA_ERROR: u32 = 1 << 7;
/// The bit the model keeps set in IRQ_STATUS while a source is latched.
const IRQ_STATUS_MODEL: u32 = 1 << 31;
const HDMI_HPD_ENABLE: u32 = 1;
const DMA_ARMED: u32 = 1;
/// VERSION of the modelled block.
pub(crate) const MODEL_VERSION: u32 = 0x5456_0713;

const HEADER_MAGIC: &[u8; 8] = b"HY300TVC";
const BLOCK: usize = 4096;
const POLL: Delta = Delta::from_micros(1000);

/// `v4l2_fourcc`.
const fn fourcc(c: &[u8; 4]) -> u32 {
    u32::from_le_bytes(*c)
}

/// FORMAT code -> (fourcc, bytes per line, frame size) for `width` x
/// `height` (the driver's format.rs table: YUYV 0x04, YU12 0x02, RGB3
/// 0x00).
fn frame_layout(code: u32, width: u32, height: u32) -> Option<(u32, u32)> {
    let (fourcc, bpp_x2, size_x2) = match code {
        0x04 => (fourcc(b"YUYV"), 4, 2),
        0x02 => (fourcc(b"YU12"), 2, 3),
        0x00 => (fourcc(b"RGB3"), 6, 2),
        _ => return None,
    };
    let bytes = (width * bpp_x2 / 2)
        .checked_mul(height)?
        .checked_mul(size_x2)?
        / 2;
    Some((fourcc, bytes))
}

/// The source's active size for a CTA-861 VIC the model knows.
fn vic_size(vic: u32) -> Option<(u32, u32)> {
    match vic {
        4 => Some((1280, 720)),
        16 => Some((1920, 1080)),
        95 => Some((3840, 2160)),
        _ => None,
    }
}

/// What the thread, debugfs and the board share.
///
/// # Invariants
///
/// `regs` is the register block ([`REGS_SIZE`] bytes), unmapped when
/// [`TvcapModel`]'s fields drop, after its `drop` stopped the thread. The
/// clocks are registered by the board before the model starts and
/// unregistered after it is dropped.
struct Shared {
    regs: RegBlock,
    /// The capture and DMA clocks (`mod`, `ram`).
    engine_clocks: [*mut raw::clk; 2],
    line: SimIrqLine,
    epoch: Instant<Monotonic>,
    connected: AtomicU32,
    signal: AtomicU32,
    vic: AtomicU32,
    fps: AtomicU32,
    overflow: AtomicU32,
    dma_error: AtomicU32,
    frames: AtomicU32,
    overflows: AtomicU32,
    refused: AtomicU32,
    unclocked: AtomicU32,
    raised: AtomicU32,
    acks: AtomicU32,
}

/// The thread's own state of the block.
#[derive(Default)]
struct Engine {
    /// Sources latched in IRQ_STATUS.
    latched: u32,
    /// Sources that came while an interrupt was outstanding.
    waiting: u32,
    /// An interrupt was raised and IRQ_STATUS not written since.
    outstanding: bool,
    /// CTRL had ENABLE, CAPTURE and DMA at the last poll.
    capturing: bool,
    /// Frames since CAPTURE was set.
    counter: u32,
    /// When the next frame is due (ns since the epoch).
    next_ns: u64,
    /// The input bits of STATUS at the last poll.
    input: u32,
}

impl Shared {
    fn now_ns(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_nanos()).unwrap_or(0)
    }

    /// The input bits of STATUS from the knobs.
    fn input(&self) -> u32 {
        let connected = self.connected.load(Relaxed) != 0;
        let signal = connected && self.signal.load(Relaxed) != 0;
        if !connected {
            0
        } else if !signal {
            STATUS_HDMI
        } else {
            STATUS_HDMI | STATUS_SIGNAL | STATUS_LOCKED | (self.vic.load(Relaxed) & 0xff) << 8
        }
    }

    /// IRQ_STATUS as the model last left it.
    fn irq_status_of(latched: u32) -> u32 {
        if latched == 0 {
            0
        } else {
            latched | IRQ_STATUS_MODEL
        }
    }

    /// One poll (see the module's documentation).
    fn step(&self, e: &mut Engine) {
        let ctrl = self.regs.read(CTRL);
        let ready = ctrl & CTRL_RESET == 0;
        let capturing = ready && ctrl & CTRL_CAPTURING == CTRL_CAPTURING;
        let now = self.now_ns();
        // (clamped: never a division by zero, which objtool would see as
        // a call that falls through)
        let period = 1_000_000_000u64
            .checked_div(self.fps.load(Relaxed).clamp(1, 120).into())
            .unwrap_or(1_000_000_000 / 30);
        if capturing && !e.capturing {
            e.counter = 0;
            e.next_ns = now + period;
        }
        e.capturing = capturing;
        // A write of the driver to IRQ_STATUS: write-1-to-clear.
        let written = self.regs.read(IRQ_STATUS);
        if written != Self::irq_status_of(e.latched) {
            e.latched &= !written;
            e.outstanding = false;
            self.acks.fetch_add(1, Relaxed);
            self.regs.write(IRQ_STATUS, Self::irq_status_of(e.latched));
        }
        let mut events = 0;
        let input = self.input();
        let hpd = self.regs.read(HDMI_CTRL) & HDMI_HPD_ENABLE != 0;
        if (input ^ e.input) & STATUS_HDMI != 0 {
            events |= IRQ_INPUT_CHANGE | if hpd { IRQ_HOTPLUG } else { 0 };
        } else if (input ^ e.input) & STATUS_SIGNAL != 0 {
            events |= IRQ_INPUT_CHANGE;
        } else if input != e.input {
            events |= IRQ_FORMAT_CHANGE;
        }
        e.input = input;
        let status = input
            | if ready { STATUS_READY } else { 0 }
            | if capturing { STATUS_CAPTURING } else { 0 };
        self.regs.write(STATUS, status);
        if capturing && now >= e.next_ns {
            e.next_ns = now + period;
            let counter = e.counter;
            e.counter = e.counter.wrapping_add(1);
            events |= self.frame(counter, status);
        }
        let enabled = self.regs.read(IRQ_EN);
        e.waiting |= events & enabled;
        if e.outstanding {
            return;
        }
        if e.waiting != 0 {
            e.latched |= e.waiting;
            e.waiting = 0;
            self.regs.write(IRQ_STATUS, Self::irq_status_of(e.latched));
        }
        if e.latched & enabled & !self.regs.read(IRQ_MASK) != 0 {
            e.outstanding = true;
            self.raised.fetch_add(1, Relaxed);
            if let Err(err) = self.line.raise() {
                pr_err!("hy300-tvcap-model: cannot raise the interrupt: {err:?}\n");
            }
        }
    }

    /// Frame `counter` of a capture: the sources it raises.
    fn frame(&self, counter: u32, status: u32) -> u32 {
        if status & STATUS_SIGNAL == 0 || take_one(&self.overflow) {
            self.overflows.fetch_add(1, Relaxed);
            return IRQ_OVERFLOW;
        }
        // Busy before CTRL is read again (see the module's documentation).
        self.regs.write(STATUS, status | STATUS_DMA_BUSY);
        let raised = self.transfer(counter);
        self.regs.write(STATUS, status);
        raised
    }

    /// The DMA transfer of frame `counter`, with DMA_BUSY set.
    fn transfer(&self, counter: u32) -> u32 {
        if self.regs.read(CTRL) & (CTRL_RESET | CTRL_CAPTURING) != CTRL_CAPTURING {
            // Stopped meanwhile: no frame.
            return 0;
        }
        let clocked = self.engine_clocks.iter().all(|&clk| {
            // SAFETY: the clocks outlive the thread (type invariant).
            unsafe { raw::__clk_is_enabled(clk) }
        });
        if !clocked {
            // The engine does not run without its clocks.
            if self.unclocked.fetch_add(1, Relaxed) == 0 {
                pr_warn!("hy300-tvcap-model: capture enabled with its clocks off\n");
            }
            return 0;
        }
        let size = self.regs.read(CAPTURE_SIZE);
        let (width, height) = (size & 0xffff, size >> 16);
        let layout = frame_layout(self.regs.read(FORMAT), width, height)
            .filter(|_| vic_size(self.vic.load(Relaxed)) == Some((width, height)));
        let Some((fourcc, bytes)) = layout else {
            return self.refuse("FORMAT or CAPTURE_SIZE (the source's size)");
        };
        if self.regs.read(DMA_SIZE) < bytes {
            return self.refuse("DMA_SIZE");
        }
        if self.regs.read(DMA_CTRL) & DMA_ARMED == 0 {
            self.overflows.fetch_add(1, Relaxed);
            return IRQ_OVERFLOW;
        }
        // The engine takes the buffer.
        self.regs.write(DMA_CTRL, 0);
        if take_one(&self.dma_error) {
            return IRQ_DMA_ERROR;
        }
        let addr = self.regs.read(DMA_ADDR);
        let header = FrameHeader {
            counter,
            width,
            height,
            fourcc,
        };
        if !write_frame(addr, bytes as usize, &header) {
            return IRQ_DMA_ERROR;
        }
        self.frames.fetch_add(1, Relaxed);
        IRQ_FRAME_DONE
    }

    fn refuse(&self, what: &str) -> u32 {
        if self.refused.fetch_add(1, Relaxed) == 0 {
            pr_warn!("hy300-tvcap-model: frame refused: {what} not programmed for it\n");
        }
        IRQ_HW_ERROR
    }
}

/// Takes one from a count-down knob: whether it was not 0.
fn take_one(knob: &AtomicU32) -> bool {
    knob.fetch_update(Relaxed, Relaxed, |n| n.checked_sub(1))
        .is_ok()
}

/// What a frame's header says.
struct FrameHeader {
    counter: u32,
    width: u32,
    height: u32,
    fourcc: u32,
}

/// Writes a frame of `len` bytes to physical address `addr` as a bus
/// master: false when it is no RAM the kernel can map.
fn write_frame(addr: u32, len: usize, h: &FrameHeader) -> bool {
    // SAFETY: a bus master's write: `addr` is the DMA address the driver
    // armed (DMA_ADDR with DMA_CTRL.ARMED), of a buffer of at least
    // DMA_SIZE >= `len` bytes that it handed to the block and takes back
    // only after the block is stopped and DMA_BUSY, set by our caller,
    // is clear. Without an IOMMU that is its physical address. memremap
    // refuses (NULL) what is not mappable as RAM.
    let p = unsafe {
        bindings::memremap(
            addr.into(),
            len,
            bindings::MEMREMAP_WB as kernel::ffi::c_ulong,
        )
    };
    let Some(p) = NonNull::new(p.cast::<u8>()) else {
        return false;
    };
    let mut header = [0u8; 24];
    header[..8].copy_from_slice(HEADER_MAGIC);
    for (i, v) in [h.counter, h.width, h.height, h.fourcc]
        .into_iter()
        .enumerate()
    {
        header[8 + 4 * i..12 + 4 * i].copy_from_slice(&v.to_le_bytes());
    }
    let mut at = 0;
    while at < len {
        let n = BLOCK.min(len - at);
        let byte = (h.counter as usize).wrapping_add(at / BLOCK) as u8;
        // SAFETY: `at + n <= len`, inside the mapping made above.
        unsafe { core::ptr::write_bytes(p.as_ptr().add(at), byte, n) };
        at += n;
    }
    let n = header.len().min(len);
    // SAFETY: `n <= len` bytes at the start of the mapping; `header` is a
    // local array that does not overlap it.
    unsafe {
        core::ptr::copy_nonoverlapping(header.as_ptr(), p.as_ptr(), n);
        bindings::memunmap(p.as_ptr().cast());
    }
    true
}

/// The thread: polls until `kthread_stop`.
///
/// # Safety
///
/// `data` is a `Shared` that outlives the thread (see [`TvcapModel`]'s
/// `Drop`).
unsafe extern "C" fn run(data: *mut c_void) -> kernel::ffi::c_int {
    // SAFETY: the caller's guarantee.
    let shared = unsafe { &*data.cast::<Shared>() };
    let mut engine = Engine {
        input: shared.input(),
        ..Engine::default()
    };
    // SAFETY: called from a kthread.
    while !unsafe { bindings::kthread_should_stop() } {
        shared.step(&mut engine);
        fsleep(POLL);
    }
    0
}

/// The reset controller of the capture block's line. `rcdev` is the
/// first field: the callbacks get the controller from it.
#[repr(C)]
struct ResetModel {
    rcdev: raw::reset_controller_dev,
    /// The block's bus clock (registered by the board), for
    /// `reset_unclocked`.
    bus_clock: *mut raw::clk,
    deasserted: AtomicU32,
    deasserts: AtomicU32,
    asserts: AtomicU32,
    unclocked: AtomicU32,
}

impl ResetModel {
    /// # Safety
    ///
    /// `rcdev` is the `rcdev` of a live `ResetModel` (the reset core
    /// passes the one registered in [`TvcapModel::register_reset`]).
    unsafe fn of<'a>(rcdev: *mut raw::reset_controller_dev) -> &'a ResetModel {
        // SAFETY: `rcdev` is the first field of a `#[repr(C)]`
        // `ResetModel` (the caller's guarantee).
        unsafe { &*rcdev.cast::<ResetModel>() }
    }

    fn transition(&self, deassert: bool) {
        // SAFETY: the clock is registered by the board before this
        // controller and unregistered after it.
        if !unsafe { raw::__clk_is_enabled(self.bus_clock) } {
            self.unclocked.fetch_add(1, Relaxed);
        }
        let count = if deassert {
            &self.deasserts
        } else {
            &self.asserts
        };
        count.fetch_add(1, Relaxed);
        self.deasserted.store(u32::from(deassert), Relaxed);
        pr_info!(
            "hy300-tvcap-model: reset line {}\n",
            if deassert { "deasserted" } else { "asserted" }
        );
    }
}

/// # Safety
///
/// Called by the reset core with the registered `rcdev`.
unsafe extern "C" fn reset_assert(
    rcdev: *mut raw::reset_controller_dev,
    _id: kernel::ffi::c_ulong,
) -> kernel::ffi::c_int {
    // SAFETY: the caller's guarantee.
    unsafe { ResetModel::of(rcdev) }.transition(false);
    0
}

/// # Safety
///
/// As [`reset_assert`].
unsafe extern "C" fn reset_deassert(
    rcdev: *mut raw::reset_controller_dev,
    _id: kernel::ffi::c_ulong,
) -> kernel::ffi::c_int {
    // SAFETY: the caller's guarantee.
    unsafe { ResetModel::of(rcdev) }.transition(true);
    0
}

/// # Safety
///
/// As [`reset_assert`].
unsafe extern "C" fn reset_status(
    rcdev: *mut raw::reset_controller_dev,
    _id: kernel::ffi::c_ulong,
) -> kernel::ffi::c_int {
    // SAFETY: the caller's guarantee.
    let reset = unsafe { ResetModel::of(rcdev) };
    // Positive while asserted.
    (reset.deasserted.load(Relaxed) == 0).into()
}

static RESET_OPS: raw::reset_control_ops = raw::reset_control_ops {
    reset: None,
    assert: Some(reset_assert),
    deassert: Some(reset_deassert),
    status: Some(reset_status),
};

/// The running model; dropping it stops the thread, unregisters the reset
/// controller, removes the debugfs files and unmaps.
pub(crate) struct TvcapModel {
    /// The thread's and debugfs' data, the register block with it: freed
    /// (and unmapped) when the fields drop, after `drop` stopped both.
    _shared: KBox<Shared>,
    reset: KBox<ResetModel>,
    reset_registered: bool,
    dir: *mut bindings::dentry,
    task: *mut bindings::task_struct,
}

// SAFETY: the raw pointers are used only in `start`, `register_reset`
// and `drop`, which the board's module init and exit never run
// concurrently.
unsafe impl Send for TvcapModel {}
// SAFETY: no method reads them through `&TvcapModel`.
unsafe impl Sync for TvcapModel {}

impl TvcapModel {
    /// Maps the register block in the carve-out at `base`, sets it to its
    /// reset values and starts the thread, which raises interrupt `irq`;
    /// `bus_clock` is the block's bus clock, `engine_clocks` its capture
    /// and DMA clocks (all registered by the board, unregistered after
    /// the model is dropped).
    pub(crate) fn start(
        base: u64,
        irq: u32,
        bus_clock: *mut raw::clk,
        engine_clocks: [*mut raw::clk; 2],
    ) -> Result<Self> {
        if base == 0 || base % 0x1000 != 0 {
            pr_err!("mips_base {base:#x} is no page of the carve-out (scripts/vm's mem=)\n");
            return Err(EINVAL);
        }
        let phys = base.checked_add(REGS_OFFSET).ok_or(EINVAL)?;
        // SAFETY: the page is outside the kernel's memory (`mem=`) and
        // holds the capture block's registers only.
        let regs = unsafe { RegBlock::map(phys, REGS_SIZE as usize) }?;
        // INVARIANT: mapped above with its size.
        let shared = KBox::new(
            Shared {
                regs,
                engine_clocks,
                line: SimIrqLine::new(irq),
                epoch: Instant::now(),
                connected: AtomicU32::new(1),
                signal: AtomicU32::new(1),
                vic: AtomicU32::new(4),
                fps: AtomicU32::new(30),
                overflow: AtomicU32::new(0),
                dma_error: AtomicU32::new(0),
                frames: AtomicU32::new(0),
                overflows: AtomicU32::new(0),
                refused: AtomicU32::new(0),
                unclocked: AtomicU32::new(0),
                raised: AtomicU32::new(0),
                acks: AtomicU32::new(0),
            },
            GFP_KERNEL,
        );
        let shared = shared?;
        // The reset values.
        for offset in (0..REGS_SIZE as usize).step_by(4) {
            shared.regs.write(offset, 0);
        }
        shared.regs.write(IRQ_MASK, u32::MAX);
        shared.regs.write(VERSION, MODEL_VERSION);
        shared.regs.write(STATUS, STATUS_READY | shared.input());
        // SAFETY: all-zero is the state `reset_controller_register`
        // expects to fill (list heads, mutex), with no callbacks yet.
        let mut rcdev: raw::reset_controller_dev = unsafe { core::mem::zeroed() };
        rcdev.ops = &RESET_OPS;
        rcdev.nr_resets = 1;
        rcdev.of_reset_n_cells = 1;
        let reset = KBox::new(
            ResetModel {
                rcdev,
                bus_clock,
                deasserted: AtomicU32::new(0),
                deasserts: AtomicU32::new(0),
                asserts: AtomicU32::new(0),
                unclocked: AtomicU32::new(0),
            },
            GFP_KERNEL,
        );
        let reset = reset?;
        // SAFETY: the name is NUL-terminated; no parent (debugfs' root).
        let dir = unsafe {
            bindings::debugfs_create_dir(c"hy300-tvcap-model".as_char_ptr(), core::ptr::null_mut())
        };
        let files: [(&CStr, u16, &AtomicU32); 16] = [
            (c"connected", 0o600, &shared.connected),
            (c"signal", 0o600, &shared.signal),
            (c"vic", 0o600, &shared.vic),
            (c"fps", 0o600, &shared.fps),
            (c"overflow", 0o600, &shared.overflow),
            (c"dma_error", 0o600, &shared.dma_error),
            (c"frames", 0o400, &shared.frames),
            (c"overflows", 0o400, &shared.overflows),
            (c"refused", 0o400, &shared.refused),
            (c"unclocked", 0o400, &shared.unclocked),
            (c"raised", 0o400, &shared.raised),
            (c"acks", 0o400, &shared.acks),
            (c"reset_deasserted", 0o400, &reset.deasserted),
            (c"reset_deasserts", 0o400, &reset.deasserts),
            (c"reset_asserts", 0o400, &reset.asserts),
            (c"reset_unclocked", 0o400, &reset.unclocked),
        ];
        for (name, mode, value) in files {
            // SAFETY: `dir` is ours (or an error pointer, which debugfs
            // accepts as a parent and ignores); the values live in the
            // boxes until `debugfs_remove(dir)` in `drop`, before they
            // are freed.
            unsafe { bindings::debugfs_create_u32(name.as_char_ptr(), mode, dir, value.as_ptr()) };
        }
        let data = core::ptr::from_ref(&*shared).cast_mut().cast::<c_void>();
        // SAFETY: `run` gets `shared`, which outlives the thread (`drop`
        // stops it first); the name has no `%`.
        let task = unsafe {
            bindings::kthread_create_on_node(
                Some(run),
                data,
                bindings::NUMA_NO_NODE,
                c"hy300-tvcap-model".as_char_ptr(),
            )
        };
        if let Err(e) = kernel::error::from_err_ptr(task) {
            // SAFETY: created above; nothing uses the files any more (the
            // mapping goes with `shared`).
            unsafe { bindings::debugfs_remove(dir) };
            return Err(e);
        }
        // SAFETY: `task` was just created and is not running yet.
        unsafe { bindings::wake_up_process(task) };
        pr_info!("hy300-tvcap-model: registers at {phys:#x}\n");
        Ok(TvcapModel {
            _shared: shared,
            reset,
            reset_registered: false,
            dir,
            task,
        })
    }

    /// Registers the reset controller of node `np` (attached, with
    /// `#reset-cells = <1>`; it outlives the registration: the board
    /// drops the model before it reverts its nodes).
    pub(crate) fn register_reset(&mut self, np: *mut bindings::device_node) -> Result {
        self.reset.rcdev.of_node = np.cast();
        // SAFETY: `rcdev` is in a box that is not moved and outlives the
        // registration (`drop` unregisters it before freeing it); its ops
        // are static.
        kernel::error::to_result(unsafe { raw::reset_controller_register(&mut self.reset.rcdev) })?;
        self.reset_registered = true;
        Ok(())
    }
}

impl Drop for TvcapModel {
    fn drop(&mut self) {
        // SAFETY: `task` runs `run` until told to stop (it returns only
        // then), so it has not exited; the controller was registered (no
        // consumer holds it: the devices are gone); the debugfs files go
        // before the data they point at; the mapping (type invariant of
        // `Shared`) is unmapped once, after the thread stopped.
        unsafe {
            bindings::kthread_stop(self.task);
            if self.reset_registered {
                raw::reset_controller_unregister(&mut self.reset.rcdev);
            }
            bindings::debugfs_remove(self.dir);
        }
    }
}
