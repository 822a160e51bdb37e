// SPDX-License-Identifier: GPL-2.0

//! The `hy300` device class itself (`/sys/class/hy300`): compiled into the
//! class module only (`hy300_class`, `--cfg hy300_class_core`), which
//! registers it with [`Class::register`] and serves the other modules
//! through the two entry points below, exported by
//! drivers/misc/hy300/hy300_class_exports.c (the drivers reach them
//! through `class_device.rs`).
//!
//! 7.3 has no Rust abstraction for device classes; this is the thin layer
//! over `class_create`/`class_destroy`, `class_find_device` and
//! `device_create_with_groups`/`device_unregister`.
//!
//! A device that cannot be created (in practice: an allocation failure) is
//! counted here, where the count survives the device that is missing
//! ([`device_errors`]).

use core::sync::atomic::{
    AtomicU64, AtomicU8,
    Ordering::{AcqRel, Acquire, Relaxed, Release},
};
use kernel::bindings;
use kernel::device::Device;
use kernel::prelude::*;
use kernel::sync::aref::ARef;

/// The registered class, or null before [`Class::register`] and after its
/// drop.
struct ClassHandle(*mut bindings::class);

// SAFETY: a `struct class` pointer may be used from any thread; access to
// the handle itself is serialised by `HY300_CLASS`.
unsafe impl Send for ClassHandle {}

kernel::sync::global_lock! {
    // SAFETY: initialised once, by the first `Class::register`, before any
    // use: every user checks `LOCK_STATE` is `LOCK_READY` first.
    // It also serialises device creation so that name checks cannot race.
    unsafe(uninit) static HY300_CLASS: Mutex<ClassHandle> = ClassHandle(core::ptr::null_mut());
}

/// `HY300_CLASS` not initialised yet.
const LOCK_UNINIT: u8 = 0;
/// `HY300_CLASS` being initialised by one `Class::register`.
const LOCK_INITIALISING: u8 = 1;
/// `HY300_CLASS` initialised: usable.
const LOCK_READY: u8 = 2;
/// The state of `HY300_CLASS` (one of the above).
static LOCK_STATE: AtomicU8 = AtomicU8::new(LOCK_UNINIT);

/// `HY300_CLASS`, locked, once it is initialised.
fn class_lock() -> Option<kernel::sync::GlobalGuard<HY300_CLASS>> {
    (LOCK_STATE.load(Acquire) == LOCK_READY).then(|| HY300_CLASS.lock())
}

/// Class devices that could not be created, since the module was loaded.
static DEVICE_ERRORS: AtomicU64 = AtomicU64::new(0);

/// The number of class devices that could not be created.
pub fn device_errors() -> u64 {
    DEVICE_ERRORS.load(Relaxed)
}

/// The registered `hy300` class; unregistered on drop.
///
/// # Invariants
///
/// While it lives, `HY300_CLASS` holds the class it registered; at most
/// one exists.
pub struct Class(());

impl Class {
    /// Registers the class `hy300`. `EBUSY` while another `Class` exists
    /// (or is being registered).
    pub fn register() -> Result<Self> {
        match LOCK_STATE.compare_exchange(LOCK_UNINIT, LOCK_INITIALISING, AcqRel, Acquire) {
            Ok(_) => {
                // SAFETY: only the one caller that moved the state out of
                // `LOCK_UNINIT` gets here, once; nothing locks it before
                // the state is `LOCK_READY` (`class_lock`).
                unsafe { HY300_CLASS.init() };
                LOCK_STATE.store(LOCK_READY, Release);
            }
            Err(LOCK_READY) => {}
            Err(_) => return Err(EBUSY),
        }
        let mut class = class_lock().ok_or(EBUSY)?;
        if !class.0.is_null() {
            return Err(EBUSY);
        }
        // SAFETY: the name is a static NUL-terminated string.
        let raw = unsafe { bindings::class_create(c"hy300".as_char_ptr()) };
        class.0 = kernel::error::from_err_ptr(raw)?;
        // INVARIANT: registered above and held by `HY300_CLASS`.
        Ok(Class(()))
    }
}

/// The class device named `name`, if the class is registered and has one
/// (a reference).
pub fn find_device(name: &CStr) -> Option<ARef<Device>> {
    let class = class_lock()?;
    if class.0.is_null() {
        return None;
    }
    // SAFETY: the class is registered (non-null under the lock); `name`
    // is NUL-terminated and only compared.
    let dev = unsafe {
        bindings::class_find_device(
            class.0,
            core::ptr::null(),
            name.as_char_ptr().cast(),
            Some(bindings::device_match_name),
        )
    };
    // SAFETY: class_find_device() returned a live device with a
    // reference taken for the caller, which the `ARef` now owns
    // (`Device` is a transparent wrapper of `struct device`).
    core::ptr::NonNull::new(dev).map(|dev| unsafe { ARef::from_raw(dev.cast::<Device>()) })
}

