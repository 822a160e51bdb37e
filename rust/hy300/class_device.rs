// SPDX-License-Identifier: GPL-2.0

//! Safe registration of `/sys/class/hy300/<name>` devices with Prometheus
//! text attributes.
//!
//! The kernel has no Rust abstraction for sysfs attributes or device classes
//! yet. This file is the one place that touches them: a driver implements
//! [`ClassAttributes`], declares its files with [`hy300_attributes!`], and
//! holds a [`ClassDevice`] for as long as the files should exist.
//!
//! The class itself lives in the `hy300_class` module, which exports
//! `hy300_class_device_create`/`hy300_class_device_destroy` (see
//! `drivers/misc/hy300/hy300_class_exports.c`).

use core::marker::PhantomData;
use core::ptr::NonNull;
use kernel::bindings;
use kernel::pr_warn_once;
use kernel::prelude::*;
use kernel::sync::{Arc, ArcBorrow};

use crate::prometheus::Writer;

/// What a driver provides for its class device files.
///
/// Both methods run in process context (a `read`/`write` of the sysfs file)
/// and may be called concurrently with each other and with the driver's hot
/// paths; they must not block on anything a hot path holds.
pub trait ClassAttributes: Send + Sync + 'static {
    /// Renders the file named `attr` into `out` (one sysfs page).
    fn show(&self, attr: &CStr, out: &mut Writer<'_>);

    /// Renders a one-value file (sysfs convention: one value and a
    /// newline) named `attr` into `out` and returns `true`; returns `false`
    /// for the Prometheus files, which [`Self::show`] renders. The default
    /// has no one-value file.
    fn show_value(&self, attr: &CStr, out: &mut kernel::str::Formatter<'_>) -> bool {
        let _ = (attr, out);
        false
    }

    /// Handles a write of `input` to the file named `attr`; `this` can be
    /// turned into an `Arc` (e.g. to queue work). The default refuses: only
    /// files declared writable ever reach this.
    fn store(this: ArcBorrow<'_, Self>, attr: &CStr, input: &[u8]) -> Result {
        let _ = (this, attr, input);
        Err(EACCES)
    }
}

/// A sysfs device attribute that is never written after initialisation.
#[repr(transparent)]
pub struct StaticAttribute(bindings::device_attribute);

// SAFETY: the attribute is immutable after const initialisation; sysfs only
// reads it, from any thread.
unsafe impl Sync for StaticAttribute {}

impl StaticAttribute {
    /// An attribute named `name` with `mode`, dispatching to `T`.
    /// Writable modes (any `0o222` bit) get the store callback.
    pub const fn new<T: ClassAttributes>(name: &'static CStr, mode: u16) -> Self {
        // SAFETY: all-zero is a valid `device_attribute` (null pointers,
        // `None` callbacks).
        let mut attr: bindings::device_attribute = unsafe { core::mem::zeroed() };
        attr.attr.name = kernel::str::as_char_ptr_in_const_context(name);
        attr.attr.mode = mode;
        attr.__bindgen_anon_1.show = Some(show_callback::<T>);
        if mode & 0o222 != 0 {
            attr.__bindgen_anon_2.store = Some(store_callback::<T>);
        }
        StaticAttribute(attr)
    }

    /// Pointer to the embedded `struct attribute`, for an attribute list.
    pub const fn as_attribute_ptr(&'static self) -> *mut bindings::attribute {
        core::ptr::from_ref(&self.0.attr).cast_mut()
    }
}

/// A NULL-terminated array of attribute pointers.
#[repr(transparent)]
pub struct AttributeList<const N: usize>(pub [*mut bindings::attribute; N]);

// SAFETY: points only to immutable statics.
unsafe impl<const N: usize> Sync for AttributeList<N> {}

/// An attribute group over a static [`AttributeList`].
#[repr(transparent)]
pub struct AttributeGroup(bindings::attribute_group);

// SAFETY: immutable after const initialisation and points only to statics.
unsafe impl Sync for AttributeGroup {}

impl AttributeGroup {
    /// A group without a subdirectory over `attrs` (NULL-terminated).
    pub const fn new<const N: usize>(attrs: &'static AttributeList<N>) -> Self {
        // SAFETY: all-zero is a valid `attribute_group`.
        let mut group: bindings::attribute_group = unsafe { core::mem::zeroed() };
        group.__bindgen_anon_2.attrs = attrs.0.as_ptr().cast_mut();
        AttributeGroup(group)
    }
}

