// SPDX-License-Identifier: GPL-2.0

//! A misc device (`/dev/<name>`) whose registration holds data for its
//! open files.
//!
//! 7.3's `kernel::miscdevice` hands `open` only the registration
//! (`&MiscDeviceRegistration<T>`); a driver reaches its own state from
//! there with `container_of!`, which is unsafe (it trusts that every
//! registration of the type is embedded where the driver thinks). This
//! layer keeps that promise by construction: [`Registration<T>`] embeds
//! the registration of a type private to this file, next to the data, so
//! the container is always there, and the driver's [`Control::open`] gets
//! the data by reference.

use core::marker::PhantomData;
use kernel::fs::File;
use kernel::miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration};
use kernel::prelude::*;
use kernel::types::ForeignOwnable;

/// The file operations of a [`Registration<Self>`] (the subset of
/// `kernel::miscdevice::MiscDevice` the drivers use).
pub trait Control: Sized + 'static {
    /// What the registration holds and every `open` gets; dropped after
    /// the device is deregistered (no `open` runs then).
    type Data: Send + Sync;

    /// What an open file holds (its private data).
    type Ptr: ForeignOwnable + Send + Sync;

    /// Called when the device is opened; the returned pointer is the
    /// file's private data until it is released.
    fn open(file: &File, data: &Self::Data) -> Result<Self::Ptr>;

    /// An ioctl on an open file.
    fn ioctl(
        this: <Self::Ptr as ForeignOwnable>::Borrowed<'_>,
        file: &File,
        cmd: u32,
        arg: usize,
    ) -> Result<isize>;

    /// An ioctl from a 32-bit process on a 64-bit kernel.
    #[cfg(CONFIG_COMPAT)]
    fn compat_ioctl(
        this: <Self::Ptr as ForeignOwnable>::Borrowed<'_>,
        file: &File,
        cmd: u32,
        arg: usize,
    ) -> Result<isize>;
}

/// The `MiscDevice` of every [`Registration<T>`]. Private: no registration
/// of it exists outside a [`Registration<T>`] (see [`Adapter::open`]).
struct Adapter<T>(PhantomData<T>);

/// A registered misc device with `data` for its open files; deregistered
/// on drop, before the data is dropped (field order).
///
/// # Invariants
///
/// `misc` is the only registration of `Adapter<T>` anywhere outside a
/// `Registration<T>`'s `misc` field: none (the type is private to this
/// file, which registers it only here).
#[pin_data]
pub struct Registration<T: Control> {
    #[pin]
    misc: MiscDeviceRegistration<Adapter<T>>,
    data: T::Data,
}

impl<T: Control> Registration<T> {
    /// Registers `/dev/<name>` with `data`. The data is in place before
    /// the device is registered: an `open` right after it finds it.
    pub fn register(name: &'static CStr, data: T::Data) -> impl PinInit<Self, Error> {
        // INVARIANT: the only registration of `Adapter<T>`, in `misc`.
        try_pin_init!(Self {
            data,
            misc <- MiscDeviceRegistration::register(MiscDeviceOptions { name }),
        }? Error)
    }

    /// The data given to [`Registration::register`].
    pub fn data(&self) -> &T::Data {
        &self.data
    }
}

#[vtable]
impl<T: Control> MiscDevice for Adapter<T> {
    type Ptr = T::Ptr;

    fn open(file: &File, misc: &MiscDeviceRegistration<Self>) -> Result<T::Ptr> {
        // SAFETY: every registration of `Adapter<T>` is the `misc` field of
        // a `Registration<T>` (type invariant); that registration is
        // borrowed for this call, and misc_deregister() (its drop, before
        // `data` is dropped) waits for a running open.
        let registration =
            unsafe { &*kernel::container_of!(core::ptr::from_ref(misc), Registration<T>, misc) };
        T::open(file, &registration.data)
    }

    fn ioctl(
        this: <T::Ptr as ForeignOwnable>::Borrowed<'_>,
        file: &File,
        cmd: u32,
        arg: usize,
    ) -> Result<isize> {
        T::ioctl(this, file, cmd, arg)
    }

    #[cfg(CONFIG_COMPAT)]
    fn compat_ioctl(
        this: <T::Ptr as ForeignOwnable>::Borrowed<'_>,
        file: &File,
        cmd: u32,
        arg: usize,
    ) -> Result<isize> {
        T::compat_ioctl(this, file, cmd, arg)
    }
}
