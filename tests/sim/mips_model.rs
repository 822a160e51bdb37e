// SPDX-License-Identifier: GPL-2.0

//! Test support: the MIPS co-processor's side of sunxi-mipsloader's device
//! backend (`drivers/misc/sunxi-mipsloader/mmio.rs`) in the QEMU guest.
//!
//! The guest's memory above the kernel's `mem=` limit (scripts/vm) is RAM
//! that Linux does not own: the board gives its first
//! [`RESERVED_SIZE`] bytes to the co-processor's node as its
//! `memory-region` (as the HY300's `no-map` region at 0x4b100000) and the
//! page after them as its register block (`reg`, 0x03061000 on the H713).
//! The driver maps both as on the device (`ioremap` through `IoMem`,
//! `memremap` write-combined) and is the code under test; this model maps
//! them too, with the same memory types, and plays the firmware: a kernel
//! thread that polls the registers every 0.5 ms, as the C original's
//! firmware is seen from the ARM side (`MIPS_REG_*` in its
//! sunxi-mipsloader.c):
//!
//! - CMD (0x00) non-zero: a command. STATUS (0x04) reads busy while the
//!   model runs it; 0x10 reads the eight panel corners (`i32`, little
//!   endian) from the DEBUG region (offset 0xc01000) and logs them; 0x02
//!   (power down) is logged. Then CMD is cleared (taken) and STATUS is idle
//!   again, and the model logs the command's line (`hy300-mips-model:
//!   ...`), so a test that waits for that line knows the command was taken
//!   whole.
//! - CONTROL (0x0c) bit 0: the core's reset. A hold and its release, when
//!   the thread sees them, are logged with the firmware's first word read
//!   back from the reserved memory. Best effort: a 10 ms pulse between two
//!   polls of a starved thread goes unseen, so no test relies on it.
//!
//! In debugfs (`/sys/kernel/debug/hy300-mips-model/`): `memory`, the
//! reserved memory as the co-processor sees it (0400, read through the
//! model's own mapping: what the driver's copy and barrier left there);
//! `fault` (0600): 0 none, 1 hung (STATUS busy forever), 2 error (STATUS
//! idle with bit 30, which the protocol does not define); the thread puts
//! STATUS in that state and then copies the value to `fault_applied`
//! (0400), which a test waits for before its next command.
//!
//! A command that the driver writes while the model is still taking the
//! previous one can be lost, as on a device whose firmware is slow: the
//! guest tests wait for each command's line first.

use core::ffi::c_void;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicU32, Ordering::Relaxed};
use kernel::bindings;
use kernel::prelude::*;
use kernel::time::{delay::fsleep, Delta};

use crate::regblock::RegBlock;

/// Size of the co-processor's reserved memory (the driver's
/// `layout::RESERVED_SIZE`, the HY300's `memory-region`).
pub(crate) const RESERVED_SIZE: u64 = 0x280_0000;
/// Offset of the register block from the carve-out's start: the page
/// after the reserved memory.
pub(crate) const REGS_OFFSET: u64 = RESERVED_SIZE;
/// Size of the register block (the factory tree's `reg`).
pub(crate) const REGS_SIZE: u64 = 0x100;

const CMD: usize = 0x00;
const STATUS: usize = 0x04;
const DATA: usize = 0x08;
const CONTROL: usize = 0x0c;
const CMD_POWER_DOWN: u32 = 0x02;
const CMD_APPLY_PANEL: u32 = 0x10;
const STATUS_BUSY: u32 = 1;
const STATUS_UNDEFINED: u32 = 1 << 30;
const FAULT_HANG: u32 = 1;
const FAULT_ERROR: u32 = 2;
/// Offsets in the reserved memory (the driver's `layout::REGIONS`).
const FIRMWARE_OFFSET: usize = 0x1000;
const DEBUG_OFFSET: usize = 0xC0_1000;

/// What the thread and debugfs share.
///
/// # Invariants
///
/// `regs` is the register block ([`REGS_SIZE`] bytes), unmapped when
/// [`MipsModel`]'s fields drop; `memory` maps [`RESERVED_SIZE`] bytes of
/// the reserved memory (`memremap`, write-combined) until [`MipsModel`]'s
/// `drop`. Its `drop` stops the thread first.
struct Shared {
    regs: RegBlock,
    memory: NonNull<u8>,
    /// The `fault` knob (debugfs writes it as a `u32`).
    fault: AtomicU32,
    /// The fault the thread has put STATUS in.
    fault_applied: AtomicU32,
}

