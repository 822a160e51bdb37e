// SPDX-License-Identifier: GPL-2.0

//! The `hy300` device class (`/sys/class/hy300`), shared by the HY300
//! projector drivers.
//!
//! The class and the two functions the drivers call to add and remove
//! their class device are in `rust/hy300/class_core.rs` (compiled into
//! this module only, with `--cfg hy300_class_core`); the functions are
//! exported by `hy300_class_exports.c`, and the drivers reach them through
//! `rust/hy300/class_device.rs`. Each driver module then depends on this
//! one, so the module refcount keeps the class alive while any driver is
//! loaded.
//!
//! A device that cannot be created (in practice: an allocation failure) is
//! counted by the class core, where the count survives the device that is
//! missing: `/sys/kernel/debug/hy300_class/device_errors`. The drivers
//! still bind without their files (see `ClassDevice::register_or_degrade`).
//!
//! This file is safe code, checked by the compiler: this crate root
//! denies `unsafe_code`, allowed only on the `mod` items of the shared
//! layers it includes (rust/hy300, rust/prometheus and the bindings: they
//! are modules of this crate, and a `forbid` here could not be lifted for
//! them), and its tests forbid it (`#![forbid(unsafe_code)]`).

#![deny(unsafe_code)]

use kernel::debugfs::{Dir, File};
use kernel::prelude::*;

// Shared libraries: each module uses only part of them. They hold the
// module's unsafe code.
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

use hy300::class_core::{device_errors, Class};

#[cfg(CONFIG_KUNIT)]
mod tests;

module! {
    type: Hy300ClassModule,
    name: "hy300_class",
    authors: ["HY300 driver authors"],
    description: "HY300 projector device class (/sys/class/hy300)",
    license: "GPL",
}

/// `/sys/kernel/debug/hy300_class/device_errors` (0400): the number of
/// class devices that could not be created. Field order is drop order:
/// the file goes before its directory.
struct DebugFiles {
    _device_errors: Pin<KBox<File<()>>>,
    _dir: Dir,
}

impl DebugFiles {
    /// `None` if the file cannot be created: debugfs is optional.
    fn create() -> Option<Self> {
        let dir = Dir::new(c"hy300_class");
        let file = KBox::pin_init(
            dir.read_callback_file(c"device_errors", (), &|(), f| {
                writeln!(f, "{}", device_errors())
            }),
            GFP_KERNEL,
        )
        .ok()?;
        Some(DebugFiles {
            _device_errors: file,
            _dir: dir,
        })
    }
}

/// The module: the class, and its debugfs file. Field order is drop
/// order: the class goes first (no device remains by then).
struct Hy300ClassModule {
    _class: Class,
    _debug: Option<DebugFiles>,
}

impl kernel::Module for Hy300ClassModule {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let class = Class::register()?;
        pr_info!("hy300 class registered\n");
        Ok(Hy300ClassModule {
            _class: class,
            _debug: DebugFiles::create(),
        })
    }
}
