// SPDX-License-Identifier: GPL-2.0

//! The `hy300` device class (`/sys/class/hy300`), shared by the HY300
//! projector drivers.
//!
//! Drivers add and remove their class device through the two functions
//! exported by `hy300_class_exports.c`; they reach them through
//! `rust/hy300/class_device.rs`. Each driver module then depends on this one,
//! so the module refcount keeps the class alive while any driver is loaded.
//!
//! A device that cannot be created (in practice: an allocation failure) is
//! counted here, where the count survives the device that is missing:
//! `/sys/kernel/debug/hy300_class/device_errors`. The drivers still bind
//! without their files (see `ClassDevice::register_or_degrade`).

use core::sync::atomic::{AtomicU64, Ordering::Relaxed};
use kernel::bindings;
use kernel::debugfs::{Dir, File};
use kernel::prelude::*;

// Shared libraries: each module uses only part of them.
#[allow(dead_code, unused_imports, unreachable_pub)]
#[path = "../../../rust/prometheus/src/prometheus.rs"]
mod prometheus;

#[allow(dead_code, unused_imports, unreachable_pub)]
#[path = "../../../rust/hy300/mod.rs"]
mod hy300;

// The project's generated C bindings (scripts/hy300-bindgen).
#[path = "../../../rust/bindings/mod.rs"]
mod hy300_bindings;

#[cfg(CONFIG_KUNIT)]
mod tests;

module! {
    type: Hy300ClassModule,
    name: "hy300_class",
    authors: ["HY300 driver authors"],
    description: "HY300 projector device class (/sys/class/hy300)",
    license: "GPL",
}

/// The registered class, or null before init and after exit.
struct ClassHandle(*mut bindings::class);

// SAFETY: a `struct class` pointer may be used from any thread; access to the
// handle itself is serialised by `HY300_CLASS`.
unsafe impl Send for ClassHandle {}

kernel::sync::global_lock! {
    // SAFETY: initialised in `Hy300ClassModule::init` before any other use.
    // It also serialises device creation so that name checks cannot race.
    unsafe(uninit) static HY300_CLASS: Mutex<ClassHandle> = ClassHandle(core::ptr::null_mut());
}

/// Class devices that could not be created, since the module was loaded.
static DEVICE_ERRORS: AtomicU64 = AtomicU64::new(0);

/// The number of class devices that could not be created.
pub(crate) fn device_errors() -> u64 {
    DEVICE_ERRORS.load(Relaxed)
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

struct Hy300ClassModule {
    _debug: Option<DebugFiles>,
}

impl kernel::Module for Hy300ClassModule {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        // SAFETY: called once, before any use of the lock.
        unsafe { HY300_CLASS.init() };
        // SAFETY: the name is a static NUL-terminated string.
        let class = unsafe { bindings::class_create(c"hy300".as_char_ptr()) };
        let class = kernel::error::from_err_ptr(class)?;
        HY300_CLASS.lock().0 = class;
        pr_info!("hy300 class registered\n");
        Ok(Hy300ClassModule {
            _debug: DebugFiles::create(),
        })
    }
}

impl Drop for Hy300ClassModule {
    fn drop(&mut self) {
        let mut class = HY300_CLASS.lock();
        // SAFETY: created in `init`; no device remains, since every driver
        // module holds a reference to this module while its device exists.
        unsafe { bindings::class_destroy(class.0) };
        class.0 = core::ptr::null_mut();
    }
}

/// Creates `/sys/class/hy300/<name>` with `groups`, `drvdata` for callbacks.
///
/// Returns 0 and stores the device in `*dev`, or a negative errno:
/// `-EEXIST` if the name is taken, `-ENODEV` without the class, `-ENOMEM`
/// (or the driver core's error) if the device or one of its files cannot
/// be created. Every failure is counted in `device_errors`.
///
/// # Safety
///
/// `name` is NUL-terminated; `groups` is NULL or a NULL-terminated array of
/// groups that outlive the device; `parent` is NULL or a live device; `dev`
/// is writable; `drvdata` stays valid until [`hy300_class_device_destroy`].
#[no_mangle]
pub unsafe extern "C" fn hy300_class_device_create(
    name: *const kernel::ffi::c_char,
    parent: *mut core::ffi::c_void,
    groups: *const *const bindings::attribute_group,
    drvdata: *mut core::ffi::c_void,
    dev: *mut *mut core::ffi::c_void,
) -> kernel::ffi::c_int {
    match create(name, parent.cast(), groups.cast_mut(), drvdata) {
        Ok(created) => {
            // SAFETY: the caller guarantees `dev` is writable.
            unsafe { *dev = created.cast() };
            0
        }
        Err(e) => {
            DEVICE_ERRORS.fetch_add(1, Relaxed);
            e.to_errno()
        }
    }
}

fn create(
    name: *const kernel::ffi::c_char,
    parent: *mut bindings::device,
    groups: *mut *const bindings::attribute_group,
    drvdata: *mut kernel::ffi::c_void,
) -> Result<*mut bindings::device> {
    let class = HY300_CLASS.lock();
    if class.0.is_null() {
        return Err(ENODEV);
    }
    // SAFETY: the class is registered (non-null under the lock) and `name`
    // is a NUL-terminated string (caller contract).
    let existing = unsafe {
        bindings::class_find_device(
            class.0,
            core::ptr::null_mut(),
            name.cast(),
            Some(bindings::device_match_name),
        )
    };
    if !existing.is_null() {
        // SAFETY: `class_find_device` returned a reference we must drop.
        unsafe { bindings::put_device(existing) };
        return Err(EEXIST);
    }
    // SAFETY: arguments as documented on `hy300_class_device_create`; the
    // format string consumes exactly one `char *` argument.
    let created = unsafe {
        bindings::device_create_with_groups(
            class.0,
            parent,
            0,
            drvdata,
            groups,
            c"%s".as_char_ptr(),
            name,
        )
    };
    kernel::error::from_err_ptr(created)
}

/// Removes a device created by [`hy300_class_device_create`]. Waits for
/// running sysfs callbacks; none runs afterwards.
///
/// # Safety
///
/// `dev` was returned by [`hy300_class_device_create`] and not yet destroyed.
#[no_mangle]
pub unsafe extern "C" fn hy300_class_device_destroy(dev: *mut core::ffi::c_void) {
    // SAFETY: per the contract `dev` is a registered class device.
    unsafe { bindings::device_unregister(dev.cast()) };
}
