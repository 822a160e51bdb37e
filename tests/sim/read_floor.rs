// SPDX-License-Identifier: GPL-2.0

//! The floors of a Prometheus-sized sysfs read, for `scripts/bench`
//! (issue 27): a platform device `hy300-read-floor`, at the drivers'
//! platform devices' depth (`/sys/devices/platform/`), with these files:
//!
//! - `page`, whose show is a single copy of [`PAGE_LEN`] static bytes.
//!   Reading it is what every sysfs file of that size pays and nothing
//!   else: open, the kernel's page buffer (cleared by sysfs), the show,
//!   the copy out, close. Nothing is rendered, so no metrics file of that
//!   size can be read for less; the page is smaller than every metrics
//!   page so that the floor never flatters them.
//! - `motor`, `mips` and `tvcap`: that device's `metrics` page (without
//!   the self-metric) rendered by the hand-written floor of the host
//!   benchmark (rust/prometheus/benches/support/floor.rs: static text in
//!   whole blocks, a two-digit integer formatter), with every value at 0
//!   (`PageValues::idle`): the cheapest rendering of that page's text,
//!   what a read of it costs at the least.
//! - `motor_writer`, `mips_writer` and `tvcap_writer`: the same page with
//!   the same values rendered by our writer and the driver's page.rs
//!   (`render`, without the sysfs glue or the self-metric): our render's
//!   share of a read, apart from the driver's (its glue, its cells).
//!
//! The same files are also served two directory levels deeper, where the
//! drivers' files are, by a class device of the board ([`ReadFloor`]).

use core::ptr::null_mut;
use kernel::bindings;
use kernel::prelude::*;

/// Bytes of the floor page: 44 lines of 64, fewer than the smallest
/// metrics page (the co-processor's, about 2,830 bytes in the guest).
const PAGE_LEN: usize = 44 * 64;
const _: () = assert!(PAGE_LEN < kernel::page::PAGE_SIZE);

/// What `page` returns: Prometheus comment lines (`# xxx...`), text a
/// scraper would accept.
static PAGE: [u8; PAGE_LEN] = {
    let mut page = [b'x'; PAGE_LEN];
    let mut line = 0;
    while line < PAGE_LEN / 64 {
        page[line * 64] = b'#';
        page[line * 64 + 1] = b' ';
        page[line * 64 + 63] = b'\n';
        line += 1;
    }
    page
};

/// `page`'s show: one copy of [`PAGE`].
///
/// # Safety
///
/// `buf` is a sysfs show buffer: `PAGE_SIZE` writable bytes.
unsafe extern "C" fn page_show(
    _dev: *mut bindings::device,
    _attr: *mut bindings::device_attribute,
    buf: *mut kernel::ffi::c_char,
) -> isize {
    // SAFETY: `buf` holds `PAGE_SIZE` bytes (the function's contract,
    // which sysfs keeps), more than `PAGE_LEN` (asserted above); `PAGE`
    // is static and never overlaps a page buffer.
    unsafe { core::ptr::copy_nonoverlapping(PAGE.as_ptr(), buf.cast::<u8>(), PAGE_LEN) };
    PAGE_LEN as isize
}

/// The values the hand-written pages show: an idle device.
static IDLE: crate::pages::PageValues = crate::pages::PageValues::idle();

/// A show callback that fills the show's page (its first `PAGE_SIZE - 1`
/// bytes, what a show may return) with `$render`, an expression of
/// `$page` giving the length.
macro_rules! board_show {
    ($name:ident, |$page:ident| $render:expr) => {
        /// Shows one of the board's pages.
        ///
        /// # Safety
        ///
        /// `buf` is a sysfs show buffer: `PAGE_SIZE` writable bytes.
        unsafe extern "C" fn $name(
            _dev: *mut bindings::device,
            _attr: *mut bindings::device_attribute,
            buf: *mut kernel::ffi::c_char,
        ) -> isize {
            // SAFETY: `buf` holds `PAGE_SIZE` bytes (the function's
            // contract, which sysfs keeps) that no one else uses during
            // the call.
            let $page = unsafe {
                core::slice::from_raw_parts_mut(buf.cast::<u8>(), kernel::page::PAGE_SIZE - 1)
            };
            $render as isize
        }
    };
}

