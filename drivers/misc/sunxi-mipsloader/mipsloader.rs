// SPDX-License-Identifier: GPL-2.0

//! Allwinner H713 MIPS display co-processor loader (`sunxi-mipsloader`).
//!
//! Loads the co-processor firmware into its reserved memory, starts, stops
//! and configures it through a 4-register block, and offers
//! `/dev/mipsloader` (ioctls in `include/uapi/linux/hy300-mipsloader.h`).
//! `/sys/class/hy300/mips` exports memory, register access, firmware and
//! communication metrics as Prometheus text.
//!
//! The driver is safe code, checked by the compiler: this crate root
//! denies `unsafe_code`, allowed only on the `mod` items of the shared
//! layers it includes (rust/hy300, rust/prometheus and the bindings: they
//! are modules of this crate, and a `forbid` here could not be lifted for
//! them), and every other driver file forbids it (`#![forbid(unsafe_code)]`).

#![deny(unsafe_code)]

use core::sync::atomic::{AtomicBool, Ordering::Relaxed};
use kernel::device::{Bound, Core, Device};
use kernel::fs::{file::flags, File};
use kernel::prelude::*;
use kernel::str::CString;
use kernel::sync::aref::ARef;
use kernel::sync::{Arc, ArcBorrow, Mutex};
use kernel::uaccess::{UserPtr, UserSlice};
use kernel::{of, platform};

mod clocks;
mod firmware;
mod hw;
mod layout;
mod metrics;
mod mmio;
#[allow(unreachable_pub)]
mod page;
mod panel;
mod protocol;
mod regs;
#[cfg(hy300_sim)]
mod sim;
#[cfg(CONFIG_KUNIT)]
mod tests;
mod uapi;

// Shared libraries: each module uses only part of them. They hold the
// driver's unsafe code.
#[allow(dead_code, unused_imports, unreachable_pub, unsafe_code)]
#[path = "../../../rust/prometheus/src/prometheus.rs"]
mod prometheus;

#[allow(dead_code, unused_imports, unreachable_pub, unsafe_code)]
#[path = "../../../rust/hy300/mod.rs"]
mod hy300;

// The project's generated C bindings (scripts/hy300-bindgen).
#[allow(unsafe_code)]
#[path = "../../../rust/bindings/mod.rs"]
mod hy300_bindings;

use firmware::FirmwareState;
use hw::MipsHw;
use hy300::class_device::{ClassAttributes, ClassDevice};
use hy300::cred::{capable, Capability};
use hy300::miscdev::{self, Control};
use hy300::pm::SystemSleep;
use hy300::ratelimit::RateLimit;
use protocol::{Protocol, ProtocolMetrics};

/// The name of the firmware loaded at probe when the device tree names
/// none: one literal for [`DEFAULT_FIRMWARE`] and the module's declaration.
macro_rules! default_firmware {
    () => {
        "display.bin"
    };
}

/// Firmware loaded at probe when the device tree names none.
const DEFAULT_FIRMWARE: &CStr = kernel::c_str!(default_firmware!());

/// Declares [`DEFAULT_FIRMWARE`] in the module's `.modinfo`
/// (`modinfo -F firmware`), so initramfs tools copy it with the module.
struct FirmwareInfo<const N: usize>;

impl<const N: usize> FirmwareInfo<N> {
    const fn create(module_name: &'static CStr) -> kernel::firmware::ModInfoBuilder<N> {
        kernel::firmware::ModInfoBuilder::new(module_name)
            .new_entry()
            .push(default_firmware!())
    }
}

/// The co-processor: counters, firmware state, and the hardware behind the
/// operation lock.
#[pin_data]
pub(crate) struct Mips {
    pub(crate) metrics: ProtocolMetrics,
    pub(crate) firmware: FirmwareState,
    /// The hardware, `None` once the device is unbound. Operations (load,
    /// restart, panel...) hold the lock throughout: they are serialised,
    /// and none can touch the registers or the reserved memory after
    /// [`Mips::shut_down`]. Metric reads never take it.
    #[pin]
    hw: Mutex<Option<Hardware>>,
    /// Powered down by a system suspend, to be restarted at resume. Set
    /// and cleared under the operation lock; while it is set, operations
    /// fail with `EBUSY` and touch no register (none can run anyway:
    /// userspace is frozen from before the suspend to after the resume).
    asleep: AtomicBool,
    /// Log lines for invalid `panelparam` writes: at most 10 per 5 s.
    #[pin]
    input_warnings: RateLimit,
    dev: ARef<Device>,
}

