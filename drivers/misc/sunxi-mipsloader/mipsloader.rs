// SPDX-License-Identifier: GPL-2.0

//! Allwinner H713 MIPS display co-processor loader (`sunxi-mipsloader`).
//!
//! Loads the co-processor firmware into its reserved memory, starts, stops
//! and configures it through a 4-register block, and offers
//! `/dev/mipsloader` (ioctls in `include/uapi/linux/hy300-mipsloader.h`).
//! `/sys/class/hy300/mips` exports memory, register access, firmware and
//! communication metrics as Prometheus text.

use core::sync::atomic::Ordering::Relaxed;
use kernel::device::{Core, Device};
use kernel::fs::File;
use kernel::miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration};
use kernel::prelude::*;
use kernel::str::CString;
use kernel::sync::aref::ARef;
use kernel::sync::{Arc, ArcBorrow, Mutex};
use kernel::uaccess::{UserPtr, UserSlice};
use kernel::{of, platform};

mod crc32;
mod firmware;
mod hw;
mod layout;
mod metrics;
mod mmio;
mod protocol;
#[cfg(hy300_sim)]
mod sim;
#[cfg(CONFIG_KUNIT)]
mod tests;
mod uapi;

// Shared libraries: each module uses only part of them.
#[allow(dead_code, unused_imports, unreachable_pub)]
#[path = "../../../rust/prometheus/src/prometheus.rs"]
mod prometheus;

#[allow(dead_code, unused_imports, unreachable_pub)]
#[path = "../../../rust/hy300/mod.rs"]
mod hy300;

use firmware::FirmwareState;
use hw::{Backend, Reg};
use hy300::class_device::{ClassAttributes, ClassDevice};
use protocol::Protocol;

/// Firmware loaded at probe when the device tree names none.
const DEFAULT_FIRMWARE: &CStr = c"display.bin";

/// The co-processor: protocol, firmware state and the operation lock.
#[pin_data]
pub(crate) struct Mips {
    pub(crate) proto: Protocol,
    pub(crate) firmware: FirmwareState,
    /// Serialises operations (load, restart, panel...): they sleep. Metric
    /// reads never take it.
    #[pin]
    ops: Mutex<()>,
    dev: ARef<Device>,
}

impl Mips {
    fn load(&self, name: &CStr, expected_crc: Option<u32>) -> Result {
        let _ops = self.ops.lock();
        firmware::load(&self.dev, &self.proto, &self.firmware, name, expected_crc)
    }

    fn restart(&self) -> Result {
        let _ops = self.ops.lock();
        self.proto.restart()
    }

    fn power_down(&self) -> Result {
        let _ops = self.ops.lock();
        self.proto.power_down()?;
        self.firmware.loaded.store(false, Relaxed);
        Ok(())
    }

    fn set_panel(&self, corners: &[i32; 8]) -> Result {
        let _ops = self.ops.lock();
        self.proto.set_panel(corners)
    }

    fn status(&self) -> Result<uapi::Status> {
        let _ops = self.ops.lock();
        Ok(uapi::Status {
            loaded: self.firmware.loaded.load(Relaxed).into(),
            firmware_size: u32::try_from(self.firmware.size.load(Relaxed)).unwrap_or(u32::MAX),
            firmware_crc32: self.firmware.crc.load(Relaxed),
            status_reg: self.proto.read(Reg::Status)?,
        })
    }
}

impl ClassAttributes for Mips {
    fn show(&self, attr: &CStr, out: &mut prometheus::Writer<'_>) {
        metrics::render(&self.proto.metrics, &self.firmware, attr.to_bytes(), out);
    }
}

crate::hy300_attributes!(MIPS_ATTRIBUTES: Mips => {
    c"metrics" => 0o444,
    c"memory_stats" => 0o444,
    c"register_access_count" => 0o444,
    c"firmware_status" => 0o444,
    c"communication_errors" => 0o444,
});

/// `/dev/mipsloader`: each open file holds the co-processor.
struct MipsControl;

#[vtable]
impl MiscDevice for MipsControl {
    type Ptr = Arc<Mips>;

    fn open(_file: &File, misc: &MiscDeviceRegistration<Self>) -> Result<Arc<Mips>> {
        // SAFETY: every `MipsControl` registration is the `misc` field of a
        // live `MipsLoaderDriver` (it is deregistered before the rest of the
        // driver data is dropped).
        let driver =
            unsafe { &*kernel::container_of!(core::ptr::from_ref(misc), MipsLoaderDriver, misc) };
        Ok(driver.class_device.data().clone())
    }

    fn ioctl(mips: ArcBorrow<'_, Mips>, _file: &File, cmd: u32, arg: usize) -> Result<isize> {
        let user = |len| UserSlice::new(UserPtr::from_addr(arg), len);
        match cmd {
            uapi::IOC_LOAD_FW => {
                let request: uapi::LoadRequest = user(core::mem::size_of::<uapi::LoadRequest>())
                    .reader()
                    .read()?;
                mips.load(request.firmware_name()?, request.expected_crc()?)?;
            }
            uapi::IOC_RESTART => mips.restart()?,
            uapi::IOC_POWER_DOWN => mips.power_down()?,
            uapi::IOC_GET_STATUS => {
                let status = mips.status()?;
                user(core::mem::size_of::<uapi::Status>())
                    .writer()
                    .write(&status)?;
            }
            uapi::IOC_SET_PANEL => {
                let panel: uapi::Panel =
                    user(core::mem::size_of::<uapi::Panel>()).reader().read()?;
                mips.set_panel(&panel.corners)?;
            }
            _ => return Err(ENOTTY),
        }
        Ok(0)
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
    [
        (
            of::DeviceId::new(c"allwinner,sun50i-h713-mipsloader"),
            BackendKind::Mmio
        ),
        (
            of::DeviceId::new(c"allwinner,sunxi-mipsloader"),
            BackendKind::Mmio
        ),
    ]
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
            of::DeviceId::new(c"allwinner,sunxi-mipsloader"),
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
    misc: MiscDeviceRegistration<MipsControl>,
    class_device: ClassDevice<Mips>,
}

impl MipsLoaderDriver {
    /// Maps the hardware, loads the firmware named by the device tree and
    /// registers the class device.
    fn set_up(pdev: &platform::Device<Core<'_>>, kind: BackendKind) -> Result<ClassDevice<Mips>> {
        let dev = pdev.as_ref();
        let hw = match kind {
            BackendKind::Mmio => Backend::Mmio(mmio::MmioHw::new(pdev)?),
            #[cfg(hy300_sim)]
            BackendKind::Sim => Backend::Sim(sim::SimHw::new()?),
        };
        let mips = Arc::pin_init(
            try_pin_init!(Mips {
                proto: Protocol::new(hw),
                firmware: FirmwareState::new(),
                ops <- kernel::new_mutex!(()),
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
        ClassDevice::register(c"mips", Some(dev), &MIPS_ATTRIBUTES, mips)
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
        try_pin_init!(MipsLoaderDriver {
            class_device: Self::set_up(pdev, kind)?,
            misc <- MiscDeviceRegistration::register(MiscDeviceOptions { name: c"mipsloader" }),
        }? Error)
    }
}

kernel::module_platform_driver! {
    type: MipsLoaderDriver,
    name: "sunxi_mipsloader",
    authors: ["HY300 driver authors"],
    description: "Allwinner H713 MIPS display co-processor loader",
    license: "GPL",
}