/// The length of what `render` writes into `page` through our writer.
fn by_writer(page: &mut [u8], render: impl FnOnce(&mut crate::prometheus::Writer<'_>)) -> usize {
    let mut out = crate::prometheus::Writer::new(page);
    render(&mut out);
    out.len()
}

// The hand-written floor's pages (0 bytes if one did not fit, which the
// bench reports as a short read).
board_show!(motor_show, |page| crate::floor::motor(&IDLE, page)
    .unwrap_or(0));
board_show!(mips_show, |page| crate::floor::mips(&IDLE, page)
    .unwrap_or(0));
board_show!(tvcap_show, |page| crate::floor::tvcap(&IDLE, page)
    .unwrap_or(0));

// The same pages through our writer and the drivers' page.rs (their
// `render`, without the sysfs glue or the self-metric).
board_show!(motor_writer_show, |page| by_writer(page, |w| {
    use crate::pages::motor_page::{render, Page};
    render(&IDLE, Page::Metrics, w)
}));
board_show!(mips_writer_show, |page| by_writer(page, |w| {
    use crate::pages::mips_page::{render, Page};
    render(&IDLE, Page::Metrics, w)
}));
board_show!(tvcap_writer_show, |page| by_writer(page, |w| {
    use crate::pages::tvcap_page::{render, Page};
    render(&IDLE, Page::Metrics, w)
}));

/// A C structure built once at compile time and only read afterwards.
struct Static<T>(T);

// SAFETY: every `Static` below is immutable after its const
// initialisation and points only to other statics and functions; sysfs
// only reads them, from any thread.
unsafe impl<T> Sync for Static<T> {}

/// A read-only (0444) attribute `name` shown by `show`.
const fn read_only(
    name: &'static CStr,
    show: unsafe extern "C" fn(
        *mut bindings::device,
        *mut bindings::device_attribute,
        *mut kernel::ffi::c_char,
    ) -> isize,
) -> Static<bindings::device_attribute> {
    // SAFETY: all-zero is a valid `device_attribute` (null pointers, `None`
    // callbacks).
    let mut attr: bindings::device_attribute = unsafe { core::mem::zeroed() };
    attr.attr.name = kernel::str::as_char_ptr_in_const_context(name);
    attr.attr.mode = 0o444;
    attr.__bindgen_anon_1.show = Some(show);
    Static(attr)
}

static PAGE_ATTRIBUTE: Static<bindings::device_attribute> = read_only(c"page", page_show);
static MOTOR_ATTRIBUTE: Static<bindings::device_attribute> = read_only(c"motor", motor_show);
static MIPS_ATTRIBUTE: Static<bindings::device_attribute> = read_only(c"mips", mips_show);
static TVCAP_ATTRIBUTE: Static<bindings::device_attribute> = read_only(c"tvcap", tvcap_show);

static MOTOR_WRITER_ATTRIBUTE: Static<bindings::device_attribute> =
    read_only(c"motor_writer", motor_writer_show);
static MIPS_WRITER_ATTRIBUTE: Static<bindings::device_attribute> =
    read_only(c"mips_writer", mips_writer_show);
static TVCAP_WRITER_ATTRIBUTE: Static<bindings::device_attribute> =
    read_only(c"tvcap_writer", tvcap_writer_show);

static ATTRIBUTES: Static<[*mut bindings::attribute; 8]> = Static([
    core::ptr::from_ref(&PAGE_ATTRIBUTE.0.attr).cast_mut(),
    core::ptr::from_ref(&MOTOR_ATTRIBUTE.0.attr).cast_mut(),
    core::ptr::from_ref(&MIPS_ATTRIBUTE.0.attr).cast_mut(),
    core::ptr::from_ref(&TVCAP_ATTRIBUTE.0.attr).cast_mut(),
    core::ptr::from_ref(&MOTOR_WRITER_ATTRIBUTE.0.attr).cast_mut(),
    core::ptr::from_ref(&MIPS_WRITER_ATTRIBUTE.0.attr).cast_mut(),
    core::ptr::from_ref(&TVCAP_WRITER_ATTRIBUTE.0.attr).cast_mut(),
    null_mut(),
]);

static GROUP: Static<bindings::attribute_group> = Static({
    // SAFETY: all-zero is a valid `attribute_group` (no name, no callbacks).
    let mut group: bindings::attribute_group = unsafe { core::mem::zeroed() };
    group.__bindgen_anon_2.attrs = ATTRIBUTES.0.as_ptr().cast_mut();
    group
});

static GROUPS: Static<[*const bindings::attribute_group; 2]> =
    Static([core::ptr::from_ref(&GROUP.0), core::ptr::null()]);

/// The class of [`ReadFloor`]'s second device: its name is the directory
/// the driver core puts between a parent and its class devices.
const CLASS_NAME: &CStr = c"hy300-floor";

/// The `hy300-read-floor` platform device and, below it, a device of the
/// class `hy300-floor` named `read-floor` with the same files, all
/// unregistered on drop.
///
/// The second device puts the files where the drivers' are:
/// `/sys/devices/platform/hy300-read-floor/hy300-floor/read-floor/<file>`
/// has as many components as `/sys/devices/platform/<driver's device>/
/// hy300/<device>/metrics`, two more than the platform device's own
/// `modalias`. Each path component costs a read its lookup, so a render
/// is weighed against the kernel's file only at the same depth.
///
/// # Invariants
///
/// `pdev`, `class` and `dev` were added or created by [`ReadFloor::register`]
/// and are removed only by `drop`.
pub(crate) struct ReadFloor {
    pdev: *mut bindings::platform_device,
    class: *mut bindings::class,
    dev: *mut bindings::device,
}

impl ReadFloor {
    /// Adds the devices with their files (created with each device, by
    /// its groups, before its uevent).
    pub(crate) fn register() -> Result<Self> {
        // SAFETY: the name is NUL-terminated.
        let pdev =
            unsafe { bindings::platform_device_alloc(c"hy300-read-floor".as_char_ptr(), -1) };
        if pdev.is_null() {
            return Err(ENOMEM);
        }
        // SAFETY: `pdev` was just allocated and is not added; the groups
        // are static and outlive the device, which `drop` unregisters
        // before the module (and its statics) goes.
        let added = unsafe {
            (*pdev).dev.groups = GROUPS.0.as_ptr().cast_mut();
            kernel::error::to_result(bindings::platform_device_add(pdev))
        };
        if let Err(e) = added {
            // SAFETY: allocated above, not added.
            unsafe { bindings::platform_device_put(pdev) };
            return Err(e);
        }
        // SAFETY: the name is a static NUL-terminated string.
        let class = kernel::error::from_err_ptr(unsafe {
            bindings::class_create(CLASS_NAME.as_char_ptr())
        });
        let class = match class {
            Ok(class) => class,
            Err(e) => {
                // SAFETY: added above, not yet unregistered.
                unsafe { bindings::platform_device_unregister(pdev) };
                return Err(e);
            }
        };
        // SAFETY: `class` was created above; the parent is the live
        // platform device; the groups are static (as above); the format
        // consumes exactly one string argument, NUL-terminated.
        let dev = kernel::error::from_err_ptr(unsafe {
            bindings::device_create_with_groups(
                class,
                &mut (*pdev).dev,
                0,
                null_mut(),
                GROUPS.0.as_ptr().cast_mut(),
                c"%s".as_char_ptr(),
                c"read-floor".as_char_ptr(),
            )
        });
        match dev {
            Ok(dev) => Ok(ReadFloor { pdev, class, dev }),
            Err(e) => {
                // SAFETY: created and added above, not yet removed.
                unsafe {
                    bindings::class_destroy(class);
                    bindings::platform_device_unregister(pdev);
                }
                Err(e)
            }
        }
    }
}

impl Drop for ReadFloor {
    fn drop(&mut self) {
        // SAFETY: all three were added by `register` and are removed only
        // here (type invariant), the class device before its class and
        // its parent.
        unsafe {
            bindings::device_unregister(self.dev);
            bindings::class_destroy(self.class);
            bindings::platform_device_unregister(self.pdev);
        }
    }
}
