// SPDX-License-Identifier: GPL-2.0

//! System sleep (suspend and resume) for the hy300 platform drivers.
//!
//! 7.3's `kernel::platform::Driver` has no PM callbacks, and its
//! `Adapter` registers the `struct platform_driver` with `driver.pm` null.
//! A driver that implements [`SystemSleep`] is registered through
//! [`Adapter`] instead (with [`module_platform_driver_sleep!`]): a
//! registration that sets `driver.pm` to a static `dev_pm_ops` and then
//! hands the structure to `kernel::platform::Adapter`'s own `register`,
//! which fills in the rest (name, probe, remove, match tables) and registers
//! it. Probe, remove and the driver data are exactly those of
//! `kernel::platform`; only the `pm` pointer is added.
//!
//! Why this way: the pointer is written while the structure is being
//! initialised, before `__platform_driver_register`, so it is in place
//! before any device can bind (let alone suspend), and nothing writes the
//! structure while the driver core reads it, as writing `driver.pm` of an
//! already registered driver would. A device's `pm_domain`, type or class
//! ops would apply to one device, not the driver, and would replace the
//! platform bus's own handling. No C is needed: `dev_pm_ops` is a plain
//! structure of function pointers, built here as a constant, like the
//! kernel's `miscdevice` builds its `file_operations`.
//!
//! The six system sleep callbacks are set as C's `SET_SYSTEM_SLEEP_PM_OPS`
//! does: suspend, freeze and poweroff call [`SystemSleep::suspend`]; resume
//! and thaw [`SystemSleep::resume`]; restore (hibernation's image restored
//! after the machine was off) [`SystemSleep::restore`], which is `resume`
//! unless the driver says otherwise. Without `CONFIG_PM_SLEEP` the PM core
//! never calls them. No runtime PM.

use core::marker::PhantomData;
use kernel::device::{Bound, BoundInternal, Device};
use kernel::driver::{DriverLayout, RegistrationOps};
use kernel::error::from_result;
use kernel::prelude::*;
use kernel::types::Opaque;
use kernel::{bindings, platform, ThisModule};

/// System suspend and resume of a platform driver's bound device.
///
/// Both run in process context with the device lock held, after the
/// device's probe has returned and before its unbind: never concurrently
/// with each other, probe or unbind. By then userspace and freezable
/// kernel threads are frozen (after resume they are thawed): no sysfs write
/// or ioctl runs between suspend and resume; work on the system workqueues
/// does.
pub trait SystemSleep: platform::Driver {
    /// The system is going to sleep: quiesce the device. An error aborts
    /// the suspend (the PM core resumes the devices already suspended).
    fn suspend<'bound>(dev: &'bound Device<Bound>, this: Pin<&Self::Data<'bound>>) -> Result;

    /// The system woke up: bring the device back to where it was. An error
    /// is logged by the PM core; the system resumes anyway.
    fn resume<'bound>(dev: &'bound Device<Bound>, this: Pin<&Self::Data<'bound>>) -> Result;

    /// The system was restored from a hibernation image: the machine was
    /// off since [`SystemSleep::suspend`], the device's state may be lost,
    /// and memory that is not in the image (e.g. `no-map` reserved
    /// regions) holds whatever the boot kernel left there.
    fn restore<'bound>(dev: &'bound Device<Bound>, this: Pin<&Self::Data<'bound>>) -> Result {
        Self::resume(dev, this)
    }
}

/// `kernel::platform::Adapter<T>` plus `T`'s [`SystemSleep`] callbacks.
pub struct Adapter<T>(PhantomData<T>);