/// The NULL-terminated group list for devices whose data is `T`.
///
/// The type parameter ties the callbacks (compiled for `T`) to the data
/// passed to [`ClassDevice::register`].
pub struct AttributeGroups<T> {
    groups: [*const bindings::attribute_group; 2],
    _data: PhantomData<fn(&T)>,
}

// SAFETY: points only to immutable statics.
unsafe impl<T> Sync for AttributeGroups<T> {}

impl<T: ClassAttributes> AttributeGroups<T> {
    /// The list holding `group`.
    pub const fn new(group: &'static AttributeGroup) -> Self {
        AttributeGroups {
            groups: [core::ptr::from_ref(&group.0), core::ptr::null()],
            _data: PhantomData,
        }
    }
}

/// Declares the attribute files of a class device whose data is `$data`.
/// The crate must include this file as `crate::hy300::class_device`.
///
/// ```ignore
/// hy300_attributes!(MOTOR_GROUPS: MotorState => {
///     c"metrics" => 0o444,
///     c"position" => 0o644,
/// });
/// ```
#[macro_export]
macro_rules! hy300_attributes {
    ($groups:ident : $data:ty => { $($name:literal => $mode:expr),+ $(,)? }) => {
        static $groups: $crate::hy300::class_device::AttributeGroups<$data> = {
            use $crate::hy300::class_device::{AttributeGroup, AttributeGroups, AttributeList, StaticAttribute};
            const COUNT: usize = [$($mode),+].len();
            static ATTRIBUTES: [StaticAttribute; COUNT] =
                [$(StaticAttribute::new::<$data>($name, $mode)),+];
            static LIST: AttributeList<{ COUNT + 1 }> = {
                let mut list = [core::ptr::null_mut(); COUNT + 1];
                let mut i = 0;
                while i < COUNT {
                    list[i] = ATTRIBUTES[i].as_attribute_ptr();
                    i += 1;
                }
                AttributeList(list)
            };
            static GROUP: AttributeGroup = AttributeGroup::new(&LIST);
            AttributeGroups::new(&GROUP)
        };
    };
}

unsafe extern "C" {
    // Exported by hy300_class.ko. `dev` is an opaque `struct device *`
    // here (`c_void` avoids improper_ctypes on !SMP builds).
    fn hy300_class_device_create(
        name: *const kernel::ffi::c_char,
        parent: *mut core::ffi::c_void,
        groups: *const *const bindings::attribute_group,
        drvdata: *mut core::ffi::c_void,
        dev: *mut *mut core::ffi::c_void,
    ) -> kernel::ffi::c_int;
    fn hy300_class_device_destroy(dev: *mut core::ffi::c_void);
}

/// A registered `/sys/class/hy300/<name>` device; unregistered on drop.
///
/// # Invariants
///
/// `dev` is a device created by `hy300_class_device_create` whose drvdata
/// points to the `T` inside `data`; it stays registered until `drop`.
pub struct ClassDevice<T: ClassAttributes> {
    dev: NonNull<core::ffi::c_void>,
    data: Arc<T>,
}

// SAFETY: the device handle is only used to unregister, which any thread may
// do; `T` is `Send + Sync`.
unsafe impl<T: ClassAttributes> Send for ClassDevice<T> {}
// SAFETY: `&ClassDevice` gives access to nothing but `&T`, which is `Sync`.
unsafe impl<T: ClassAttributes> Sync for ClassDevice<T> {}

impl<T: ClassAttributes> ClassDevice<T> {
    /// Creates `/sys/class/hy300/<name>` with `groups`, serving `data`.
    /// Fails with `EEXIST` if a device of that name exists, `ENODEV` if the
    /// class is not registered.
    pub fn register(
        name: &'static CStr,
        parent: Option<&kernel::device::Device>,
        groups: &'static AttributeGroups<T>,
        data: Arc<T>,
    ) -> Result<Self> {
        // `Device` is a transparent wrapper of `struct device`.
        let parent = parent.map_or(core::ptr::null_mut(), |p| {
            core::ptr::from_ref(p).cast_mut().cast()
        });
        let mut dev = core::ptr::null_mut();
        // SAFETY: `name` and `groups` are static; `data` outlives the device
        // because `drop` unregisters it (which waits for running callbacks)
        // before the `Arc` is released.
        let ret = unsafe {
            hy300_class_device_create(
                name.as_char_ptr(),
                parent,
                groups.groups.as_ptr(),
                Arc::as_ptr(&data).cast_mut().cast(),
                &mut dev,
            )
        };
        kernel::error::to_result(ret)?;
        let dev = NonNull::new(dev).ok_or(EINVAL)?;
        // INVARIANT: `dev` was just created with drvdata pointing into `data`.
        Ok(ClassDevice { dev, data })
    }

