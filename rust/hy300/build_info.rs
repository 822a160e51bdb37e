// SPDX-License-Identifier: GPL-2.0

//! Identity: the `build_info` file every hy300 device has, served by the
//! class core's show path (see [`crate::hy300::class_device`]).

use crate::hy300::class_device::fits_page_budget;
use crate::prometheus::{Family, LabelName, Writer};

/// The hy300 release the modules are built from (dkms.conf's
/// `PACKAGE_VERSION`, nix/package.nix's version; tests/abi.sh checks all
/// three agree).
pub const VERSION: &str = "0.1.0";

/// The info metric: value 1, its labels say which software serves the
/// device.
pub const BUILD_INFO: Family = Family::gauge(
    "hy300_build_info",
    "Driver build: 1, labelled with the device, its driver and the hy300 release.",
);
/// The device (`/sys/class/hy300/<device>`).
pub const DEVICE: LabelName = LabelName::new("device");
/// The driver bound to the device's parent.
pub const DRIVER: LabelName = LabelName::new("driver");
/// [`VERSION`].
pub const RELEASE: LabelName = LabelName::new("version");

/// The longest device and driver names the page bound allows for (a
/// device name is at most 31 bytes, a driver name much shorter than 64);
/// longer ones are still served, cut short and counted as any page.
const MAX_DEVICE: &str = "0123456789012345678901234567890";
const MAX_DRIVER: &str = "0123456789012345678901234567890123456789012345678901234567890123";

/// The longest `build_info` text.
pub const BUILD_INFO_MAX: usize = BUILD_INFO.max_page_len_of::<bool>(
    1,
    DEVICE.pair_len(MAX_DEVICE) + 1 + DRIVER.pair_len(MAX_DRIVER) + 1 + RELEASE.pair_len(VERSION),
);

// The file and its self-metric leave 10% of the page free, or the build
// fails.
const _: () = assert!(
    fits_page_budget(MAX_DEVICE, "build_info", BUILD_INFO_MAX),
    "build_info leaves less than 10% of the page free"
);

/// Renders `build_info` of `device`, whose parent is bound to `driver`.
pub fn render(device: &str, driver: &str, w: &mut Writer<'_>) {
    w.family(&BUILD_INFO, |f| {
        f.sample(
            &[(DEVICE, device), (DRIVER, driver), (RELEASE, VERSION)],
            1u64,
        );
    });
}