impl<T: SystemSleep + 'static> Adapter<T> {
    const PM_OPS: bindings::dev_pm_ops = bindings::dev_pm_ops {
        suspend: Some(Self::suspend_callback),
        resume: Some(Self::resume_callback),
        freeze: Some(Self::suspend_callback),
        thaw: Some(Self::resume_callback),
        poweroff: Some(Self::suspend_callback),
        restore: Some(Self::restore_callback),
        ..pin_init::zeroed()
    };

    /// The ops, as a `'static` reference (a promoted constant).
    const fn pm_ops() -> &'static bindings::dev_pm_ops {
        &Self::PM_OPS
    }

    /// Runs `f` with the device and the driver data of `dev`.
    ///
    /// # Safety
    ///
    /// `dev` is a device bound to this driver (a PM callback of the driver
    /// the PM core calls with the device lock held).
    unsafe fn with_data(
        dev: *mut bindings::device,
        f: impl for<'a> FnOnce(&'a Device<Bound>, Pin<&T::Data<'a>>) -> Result,
    ) -> kernel::ffi::c_int {
        // `BoundInternal` is the context the kernel gives bus abstractions
        // for borrowing the driver data; this adapter is one (it extends
        // `kernel::platform`'s), and drivers never see it.
        //
        // SAFETY: the PM core calls the driver's callbacks with a valid
        // device, bound to the driver (`dev->driver` is ours and stays so:
        // the device lock is held, which unbind takes too).
        let internal = unsafe { Device::<BoundInternal>::from_raw(dev) };
        // SAFETY: as above: the device is bound to this driver, so
        // `kernel::platform::Adapter<T>`'s probe stored its driver data
        // (`T::Data`, through `set_drvdata`; a probe that failed to store
        // it failed, and the device was not bound) and its unbind has not
        // taken it back.
        let data = unsafe { internal.drvdata_borrow::<T::Data<'_>>() };
        // SAFETY: the device is bound for the whole callback (above).
        let bound = unsafe { Device::<Bound>::from_raw(dev) };
        from_result(|| f(bound, data).map(|()| 0))
    }

    /// # Safety
    ///
    /// Called by the PM core only, with a device bound to this driver.
    unsafe extern "C" fn suspend_callback(dev: *mut bindings::device) -> kernel::ffi::c_int {
        // SAFETY: per this function's contract.
        unsafe { Self::with_data(dev, |dev, data| T::suspend(dev, data)) }
    }

    /// # Safety
    ///
    /// Called by the PM core only, with a device bound to this driver.
    unsafe extern "C" fn resume_callback(dev: *mut bindings::device) -> kernel::ffi::c_int {
        // SAFETY: per this function's contract.
        unsafe { Self::with_data(dev, |dev, data| T::resume(dev, data)) }
    }

    /// # Safety
    ///
    /// Called by the PM core only, with a device bound to this driver.
    unsafe extern "C" fn restore_callback(dev: *mut bindings::device) -> kernel::ffi::c_int {
        // SAFETY: per this function's contract.
        unsafe { Self::with_data(dev, |dev, data| T::restore(dev, data)) }
    }
}

// SAFETY: the same layout as `kernel::platform::Adapter<T>`: the C
// `struct platform_driver` (`repr(C)`), `T::Data` as the device's driver
// data (stored by that adapter's probe), and the offset of its embedded
// `struct device_driver`.
unsafe impl<T: SystemSleep + 'static> DriverLayout for Adapter<T> {
    type DriverType = bindings::platform_driver;
    type DriverData<'bound> = T::Data<'bound>;
    const DEVICE_DRIVER_OFFSET: usize = core::mem::offset_of!(bindings::platform_driver, driver);
}

// SAFETY: `unregister` is `kernel::platform::Adapter<T>`'s, after its
// `register` succeeded on the same structure.
unsafe impl<T: SystemSleep + 'static> RegistrationOps for Adapter<T> {
    unsafe fn register(
        pdrv: &Opaque<Self::DriverType>,
        name: &'static CStr,
        module: &'static ThisModule,
    ) -> Result {
        // SAFETY: the structure is being initialised and is not registered
        // yet (the caller's contract): its fields may be written. The ops
        // are a promoted constant, valid for ever.
        unsafe { (*pdrv.get()).driver.pm = Self::pm_ops() };
        // SAFETY: forwarded contract: `pdrv` stays pinned and valid until
        // `unregister`.
        unsafe { <platform::Adapter<T> as RegistrationOps>::register(pdrv, name, module) }
    }

    unsafe fn unregister(pdrv: &Opaque<Self::DriverType>) {
        // SAFETY: forwarded contract: `register` succeeded on `pdrv`.
        unsafe { <platform::Adapter<T> as RegistrationOps>::unregister(pdrv) }
    }
}

/// `kernel::module_platform_driver!` for a driver that implements
/// [`SystemSleep`]: the same module, registered through [`Adapter`].
#[macro_export]
macro_rules! module_platform_driver_sleep {
    ($($f:tt)*) => {
        ::kernel::module_driver!(<T>, $crate::hy300::pm::Adapter<T>, { $($f)* });
    };
}