/// What the driver holds while bound. Field order is drop order: the
/// backend (mappings) goes before the clocks stop.
struct Hardware {
    /// Chosen at probe: the device's registers or the QEMU simulation.
    /// An `Arc` only because it can hold a pinned backend (the
    /// simulation's lock) as a trait object; nothing else shares it.
    backend: Arc<dyn MipsHw>,
    clocks: clocks::Clocks,
}

impl Mips {
    /// Runs `op` with the hardware; `ENODEV` once the device is unbound
    /// (files opened before keep this state, not the device).
    fn with_hw<R>(&self, op: impl FnOnce(&Protocol<'_>) -> Result<R>) -> Result<R> {
        self.with_clocks(|proto, _| op(proto))
    }

    fn with_clocks<R>(
        &self,
        op: impl FnOnce(&Protocol<'_>, &clocks::Clocks) -> Result<R>,
    ) -> Result<R> {
        let hw = self.hw.lock();
        let hw = hw.as_ref().ok_or(ENODEV)?;
        if self.asleep.load(Relaxed) {
            return Err(EBUSY);
        }
        op(&Protocol::new(&*hw.backend, &self.metrics), &hw.clocks)
    }

    /// The core clock runs from here until a power down.
    fn load(&self, name: &CStr, expected_crc: Option<u32>) -> Result {
        self.with_clocks(|proto, clocks| {
            clocks.core_on()?;
            firmware::load(&self.dev, proto, &self.firmware, name, expected_crc)
        })
    }

    /// Refused with `ENOENT` without loaded firmware, as the C original
    /// does: the core would run whatever the memory holds.
    fn restart(&self) -> Result {
        self.with_hw(|proto| {
            if !self.firmware.loaded.load(Relaxed) {
                return Err(ENOENT);
            }
            proto.restart()
        })
    }

    fn power_down(&self) -> Result {
        self.with_clocks(|proto, clocks| {
            proto.power_down()?;
            self.firmware.loaded.store(false, Relaxed);
            clocks.core_off();
            Ok(())
        })
    }

    fn set_panel(&self, corners: &[i32; 8]) -> Result {
        self.with_hw(|proto| proto.set_panel(corners))
    }

    fn status(&self) -> Result<uapi::Status> {
        self.with_hw(|proto| {
            Ok(uapi::Status {
                loaded: self.firmware.loaded.load(Relaxed).into(),
                firmware_size: u32::try_from(self.firmware.size.load(Relaxed)).unwrap_or(u32::MAX),
                firmware_crc32: self.firmware.crc.load(Relaxed),
                status_reg: proto.status()?,
            })
        })
    }

    /// The STATUS register alone (the C original's GET_STATUS).
    fn status_reg(&self) -> Result<u32> {
        self.with_hw(|proto| proto.status())
    }

    /// System suspend (the factory's `mipsloader_suspend`): waits for a
    /// running operation (a firmware load, an ioctl: the lock they hold),
    /// then, if firmware is loaded (the core runs it), powers the core down
    /// and stops its clock, as the power-down ioctl does, but keeps the
    /// firmware recorded as loaded: the image stays in the reserved memory,
    /// which suspend to RAM or idle preserves. Without firmware nothing is
    /// touched. An error aborts the suspend with the core still running.
    fn suspend(&self) -> Result {
        let hw = self.hw.lock();
        let Some(hw) = hw.as_ref() else {
            return Ok(());
        };
        if !self.firmware.loaded.load(Relaxed) || self.asleep.load(Relaxed) {
            return Ok(());
        }
        Protocol::new(&*hw.backend, &self.metrics)
            .power_down()
            .inspect_err(|e| dev_err!(self.dev, "power down for suspend failed: {e:?}\n"))?;
        hw.clocks.core_off();
        self.asleep.store(true, Relaxed);
        dev_info!(self.dev, "co-processor powered down for suspend\n");
        Ok(())
    }

    /// System resume (the factory's `mipsloader_resume`): restarts the
    /// core (clock on, reset pulse) only if [`Mips::suspend`] powered it
    /// down. If that fails the firmware is recorded as not loaded.
    ///
    /// After a hibernation image is restored (`restored`), the firmware is
    /// not restarted: the reserved memory is `no-map`, not part of the
    /// image, and holds whatever the boot kernel loaded there; it is
    /// recorded as not loaded and one line asks for a new load.
    fn resume(&self, restored: bool) -> Result {
        let hw = self.hw.lock();
        let Some(hw) = hw.as_ref() else {
            return Ok(());
        };
        if !self.asleep.swap(false, Relaxed) {
            return Ok(());
        }
        if restored {
            self.firmware.loaded.store(false, Relaxed);
            dev_warn!(
                self.dev,
                "co-processor not restarted after hibernation: load its firmware again\n"
            );
            return Ok(());
        }
        let restart = hw
            .clocks
            .core_on()
            .and_then(|()| Protocol::new(&*hw.backend, &self.metrics).restart());
        match restart {
            Ok(()) => dev_info!(self.dev, "co-processor restarted after resume\n"),
            Err(e) => {
                self.firmware.loaded.store(false, Relaxed);
                dev_err!(self.dev, "restart after resume failed: {e:?}\n");
            }
        }
        restart
    }

    /// On unbind: waits for a running operation, powers the core down if
    /// firmware is loaded (as the C original's remove does), then drops the
    /// backend, which unmaps the reserved memory (the registers go with
    /// the device), and stops the clocks. Open files then get `ENODEV`.
    fn shut_down(&self) {
        let mut hw = self.hw.lock();
        if let Some(hardware) = hw.as_ref() {
            if self.firmware.loaded.load(Relaxed) {
                match Protocol::new(&*hardware.backend, &self.metrics).power_down() {
                    Ok(()) => dev_info!(self.dev, "co-processor powered down on remove\n"),
                    Err(e) => dev_warn!(self.dev, "power down on remove failed: {e:?}\n"),
                }
                self.firmware.loaded.store(false, Relaxed);
            }
        }
        *hw = None;
    }
}

/// The co-processor's class device, shut down when dropped.
///
/// The error path: driver data dropped without an unbind (a probe that
/// fails after the firmware load, e.g. `/dev/mipsloader` not registered)
/// powers the core down as an unbind does. After an unbind the hardware is
/// gone and this does nothing. (A plain `Drop` here, not a `PinnedDrop` of
/// `Mips`: `#[pinned_drop]` expands to an `unsafe impl`.)
struct MipsDevice(ClassDevice<Mips>);

impl MipsDevice {
    fn data(&self) -> ArcBorrow<'_, Mips> {
        self.0.data()
    }
}

impl Drop for MipsDevice {
    fn drop(&mut self) {
        self.0.data().shut_down();
    }
}

/// Whether the caller has `CAP_SYS_RAWIO`.
fn capable_rawio() -> bool {
    capable(Capability::SysRawio)
}

/// Commands that change the co-processor need a descriptor opened for
/// writing (`EBADF` otherwise) and `CAP_SYS_RAWIO` (`EPERM` otherwise);
/// status works on a read-only descriptor.
fn may_change(file: &File) -> Result {
    if file.flags() & flags::O_ACCMODE == flags::O_RDONLY {
        return Err(EBADF);
    }
    if !capable_rawio() {
        return Err(EPERM);
    }
    Ok(())
}

/// The co-processor's files under `/sys/class/hy300/mips` (names and
/// modes in [`MIPS_ATTRIBUTES`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MipsFile {
    Metrics,
    MemoryStats,
    RegisterAccessCount,
    FirmwareStatus,
    CommunicationErrors,
    Panelparam,
}