    /// The data served by this device.
    pub fn data(&self) -> &Arc<T> {
        &self.data
    }
}

impl<T: ClassAttributes> Drop for ClassDevice<T> {
    fn drop(&mut self) {
        // SAFETY: by the type invariant `dev` is registered; after this call
        // no callback runs, so `data` may be released afterwards.
        unsafe { hy300_class_device_destroy(self.dev.as_ptr()) };
    }
}

/// Recovers the driver data and attribute name of a sysfs callback.
///
/// # Safety
///
/// `dev` and `attr` must be the arguments of a sysfs callback of a device
/// registered by [`ClassDevice::register`] for `T`.
unsafe fn callback_args<'a, T: ClassAttributes>(
    dev: *mut bindings::device,
    attr: *mut bindings::device_attribute,
) -> (ArcBorrow<'a, T>, &'a CStr) {
    // SAFETY: per the contract, drvdata is `Arc::as_ptr` of the `Arc<T>`
    // held by the `ClassDevice` until the device is unregistered, which
    // waits for callbacks to return.
    let data = unsafe { ArcBorrow::from_raw(bindings::dev_get_drvdata(dev).cast::<T>()) };
    // SAFETY: `attr` is one of our `StaticAttribute`s, whose name is a
    // static NUL-terminated string.
    let name = unsafe { <CStr as kernel::str::CStrExt>::from_char_ptr((*attr).attr.name) };
    (data, name)
}

/// The `show` of every [`StaticAttribute`] for `T`.
///
/// # Safety
///
/// Called by sysfs only, for a device registered by [`ClassDevice::register`]
/// for `T`, with a `PAGE_SIZE` buffer.
unsafe extern "C" fn show_callback<T: ClassAttributes>(
    dev: *mut bindings::device,
    attr: *mut bindings::device_attribute,
    buf: *mut kernel::ffi::c_char,
) -> isize {
    // SAFETY: sysfs calls this for our devices only.
    let (data, name) = unsafe { callback_args::<T>(dev, attr) };
    // SAFETY: sysfs passes a buffer of PAGE_SIZE bytes that we may fill.
    let page =
        unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), kernel::page::PAGE_SIZE) };
    {
        let mut value = kernel::str::Formatter::new(page);
        if data.show_value(name, &mut value) {
            return value.bytes_written().min(kernel::page::PAGE_SIZE) as isize;
        }
    }
    let mut out = Writer::new(page);
    data.show(name, &mut out);
    match out.finish() {
        Ok(len) => len as isize,
        Err(truncated) => {
            pr_warn_once!(
                "{} did not fit in a page; whole families up to byte {} kept\n",
                name.to_str().unwrap_or("?"),
                truncated.written
            );
            truncated.written as isize
        }
    }
}

/// The `store` of every writable [`StaticAttribute`] for `T`.
///
/// # Safety
///
/// Called by sysfs only, for a device registered by [`ClassDevice::register`]
/// for `T`, with `count` readable bytes at `buf`.
unsafe extern "C" fn store_callback<T: ClassAttributes>(
    dev: *mut bindings::device,
    attr: *mut bindings::device_attribute,
    buf: *const kernel::ffi::c_char,
    count: usize,
) -> isize {
    // SAFETY: sysfs calls this for our devices only.
    let (data, name) = unsafe { callback_args::<T>(dev, attr) };
    // SAFETY: sysfs passes `count` readable bytes.
    let input = unsafe { core::slice::from_raw_parts(buf.cast::<u8>(), count) };
    match T::store(data, name, input) {
        Ok(()) => count as isize,
        Err(e) => e.to_errno() as isize,
    }
}