impl Drop for Class {
    fn drop(&mut self) {
        // `Class` exists only once the lock is ready (type invariant).
        if let Some(mut class) = class_lock() {
            // SAFETY: registered by `register` (type invariant); no device
            // remains, since every driver module holds a reference to the
            // class module while its device exists.
            unsafe { bindings::class_destroy(class.0) };
            class.0 = core::ptr::null_mut();
        }
    }
}

/// Creates `/sys/class/hy300/<name>` with `groups`, `drvdata` for callbacks.
///
/// Returns 0 and stores the device in `*dev`, or a negative errno:
/// `-EEXIST` if the name is taken, `-ENODEV` without the class, `-ENOMEM`
/// (or the driver core's error) if the device or one of its files cannot
/// be created. Every failure is counted in [`device_errors`].
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
    // SAFETY: the caller's contract is `create`'s.
    match unsafe { create(name, parent.cast(), groups.cast_mut(), drvdata) } {
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

/// The body of [`hy300_class_device_create`].
///
/// # Safety
///
/// As [`hy300_class_device_create`].
unsafe fn create(
    name: *const kernel::ffi::c_char,
    parent: *mut bindings::device,
    groups: *mut *const bindings::attribute_group,
    drvdata: *mut kernel::ffi::c_void,
) -> Result<*mut bindings::device> {
    let class = class_lock().ok_or(ENODEV)?;
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

/// Test support: a sysfs file of a class device, found the way sysfs
/// finds it, and its callbacks called as a read or write would.
///
/// KUnit cases run in kernel threads, whose root is not the guest's
/// filesystem, so the files are reached through kernfs instead of by path;
/// the real `cat`/`echo` path is covered by the VM smoke test.
///
/// # Invariants
///
/// `node` is a referenced kernfs node of a file of `dev`, whose private
/// data is the `struct attribute` embedded first in a `device_attribute`
/// (every class device file is one), put only by `drop`.
#[cfg(CONFIG_KUNIT)]
pub struct SysfsFile {
    dev: ARef<Device>,
    node: core::ptr::NonNull<bindings::kernfs_node>,
}

#[cfg(CONFIG_KUNIT)]
impl SysfsFile {
    /// Looks up `/sys/class/hy300/<device>/<file>`.
    pub fn find(device: &CStr, file: &CStr) -> Option<Self> {
        let dev = find_device(device)?;
        let raw = core::ptr::from_ref::<Device>(&dev).cast::<bindings::device>();
        // SAFETY: `dev` is a live, referenced device, registered (a class
        // device): its kobject has a kernfs node; `file` is NUL-terminated.
        let node = unsafe {
            bindings::kernfs_find_and_get_ns((*raw).kobj.sd, file.as_char_ptr(), core::ptr::null())
        };
        // INVARIANT: a node of `dev`'s directory, referenced for us.
        Some(SysfsFile {
            dev,
            node: core::ptr::NonNull::new(node)?,
        })
    }

    /// The device the file belongs to.
    pub fn device(&self) -> &Device {
        &self.dev
    }

    /// The file's permission bits.
    pub fn mode(&self) -> u16 {
        // SAFETY: `node` is referenced by `self` (type invariant).
        unsafe { (*self.node.as_ptr()).mode & 0o777 }
    }

    fn attribute(&self) -> *mut bindings::device_attribute {
        // SAFETY: `node` is referenced by `self`; sysfs keeps the
        // `struct attribute` in its private data, embedded first in a
        // `device_attribute` (type invariant).
        unsafe { (*self.node.as_ptr()).priv_.cast() }
    }

    fn raw_device(&self) -> *mut bindings::device {
        core::ptr::from_ref::<Device>(&self.dev).cast_mut().cast()
    }

    /// Calls the file's show callback as a read would.
    pub fn show(&self, page: &mut [u8; kernel::page::PAGE_SIZE]) -> isize {
        // SAFETY: the attribute is one of this device's (type invariant),
        // alive while the node is referenced; `page` is a writable page.
        unsafe {
            match (*self.attribute()).__bindgen_anon_1.show {
                Some(show) => show(
                    self.raw_device(),
                    self.attribute(),
                    page.as_mut_ptr().cast(),
                ),
                None => -(bindings::EIO as isize),
            }
        }
    }

    /// Calls the file's store callback as a write would.
    pub fn store(&self, input: &[u8]) -> isize {
        // SAFETY: the attribute is one of this device's (type invariant);
        // `input` is readable for its length.
        unsafe {
            match (*self.attribute()).__bindgen_anon_2.store {
                Some(store) => store(
                    self.raw_device(),
                    self.attribute(),
                    input.as_ptr().cast(),
                    input.len(),
                ),
                None => -(bindings::EIO as isize),
            }
        }
    }
}

#[cfg(CONFIG_KUNIT)]
impl Drop for SysfsFile {
    fn drop(&mut self) {
        // SAFETY: the reference taken in `find` (type invariant), put once;
        // `dev`'s reference is dropped after, by its `ARef`.
        unsafe { bindings::kernfs_put(self.node.as_ptr()) };
    }
}