impl ClassAttributes for Mips {
    type File = MipsFile;
    type Owner = Arc<Self>;

    fn show(&self, file: MipsFile, out: &mut prometheus::Writer<'_>) {
        if let Some(page) = metrics::page_of(file) {
            metrics::render(&self.metrics, &self.firmware, page, out);
        }
    }

    /// `panelparam` (the C original's, write-only here): strict
    /// `tl_x=N,tl_y=N,tr_x=N,tr_y=N,bl_x=N,bl_y=N,br_x=N,br_y=N`.
    fn store(this: ArcBorrow<'_, Self>, file: MipsFile, input: &[u8]) -> Result {
        match file {
            MipsFile::Panelparam => {}
            // Read-only: sysfs gives them no store.
            MipsFile::Metrics
            | MipsFile::MemoryStats
            | MipsFile::RegisterAccessCount
            | MipsFile::FirmwareStatus
            | MipsFile::CommunicationErrors => return Err(EACCES),
        }
        if !capable_rawio() {
            return Err(EPERM);
        }
        let corners = panel::parse(input).inspect_err(|e| {
            if this.input_warnings.allow() {
                dev_warn!(this.dev, "panelparam: invalid input ({e:?})\n");
            }
        })?;
        this.set_panel(&corners)
    }
}