impl Shared {
    /// The `i32` at `offset` of the reserved memory.
    /// Outside the memory or unaligned it reads as 0.
    fn memory_word(&self, offset: usize) -> i32 {
        if offset % 4 != 0 || offset.saturating_add(4) > RESERVED_SIZE as usize {
            return 0;
        }
        // SAFETY: `offset` is 4-byte aligned and inside the mapping of
        // `RESERVED_SIZE` bytes (checked above; type invariant); the
        // mapping is memory, so a volatile load is a plain read the
        // compiler must not elide.
        unsafe {
            self.memory
                .as_ptr()
                .add(offset)
                .cast::<i32>()
                .read_volatile()
        }
    }

    /// One poll: the fault knob, the reset line, then a command.
    fn step(&self, held: &mut bool) {
        let fault = self.fault.load(Relaxed);
        if fault != self.fault_applied.load(Relaxed) {
            self.regs.write(
                STATUS,
                match fault {
                    FAULT_HANG => STATUS_BUSY,
                    FAULT_ERROR => STATUS_UNDEFINED,
                    _ => 0,
                },
            );
            self.fault_applied.store(fault, Relaxed);
            pr_info!("hy300-mips-model: fault {fault}\n");
        }
        if self.regs.read(CONTROL) & 1 != 0 {
            if !*held {
                *held = true;
                pr_info!("hy300-mips-model: core held in reset\n");
            }
        } else if *held {
            *held = false;
            pr_info!(
                "hy300-mips-model: core released, firmware starts with {:#010x}\n",
                self.memory_word(FIRMWARE_OFFSET)
            );
        }
        let cmd = self.regs.read(CMD);
        if cmd == 0 {
            return;
        }
        if fault == 0 {
            self.regs.write(STATUS, STATUS_BUSY);
        }
        let mut corners = [0i32; 8];
        if cmd == CMD_APPLY_PANEL {
            for (i, corner) in corners.iter_mut().enumerate() {
                *corner = self.memory_word(DEBUG_OFFSET + 4 * i);
            }
        }
        // Taken: the next command can be written.
        self.regs.write(CMD, 0);
        if fault == 0 {
            self.regs.write(STATUS, 0);
        }
        match cmd {
            CMD_APPLY_PANEL => {
                let [a, b, c, d, e, f, g, h] = corners;
                pr_info!("hy300-mips-model: panel {a} {b} {c} {d} {e} {f} {g} {h}\n");
            }
            CMD_POWER_DOWN => pr_info!("hy300-mips-model: power down command\n"),
            other => pr_info!("hy300-mips-model: unknown command {other:#x}\n"),
        }
    }
}

/// The thread: polls until `kthread_stop`.
///
/// # Safety
///
/// `data` is a `Shared` that outlives the thread (see [`MipsModel`]'s
/// `Drop`).
unsafe extern "C" fn run(data: *mut c_void) -> kernel::ffi::c_int {
    // SAFETY: the caller's guarantee.
    let shared = unsafe { &*data.cast::<Shared>() };
    let mut held = false;
    // SAFETY: called from a kthread.
    while !unsafe { bindings::kthread_should_stop() } {
        shared.step(&mut held);
        fsleep(Delta::from_micros(500));
    }
    0
}

/// The running model; dropping it stops the thread, removes the debugfs
/// files and unmaps.
pub(crate) struct MipsModel {
    shared: KBox<Shared>,
    /// Pointed at by the `memory` file until the directory is removed.
    _blob: KBox<bindings::debugfs_blob_wrapper>,
    dir: *mut bindings::dentry,
    task: *mut bindings::task_struct,
}

// SAFETY: the raw pointers are used only in `start` and `drop`, which the
// board's module init and exit never run concurrently.
unsafe impl Send for MipsModel {}
// SAFETY: no method reads them through `&MipsModel`.
unsafe impl Sync for MipsModel {}

/// The reserved memory's mapping made by `start`, unmapped by `drop`
/// unless taken.
struct Mapping {
    ptr: *mut c_void,
}

impl Drop for Mapping {
    fn drop(&mut self) {
        if self.ptr.is_null() {
            return;
        }
        // SAFETY: `ptr` came from `memremap` and is unmapped once (a taken
        // mapping is null).
        unsafe { bindings::memunmap(self.ptr) };
    }
}