crate::hy300_attributes!(MIPS_ATTRIBUTES: Mips as c"mips" => {
    MipsFile::Metrics: c"metrics" => 0o444,
    MipsFile::MemoryStats: c"memory_stats" => 0o444,
    MipsFile::RegisterAccessCount: c"register_access_count" => 0o444,
    MipsFile::FirmwareStatus: c"firmware_status" => 0o444,
    MipsFile::CommunicationErrors: c"communication_errors" => 0o444,
    MipsFile::Panelparam: c"panelparam" => 0o200,
});

/// `/dev/mipsloader`: each open file holds the co-processor state (not the
/// device: after unbind its operations fail with `ENODEV`).
struct MipsControl;

impl Control for MipsControl {
    /// The co-processor state the registration holds for new files.
    type Data = Arc<Mips>;
    type Ptr = Arc<Mips>;

    fn open(_file: &File, mips: &Arc<Mips>) -> Result<Arc<Mips>> {
        Ok(mips.clone())
    }

    fn ioctl(mips: ArcBorrow<'_, Mips>, file: &File, cmd: u32, arg: usize) -> Result<isize> {
        let user = |len| UserSlice::new(UserPtr::from_addr(arg), len);
        match cmd {
            uapi::IOC_LOAD_FW => {
                may_change(file)?;
                let request: uapi::LoadRequest = user(core::mem::size_of::<uapi::LoadRequest>())
                    .reader()
                    .read()?;
                mips.load(request.firmware_name()?, request.expected_crc()?)?;
            }
            uapi::IOC_LOAD_FW_ORIG => {
                may_change(file)?;
                let mut buf = [0u8; uapi::FW_NAME_MAX + 1];
                mips.load(uapi::read_original_name(arg, &mut buf)?, None)?;
            }
            uapi::IOC_RESTART => {
                may_change(file)?;
                mips.restart()?;
            }
            uapi::IOC_POWER_DOWN => {
                may_change(file)?;
                mips.power_down()?;
            }
            uapi::IOC_GET_STATUS => {
                let status = mips.status()?;
                user(core::mem::size_of::<uapi::Status>())
                    .writer()
                    .write(&status)?;
            }
            uapi::IOC_GET_STATUS_ORIG => {
                let status = mips.status_reg()?;
                user(core::mem::size_of::<u32>()).writer().write(&status)?;
            }
            uapi::IOC_SET_PANEL => {
                may_change(file)?;
                let panel: uapi::Panel =
                    user(core::mem::size_of::<uapi::Panel>()).reader().read()?;
                mips.set_panel(&panel.corners())?;
            }
            _ => return Err(ENOTTY),
        }
        Ok(0)
    }

    /// 32-bit callers: the original LOAD_FW's number carries a 4-byte
    /// `char *`; everything else is the same (`uapi::compat_cmd`). `arg` is
    /// already the zero-extended 32-bit pointer (`compat_ptr` is the
    /// identity on arm64 and x86_64). Compiled with `CONFIG_COMPAT` (the
    /// arm64 test kernel: tests/vm/compat.sh calls every command from
    /// 32-bit ARM programs; KUnit checks `uapi::compat_cmd`).
    #[cfg(CONFIG_COMPAT)]
    fn compat_ioctl(mips: ArcBorrow<'_, Mips>, file: &File, cmd: u32, arg: usize) -> Result<isize> {
        Self::ioctl(mips, file, uapi::compat_cmd(cmd).ok_or(ENOTTY)?, arg)
    }
}

/// Which backend a matched node uses.
#[derive(Clone, Copy)]
enum BackendKind {
    /// The H713 register block and reserved memory.
    Mmio,
    /// The QEMU guest's simulation (`sim.rs`).
    #[cfg(hy300_sim)]
    Sim,
}

#[cfg(not(hy300_sim))]
kernel::of_device_table!(
    OF_TABLE,
    <MipsLoaderDriver as platform::Driver>::IdInfo,
    [(
        of::DeviceId::new(c"allwinner,sun50i-h713-mipsloader"),
        BackendKind::Mmio
    ),]
);

#[cfg(hy300_sim)]
kernel::of_device_table!(
    OF_TABLE,
    <MipsLoaderDriver as platform::Driver>::IdInfo,
    [
        (
            of::DeviceId::new(c"allwinner,sun50i-h713-mipsloader"),
            BackendKind::Mmio
        ),
        (
            of::DeviceId::new(c"hy300,h713-mipsloader-sim"),
            BackendKind::Sim
        ),
    ]
);

/// The bound driver.
#[pin_data]
struct MipsLoaderDriver {
    /// First, so it is deregistered before anything else goes; open files
    /// keep their own reference to the co-processor state.
    #[pin]
    misc: miscdev::Registration<MipsControl>,
    class_device: MipsDevice,
}

impl MipsLoaderDriver {
    /// Maps the hardware, loads the firmware named by the device tree and
    /// registers the class device.
    fn set_up(pdev: &platform::Device<Core<'_>>, kind: BackendKind) -> Result<MipsDevice> {
        let dev = pdev.as_ref();
        let backend: Arc<dyn MipsHw> = match kind {
            BackendKind::Mmio => Arc::pin_init(mmio::MmioHw::new(pdev)?, GFP_KERNEL)?,
            #[cfg(hy300_sim)]
            BackendKind::Sim => sim::SimHw::new()?,
        };
        let hw = Hardware {
            backend,
            clocks: clocks::Clocks::get(dev)?,
        };
        let mips = Arc::pin_init(
            try_pin_init!(Mips {
                metrics: ProtocolMetrics::new(),
                firmware: FirmwareState::new(),
                hw <- kernel::new_mutex!(Some(hw)),
                asleep: AtomicBool::new(false),
                input_warnings <- RateLimit::new(c"sunxi_mipsloader: panelparam", 10, 5000),
                dev: dev.into(),
            }? Error),
            GFP_KERNEL,
        )?;
        // A missing or bad image is logged and counted; the driver stays up
        // so userspace can load another through /dev/mipsloader.
        let name: Option<CString> = dev
            .fwnode()
            .and_then(|node| node.property_read::<CString>(c"firmware-name").optional());
        let name: &CStr = name.as_deref().unwrap_or(DEFAULT_FIRMWARE);
        if mips.load(name, None).is_ok() {
            dev_info!(dev, "firmware {name:?} loaded and started\n");
        }
        ClassDevice::register_or_degrade(dev, &MIPS_ATTRIBUTES, mips.clone())
            .map(MipsDevice)
            .inspect_err(|_| mips.shut_down())
    }
}

impl platform::Driver for MipsLoaderDriver {
    type IdInfo = BackendKind;
    type Data<'bound> = Self;
    const OF_ID_TABLE: Option<of::IdTable<Self::IdInfo>> = Some(&OF_TABLE);

    fn probe<'bound>(
        pdev: &'bound platform::Device<Core<'_>>,
        info: Option<&'bound Self::IdInfo>,
    ) -> impl PinInit<Self, Error> + 'bound {
        let kind = info.copied().unwrap_or(BackendKind::Mmio);
        pin_init::pin_init_scope(move || {
            let class_device = Self::set_up(pdev, kind)?;
            let mips = Arc::from(class_device.data());
            Ok(try_pin_init!(MipsLoaderDriver {
                class_device,
                misc <- miscdev::Registration::register(c"mipsloader", mips),
            }? Error))
        })
    }

    fn unbind<'bound>(_pdev: &'bound platform::Device<Core<'_>>, this: Pin<&Self::Data<'bound>>) {
        this.class_device.data().shut_down();
    }
}

/// System sleep: see [`Mips::suspend`] and [`Mips::resume`].
impl SystemSleep for MipsLoaderDriver {
    fn suspend<'bound>(_dev: &'bound Device<Bound>, this: Pin<&Self::Data<'bound>>) -> Result {
        this.class_device.data().suspend()
    }

    fn resume<'bound>(_dev: &'bound Device<Bound>, this: Pin<&Self::Data<'bound>>) -> Result {
        this.class_device.data().resume(false)
    }

    fn restore<'bound>(_dev: &'bound Device<Bound>, this: Pin<&Self::Data<'bound>>) -> Result {
        this.class_device.data().resume(true)
    }
}

crate::module_platform_driver_sleep! {
    type: MipsLoaderDriver,
    name: "sunxi_mipsloader",
    authors: ["HY300 driver authors"],
    description: "Allwinner H713 MIPS display co-processor loader",
    license: "GPL",
}

kernel::module_firmware!(FirmwareInfo);