impl MipsModel {
    /// Maps the carve-out at `base` (see the module's documentation), sets
    /// the registers idle and starts the thread.
    pub(crate) fn start(base: u64) -> Result<Self> {
        if base == 0 || base % 0x1000 != 0 {
            pr_err!("mips_base {base:#x} is no page of the carve-out (scripts/vm's mem=)\n");
            return Err(EINVAL);
        }
        let regs_phys = base.checked_add(REGS_OFFSET).ok_or(EINVAL)?;
        // SAFETY: the page is outside the kernel's memory (`mem=`) and
        // holds the co-processor's registers only.
        let regs = unsafe { RegBlock::map(regs_phys, REGS_SIZE as usize) }?;
        let mut memory = Mapping {
            // SAFETY: the carve-out is outside the kernel's memory;
            // write-combined as the driver maps it.
            ptr: unsafe {
                bindings::memremap(
                    base,
                    RESERVED_SIZE as usize,
                    bindings::MEMREMAP_WC as kernel::ffi::c_ulong,
                )
            },
        };
        let Some(memory_ptr) = NonNull::new(memory.ptr.cast::<u8>()) else {
            pr_err!("cannot map the carve-out at {base:#x}\n");
            return Err(ENOMEM);
        };
        // INVARIANT: both mapped above with their sizes.
        let shared = KBox::new(
            Shared {
                regs,
                memory: memory_ptr,
                fault: AtomicU32::new(0),
                fault_applied: AtomicU32::new(0),
            },
            GFP_KERNEL,
        )?;
        for reg in [CMD, STATUS, DATA, CONTROL] {
            shared.regs.write(reg, 0);
        }
        let mut blob = KBox::new(
            bindings::debugfs_blob_wrapper {
                data: memory_ptr.as_ptr().cast(),
                size: RESERVED_SIZE as usize,
            },
            GFP_KERNEL,
        )?;
        // SAFETY: the name is NUL-terminated; no parent (debugfs' root).
        let dir = unsafe {
            bindings::debugfs_create_dir(c"hy300-mips-model".as_char_ptr(), core::ptr::null_mut())
        };
        // SAFETY: `dir` is ours (or an error pointer, which debugfs
        // accepts as a parent and ignores); the knobs and the blob live
        // until `debugfs_remove(dir)` in `drop`, before they are freed.
        unsafe {
            bindings::debugfs_create_u32(c"fault".as_char_ptr(), 0o600, dir, shared.fault.as_ptr());
            bindings::debugfs_create_u32(
                c"fault_applied".as_char_ptr(),
                0o400,
                dir,
                shared.fault_applied.as_ptr(),
            );
            bindings::debugfs_create_blob(c"memory".as_char_ptr(), 0o400, dir, &mut *blob);
        }
        let data = core::ptr::from_ref(&*shared).cast_mut().cast::<c_void>();
        // SAFETY: `run` gets `shared`, which outlives the thread (`drop`
        // stops it first); the name has no `%`.
        let task = unsafe {
            bindings::kthread_create_on_node(
                Some(run),
                data,
                bindings::NUMA_NO_NODE,
                c"hy300-mips-model".as_char_ptr(),
            )
        };
        if let Err(e) = kernel::error::from_err_ptr(task) {
            // SAFETY: created above; nothing uses the files any more.
            unsafe { bindings::debugfs_remove(dir) };
            return Err(e);
        }
        // SAFETY: `task` was just created and is not running yet.
        unsafe { bindings::wake_up_process(task) };
        // The model owns the mapping from here.
        memory.ptr = core::ptr::null_mut();
        pr_info!("hy300-mips-model: reserved memory at {base:#x}, registers at {regs_phys:#x}\n");
        Ok(MipsModel {
            shared,
            _blob: blob,
            dir,
            task,
        })
    }
}

impl Drop for MipsModel {
    fn drop(&mut self) {
        // SAFETY: `task` runs `run` until told to stop (it returns only
        // then), so it has not exited; the debugfs files go before the
        // data they point at; the mappings (type invariant of `Shared`)
        // are unmapped once, after the thread stopped.
        unsafe {
            bindings::kthread_stop(self.task);
            bindings::debugfs_remove(self.dir);
            bindings::memunmap(self.shared.memory.as_ptr().cast());
        }
    }
}
