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
use core::sync::atomic::{
    AtomicBool, AtomicPtr,
    Ordering::{AcqRel, Acquire, Relaxed, Release},
};
use kernel::bindings;
use kernel::page::PAGE_SIZE;
use kernel::prelude::*;
use kernel::sync::aref::{ARef, AlwaysRefCounted};
use kernel::sync::{Arc, ArcBorrow};
use kernel::types::ForeignOwnable;

use crate::prometheus::{Counter, Cut, Family, LabelName, Series, Template, Writer};

/// The self-metric served at the end of every Prometheus file: reads of
/// that file cut short to fit the page (whole samples dropped).
pub const TRUNCATED: Family = Family::counter(
    "hy300_metrics_truncated_total",
    "Reads cut short to fit a page.",
);
/// The device (`/sys/class/hy300/<device>`) of a self-metric sample.
pub const DEVICE: LabelName = LabelName::new("device");
/// The file of a self-metric sample.
pub const FILE: LabelName = LabelName::new("file");

/// Bytes of the self-metric (header and its one sample at `u64::MAX`) of
/// `file` of `device`: kept back in every page for it.
pub const fn self_metric_len(device: &str, file: &str) -> usize {
    TRUNCATED.max_page_len_of::<u64>(1, DEVICE.pair_len(device) + 1 + FILE.pair_len(file))
}

/// The self-metric sample of one file: its series (the name and the
/// `device` and `file` labels, escaped) made at compile time with the
/// file's attribute, and the room kept back for it in every page. A read
/// neither looks up, validates nor escapes the names: the sample is
/// written by the page's own labelled-sample path
/// ([`Writer::finish_bounded`]).
#[derive(Clone, Copy)]
pub struct SelfMetric {
    series: Series,
    /// [`self_metric_len`] of the device and the file.
    reserve: usize,
    device: &'static str,
    file: &'static str,
}

impl SelfMetric {
    /// The sample of `file` of `device`.
    pub const fn new(device: &'static str, file: &'static str) -> Self {
        SelfMetric {
            series: Series::new(&TRUNCATED, &[(DEVICE, device), (FILE, file)]),
            reserve: self_metric_len(device, file),
            device,
            file,
        }
    }
}

/// `name` as text, for the labels (sysfs names are ASCII; a name that is
/// not UTF-8 is shown as `?`).
const fn name_str(name: &'static CStr) -> &'static str {
    match core::str::from_utf8(name.to_bytes()) {
        Ok(text) => text,
        Err(_) => "?",
    }
}

/// What a Prometheus file and its self-metric may take of a page: 90% of
/// the `PAGE_SIZE - 1` bytes a `show()` may return, so that every file
/// keeps 10% of its page free for growth.
pub const PAGE_BUDGET: usize = (PAGE_SIZE - 1) * 9 / 10;

/// Whether a file whose longest text (computed at compile time from its
/// families) is `max` bytes fits [`PAGE_BUDGET`] with its self-metric.
/// Drivers assert it in a `const` for each file, so a family that makes a
/// page too long fails the build.
pub const fn fits_page_budget(device: &str, file: &str, max: usize) -> bool {
    max + self_metric_len(device, file) <= PAGE_BUDGET
}

/// What a driver provides for its class device files.
///
/// Each file carries its key ([`Self::File`], an enum the driver declares
/// with one variant per file), given to [`hy300_attributes!`] with the
/// file's name and mode; the callbacks receive the key and match on it,
/// so no read or write compares names, and the macro fails the build
/// unless every key has a file.
///
/// The methods run in process context (a `read`/`write` of the sysfs file)
/// and may be called concurrently with each other and with the driver's hot
/// paths; they must not block on anything a hot path holds.
pub trait ClassAttributes: Send + Sync + 'static {
    /// The driver's files: one variant each.
    type File: Copy + Send + Sync + 'static;

    /// What keeps the data alive while its files exist: `Arc<Self>`, or
    /// `ARef<Self>` for data that has a reference count of its own (the
    /// capture device's is its `v4l2_device`'s), so that no second count
    /// holds it.
    type Owner: ClassOwner<Data = Self>;

    /// Renders the Prometheus file `file` into `out` (one sysfs page),
    /// on a read, and once when the device is created, to record the
    /// page ([`Writer::recording`]; its reads then give `out` only their
    /// values): it must not change what it shows.
    fn show(&self, file: Self::File, out: &mut Writer<'_>);

    /// Renders a one-value file (sysfs convention: one value and a
    /// newline) `file` into `out` and returns `true`; returns `false`
    /// for the Prometheus files, which [`Self::show`] renders. The default
    /// has no one-value file.
    fn show_value(&self, file: Self::File, out: &mut kernel::str::Formatter<'_>) -> bool {
        let _ = (file, out);
        false
    }

    /// Handles a write of `input` to `file`; `this` can be turned into an
    /// owner (e.g. an `Arc` from an `ArcBorrow`, to queue work). The default
    /// refuses: only files declared writable ever reach this.
    fn store(
        this: <Self::Owner as ForeignOwnable>::Borrowed<'_>,
        file: Self::File,
        input: &[u8],
    ) -> Result {
        let _ = (this, file, input);
        Err(EACCES)
    }
}

/// An owning pointer a [`ClassDevice`] holds its data by: handed to the
/// device as its drvdata with [`ForeignOwnable::into_foreign`], borrowed by
/// the callbacks, taken back when the device is gone.
pub trait ClassOwner: ForeignOwnable + Send + Sync + 'static {
    /// What the pointer owns.
    type Data;

    /// The data behind a borrow of the pointer.
    fn data<'a>(this: &'a Self::Borrowed<'_>) -> &'a Self::Data;
}

impl<T: Send + Sync + 'static> ClassOwner for Arc<T> {
    type Data = T;

    fn data<'a>(this: &'a ArcBorrow<'_, T>) -> &'a T {
        this
    }
}

impl<T: AlwaysRefCounted + Send + Sync + 'static> ClassOwner for ARef<T> {
    type Data = T;

    fn data<'a>(this: &'a &T) -> &'a T {
        this
    }
}

/// A page recorded when its device was created ([`Writer::recording`]):
/// its text without the values and where they go. A read writes it with
/// its values ([`Writer::replaying`]) instead of rendering the page.
struct Recorded {
    text: KVec<u8>,
    cuts: KVec<Cut>,
}

/// Room for the cuts of one recorded page, and for its values on the
/// stack of a read: twice what any page has (the `metrics` files have 29
/// to 31); a page with more is rendered on every read.
const MAX_CUTS: usize = 64;

/// A sysfs device attribute of a device whose data is `T`, never written
/// after initialisation but for its recorded page, with its key (`None`
/// for `build_info`, which the class core serves) and the truncation count
/// of its file (shared by the devices of one driver, which have one
/// device each: the attributes name the device, and the class refuses a
/// second device of a name).
///
/// The type parameter follows the attribute into its [`AttributeList`],
/// [`AttributeGroup`] and [`AttributeGroups`], and [`ClassDevice::register`]
/// takes only groups of its own `T`: callbacks compiled for one type never
/// see another type's data.
///
/// # Invariants
///
/// `attr` is the first field (`repr(C)`): the `device_attribute` pointer
/// sysfs passes to the callbacks points to a whole `StaticAttribute`. Its
/// callbacks are `show_callback::<T>` (and `store_callback::<T>`).
/// `recorded` is null or a `KBox<Recorded>` stored by the [`ClassDevice`]
/// of the attribute's device after creating the device and taken back by
/// it after removing the device (when no callback runs any more).
#[repr(C)]
pub struct StaticAttribute<T: ClassAttributes> {
    attr: bindings::device_attribute,
    file: Option<T::File>,
    /// The name of the device the file belongs to.
    device: &'static CStr,
    self_metric: SelfMetric,
    stats: FileStats,
    recorded: AtomicPtr<Recorded>,
    _data: PhantomData<fn(&T)>,
}

/// Reads of one Prometheus file cut short to fit the page.
pub struct FileStats {
    truncations: Counter,
    /// The first cut-short read was logged.
    warned: AtomicBool,
}

impl FileStats {
    /// No read cut short yet.
    pub const fn new() -> Self {
        FileStats {
            truncations: Counter::new(),
            warned: AtomicBool::new(false),
        }
    }

    /// Reads cut short so far.
    pub fn truncations(&self) -> u64 {
        self.truncations.get()
    }
}

impl Default for FileStats {
    fn default() -> Self {
        Self::new()
    }
}

// SAFETY: `attr` is immutable after const initialisation (no method
// changes it) and sysfs only reads it, from any thread; `file` is
// immutable and `Sync`; the other fields are atomics (`recorded` points to
// a `Recorded`, plain data read by any thread).
unsafe impl<T: ClassAttributes> Sync for StaticAttribute<T> {}

impl<T: ClassAttributes> StaticAttribute<T> {
    /// The attribute `file` named `name` with `mode` of the device named
    /// `device`, dispatching to `T`. Writable modes (any `0o222` bit) get
    /// the store callback.
    pub const fn new(file: T::File, device: &'static CStr, name: &'static CStr, mode: u16) -> Self {
        // SAFETY: all-zero is a valid `device_attribute` (null pointers,
        // `None` callbacks).
        let mut attr: bindings::device_attribute = unsafe { core::mem::zeroed() };
        attr.attr.name = kernel::str::as_char_ptr_in_const_context(name);
        attr.attr.mode = mode;
        attr.__bindgen_anon_1.show = Some(show_callback::<T>);
        if mode & 0o222 != 0 {
            attr.__bindgen_anon_2.store = Some(store_callback::<T>);
        }
        StaticAttribute {
            attr,
            file: Some(file),
            device,
            self_metric: SelfMetric::new(name_str(device), name_str(name)),
            stats: FileStats::new(),
            recorded: AtomicPtr::new(core::ptr::null_mut()),
            _data: PhantomData,
        }
    }

    /// The `build_info` file (0444) that [`hy300_attributes!`] adds to
    /// every device (named `device`): served by the class core, not by the
    /// driver.
    pub const fn build_info(device: &'static CStr) -> Self {
        // SAFETY: all-zero is a valid `device_attribute` (null pointers,
        // `None` callbacks).
        let mut attr: bindings::device_attribute = unsafe { core::mem::zeroed() };
        attr.attr.name = kernel::str::as_char_ptr_in_const_context(c"build_info");
        attr.attr.mode = 0o444;
        attr.__bindgen_anon_1.show = Some(build_info_callback::<T>);
        StaticAttribute {
            attr,
            file: None,
            device,
            self_metric: SelfMetric::new(name_str(device), "build_info"),
            stats: FileStats::new(),
            recorded: AtomicPtr::new(core::ptr::null_mut()),
            _data: PhantomData,
        }
    }
}

impl<T: ClassAttributes> StaticAttribute<T> {
    /// The truncation count of this file.
    pub fn stats(&self) -> &FileStats {
        &self.stats
    }
}

/// A NULL-terminated array of pointers to the static attributes of a
/// device whose data is `T`: `N` is their count plus one.
///
/// # Invariants
///
/// Each pointer but the last (NULL) is the `struct attribute` of a
/// `&'static StaticAttribute<T>` (only [`AttributeList::new`] makes one).
pub struct AttributeList<T: ClassAttributes, const N: usize> {
    ptrs: [*mut bindings::attribute; N],
    /// The attributes (for their recorded pages).
    attrs: &'static [StaticAttribute<T>],
    /// The device every attribute belongs to.
    device: &'static CStr,
    _data: PhantomData<fn(&T)>,
}

// SAFETY: the pointers point only to immutable statics (type invariant),
// which are `Sync`.
unsafe impl<T: ClassAttributes, const N: usize> Sync for AttributeList<T, N> {}

impl<T: ClassAttributes, const N: usize> AttributeList<T, N> {
    /// The list of `attrs` and a NULL; fails the build unless `N` is
    /// `M + 1` and every attribute is of the same device (whose name the
    /// device is then created with: [`AttributeGroups`]).
    pub const fn new<const M: usize>(attrs: &'static [StaticAttribute<T>; M]) -> Self {
        assert!(
            N == M + 1,
            "an attribute list holds its attributes and a NULL"
        );
        assert!(M > 0, "an attribute list holds at least one attribute");
        let device = attrs[0].device;
        let mut ptrs = [core::ptr::null_mut(); N];
        let mut i = 0;
        while i < M {
            assert!(
                crate::hy300::bytes_eq(attrs[i].device.to_bytes(), device.to_bytes()),
                "the attributes of a list are of one device"
            );
            ptrs[i] = core::ptr::from_ref(&attrs[i].attr.attr).cast_mut();
            i += 1;
        }
        // INVARIANT: each of `attrs`, static, then NULL.
        AttributeList {
            ptrs,
            attrs,
            device,
            _data: PhantomData,
        }
    }
}

/// An attribute group over a static [`AttributeList`] of `T`.
///
/// # Invariants
///
/// `attrs` of the group is the list of an `&'static AttributeList<T, _>`.
pub struct AttributeGroup<T: ClassAttributes> {
    group: bindings::attribute_group,
    attrs: &'static [StaticAttribute<T>],
    /// The device of the list's attributes.
    device: &'static CStr,
    _data: PhantomData<fn(&T)>,
}

// SAFETY: immutable after const initialisation; points only to statics
// (type invariant).
unsafe impl<T: ClassAttributes> Sync for AttributeGroup<T> {}

impl<T: ClassAttributes> AttributeGroup<T> {
    /// A group without a subdirectory over `attrs`.
    pub const fn new<const N: usize>(attrs: &'static AttributeList<T, N>) -> Self {
        // SAFETY: all-zero is a valid `attribute_group`.
        let mut group: bindings::attribute_group = unsafe { core::mem::zeroed() };
        group.__bindgen_anon_2.attrs = attrs.ptrs.as_ptr().cast_mut();
        // INVARIANT: over a static list of `T`.
        AttributeGroup {
            group,
            attrs: attrs.attrs,
            device: attrs.device,
            _data: PhantomData,
        }
    }
}

/// The NULL-terminated group list for devices whose data is `T`.
///
/// The type parameter ties the callbacks (compiled for `T`) to the data
/// passed to [`ClassDevice::register`]: the group, its list and its
/// attributes are all of `T` (their constructors take nothing else).
///
/// # Invariants
///
/// `groups` is a static `AttributeGroup<T>` and NULL.
pub struct AttributeGroups<T: ClassAttributes> {
    /// The attributes of the group.
    attrs: &'static [StaticAttribute<T>],
    /// The device's name (`/sys/class/hy300/<name>`): the one its
    /// attributes were made for, which labels their self-metric.
    name: &'static CStr,
    groups: [*const bindings::attribute_group; 2],
    _data: PhantomData<fn(&T)>,
}

// SAFETY: points only to immutable statics (type invariant).
unsafe impl<T: ClassAttributes> Sync for AttributeGroups<T> {}

impl<T: ClassAttributes> AttributeGroups<T> {
    /// The list holding `group`, for the device its attributes are of
    /// (the name it is created with).
    pub const fn new(group: &'static AttributeGroup<T>) -> Self {
        // INVARIANT: a static group of `T`, then NULL.
        AttributeGroups {
            attrs: group.attrs,
            name: group.device,
            groups: [core::ptr::from_ref(&group.group), core::ptr::null()],
            _data: PhantomData,
        }
    }
}

/// Declares the attribute files of the class device `$device` (its name
/// under `/sys/class/hy300/`, which labels the files' self-metric) whose
/// data is `$data`, each with its key (a variant of `$data`'s
/// [`ClassAttributes::File`]), name and mode, and the `build_info` file
/// every device has (served by
/// the class core, [`crate::hy300::build_info`]). The build fails unless
/// every key has a file (the keys are matched exhaustively) and each has
/// one (a repeated key is an unreachable pattern). The crate must include
/// this file as `crate::hy300::class_device`.
///
/// ```ignore
/// hy300_attributes!(MOTOR_GROUPS: MotorState as c"motor" => {
///     MotorFile::Metrics: c"metrics" => 0o444,
///     MotorFile::Position: c"position" => 0o644,
/// });
/// ```
#[macro_export]
macro_rules! hy300_attributes {
    ($groups:ident : $data:ty as $device:literal => { $($key:path : $name:literal => $mode:expr),+ $(,)? }) => {
        static $groups: $crate::hy300::class_device::AttributeGroups<$data> = {
            use $crate::hy300::class_device::{
                AttributeGroup, AttributeGroups, AttributeList, ClassAttributes, StaticAttribute,
            };
            // Every key has a file, each one only (`deny`: a repeated key
            // fails the build).
            #[deny(unreachable_patterns)]
            const _: fn(<$data as ClassAttributes>::File) = |file| match file {
                $($key => {}),+
            };
            const COUNT: usize = [$($mode),+].len() + 1;
            static ATTRIBUTES: [StaticAttribute<$data>; COUNT] = [
                $(StaticAttribute::<$data>::new($key, $device, $name, $mode)),+,
                StaticAttribute::<$data>::build_info($device),
            ];
            static LIST: AttributeList<$data, { COUNT + 1 }> = AttributeList::new(&ATTRIBUTES);
            static GROUP: AttributeGroup<$data> = AttributeGroup::new(&LIST);
            AttributeGroups::new(&GROUP)
        };
    };
}

// Exported by hy300_class.ko (drivers/misc/hy300/hy300_class_exports.h),
// declared in the project's generated bindings, whose `device` and
// `attribute_group` are their own types: pointers are cast.
use crate::hy300_bindings::{self as raw, hy300_class_device_create, hy300_class_device_destroy};

/// A driver's `/sys/class/hy300/<name>` device and the data it serves;
/// the device is unregistered on drop.
///
/// A driver that binds with [`ClassDevice::register_or_degrade`] may hold
/// one without a device: the files could not be created, the driver does
/// its job without them.
///
/// # Invariants
///
/// `data` comes from `T::Owner::into_foreign` and is taken back only in
/// `drop`. `dev`, if any, is a device created by
/// `hy300_class_device_create` with `groups` whose drvdata is `data`; it
/// stays registered until `drop`, which unregisters it first, then takes
/// back the pages recorded for its attributes.
pub struct ClassDevice<T: ClassAttributes> {
    dev: Option<NonNull<raw::device>>,
    groups: &'static AttributeGroups<T>,
    data: *mut kernel::ffi::c_void,
    _owner: PhantomData<T::Owner>,
}

// SAFETY: the device handle is only used to unregister, which any thread may
// do; `data` stands for a `T::Owner`, which is `Send`.
unsafe impl<T: ClassAttributes> Send for ClassDevice<T> {}
// SAFETY: `&ClassDevice` gives access to nothing but a borrow of the owner
// and `&T`; the owner and `T` are `Sync`.
unsafe impl<T: ClassAttributes> Sync for ClassDevice<T> {}

/// Creates the device serving `data`.
fn create_device<T: ClassAttributes>(
    parent: Option<&kernel::device::Device>,
    groups: &'static AttributeGroups<T>,
    data: *mut kernel::ffi::c_void,
) -> Result<NonNull<raw::device>> {
    // `Device` is a transparent wrapper of the kernel's `struct device`,
    // which these bindings use too (`Device::as_raw` is crate-private).
    let parent = parent.map_or(core::ptr::null_mut(), |p| {
        core::ptr::from_ref(p).cast_mut().cast::<raw::device>()
    });
    let mut dev = core::ptr::null_mut();
    // SAFETY: `groups` and its name are static; `data` (a foreign owner)
    // outlives the device because the `ClassDevice` holding both
    // unregisters it on drop (which waits for running callbacks) before
    // the owner is taken back.
    let ret = unsafe {
        hy300_class_device_create(
            groups.name.as_char_ptr(),
            parent,
            groups.groups.as_ptr().cast_mut().cast(),
            data,
            &mut dev,
        )
    };
    kernel::error::to_result(ret)?;
    NonNull::new(dev).ok_or(EINVAL)
}

impl<T: ClassAttributes> ClassDevice<T> {
    /// Hands `data` over to a `ClassDevice` serving no files yet.
    fn holding(groups: &'static AttributeGroups<T>, data: T::Owner) -> Self {
        // INVARIANT: `data` is a foreign owner until `drop` takes it back.
        ClassDevice {
            dev: None,
            groups,
            data: data.into_foreign(),
            _owner: PhantomData,
        }
    }

    /// Creates `/sys/class/hy300/<name>` with `groups` (which name the
    /// device: [`hy300_attributes!`]), serving `data`. Fails with `EEXIST`
    /// if a device of that name exists, `ENODEV` if the class is not
    /// registered, `ENOMEM` if the device or a file cannot be created.
    pub fn register(
        parent: Option<&kernel::device::Device>,
        groups: &'static AttributeGroups<T>,
        data: T::Owner,
    ) -> Result<Self> {
        let mut this = Self::holding(groups, data);
        // INVARIANT: the device was just created with `this.data` as its
        // drvdata. On an error `this` drops and takes the owner back.
        this.dev = Some(create_device(parent, groups, this.data)?);
        this.record_pages();
        Ok(this)
    }

    /// As [`Self::register`], but a device that cannot be created for any
    /// reason but its name being taken (`EEXIST`, a configuration error
    /// that still fails) does not fail the caller: one warning on `parent`
    /// names the error, `hy300_class` counts it (debugfs
    /// `hy300_class/device_errors`), and the returned value serves no
    /// files. For a driver's probe: its device works without its files.
    pub fn register_or_degrade(
        parent: &kernel::device::Device,
        groups: &'static AttributeGroups<T>,
        data: T::Owner,
    ) -> Result<Self> {
        let mut this = Self::holding(groups, data);
        match create_device(Some(parent), groups, this.data) {
            // INVARIANT: the device was just created with `this.data` as
            // its drvdata.
            Ok(dev) => {
                this.dev = Some(dev);
                this.record_pages();
            }
            Err(e) if e == EEXIST => return Err(e),
            Err(e) => dev_warn!(
                parent,
                "cannot create /sys/class/hy300/{} (error {}): running without its files\n",
                name_str(groups.name),
                e.to_errno()
            ),
        }
        Ok(this)
    }

    /// Records each Prometheus file's page (one render, its values cut
    /// out: [`Writer::recording`]) for its reads to replay. A file whose
    /// page cannot be recorded (a family with samples added by a closure,
    /// no memory) is rendered on every read, as every file is until this
    /// is done; nothing fails.
    fn record_pages(&self) {
        let (Ok(mut page), Ok(mut cuts)) = (
            KVec::from_elem(0u8, PAGE_SIZE, GFP_KERNEL),
            KVec::from_elem(Cut::default(), MAX_CUTS, GFP_KERNEL),
        ) else {
            return;
        };
        let owner = self.data();
        let data = T::Owner::data(&owner);
        for attr in self.groups.attrs {
            // Prometheus files only: readable, not a one-value file.
            let Some(key) = attr.file else {
                continue;
            };
            if attr.attr.attr.mode & 0o444 == 0
                || data.show_value(key, &mut kernel::str::Formatter::new(&mut page[..]))
            {
                continue;
            }
            let mut out = Writer::recording(&mut page[..], attr.self_metric.reserve, &mut cuts[..]);
            data.show(key, &mut out);
            out.finish_bounded(
                &TRUNCATED,
                &attr.self_metric.series,
                &attr.stats.truncations,
            );
            let Some((len, count)) = out.finish_recording() else {
                continue;
            };
            let recorded = (|| {
                let mut text = KVec::with_capacity(len, GFP_KERNEL).ok()?;
                text.extend_from_slice(page.get(..len)?, GFP_KERNEL).ok()?;
                let mut kept = KVec::with_capacity(count, GFP_KERNEL).ok()?;
                kept.extend_from_slice(cuts.get(..count)?, GFP_KERNEL)
                    .ok()?;
                KBox::new(Recorded { text, cuts: kept }, GFP_KERNEL).ok()
            })();
            if let Some(recorded) = recorded {
                let recorded = KBox::into_raw(recorded);
                // INVARIANT (`StaticAttribute`): stored by the device's
                // `ClassDevice` after creating it, the only one (the name
                // is its own; the last device's `drop` left it null);
                // `drop` takes it back. Were one there, it stays.
                let stored = attr.recorded.compare_exchange(
                    core::ptr::null_mut(),
                    recorded,
                    Release,
                    Relaxed,
                );
                if stored.is_err() {
                    // SAFETY: `recorded` was made by `KBox::into_raw` just
                    // above and was not stored.
                    drop(unsafe { KBox::from_raw(recorded) });
                }
            }
        }
    }

    /// How many of the device's files have a recorded page.
    pub fn recorded_files(&self) -> usize {
        if self.dev.is_none() {
            return 0;
        }
        self.groups
            .attrs
            .iter()
            .filter(|attr| !attr.recorded.load(Relaxed).is_null())
            .count()
    }

    /// The data served by this device, borrowed from its owner (an
    /// `ArcBorrow` for an `Arc`, which can make another `Arc`).
    pub fn data(&self) -> <T::Owner as ForeignOwnable>::Borrowed<'_> {
        // SAFETY: `data` came from `into_foreign` and is taken back only by
        // `drop`, which cannot run while `self` is borrowed.
        unsafe { T::Owner::borrow(self.data) }
    }
}

impl<T: ClassAttributes> Drop for ClassDevice<T> {
    fn drop(&mut self) {
        if let Some(dev) = self.dev {
            // SAFETY: by the type invariant `dev` is registered; after this
            // call no callback runs, so `data` may be released afterwards.
            unsafe { hy300_class_device_destroy(dev.as_ptr()) };
            for attr in self.groups.attrs {
                let recorded = attr.recorded.swap(core::ptr::null_mut(), AcqRel);
                if !recorded.is_null() {
                    // SAFETY: a `KBox<Recorded>` stored by `record_pages`
                    // (`StaticAttribute` invariant); the device is gone,
                    // so no callback reads it.
                    drop(unsafe { KBox::from_raw(recorded) });
                }
            }
        }
        // SAFETY: `data` came from `into_foreign` (type invariant) and is
        // taken back once, here; no device uses it any more and no borrow
        // of `self` is left.
        drop(unsafe { T::Owner::from_foreign(self.data) });
    }
}

/// Recovers the driver data and the attribute of a sysfs callback.
///
/// # Safety
///
/// `dev` and `attr` must be the arguments of a sysfs callback of a device
/// registered by [`ClassDevice::register`] for `T`.
unsafe fn callback_args<'a, T: ClassAttributes>(
    dev: *mut bindings::device,
    attr: *mut bindings::device_attribute,
) -> (
    <T::Owner as ForeignOwnable>::Borrowed<'a>,
    &'a StaticAttribute<T>,
) {
    // SAFETY: per the contract, drvdata is the foreign owner held by the
    // `ClassDevice` until the device is unregistered, which waits for
    // callbacks to return.
    let data = unsafe { T::Owner::borrow(bindings::dev_get_drvdata(dev)) };
    // SAFETY: `attr` is one of our `StaticAttribute<T>`s (the type
    // invariant: it is their first field), which are statics.
    let file = unsafe { &*attr.cast_const().cast::<StaticAttribute<T>>() };
    (data, file)
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
    let (owner, file) = unsafe { callback_args::<T>(dev, attr) };
    let data = T::Owner::data(&owner);
    // Only `build_info` has no key, and it has its own callback.
    let Some(key) = file.file else {
        return 0;
    };
    // SAFETY: sysfs passes a buffer of PAGE_SIZE bytes that we may fill.
    let page =
        unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), kernel::page::PAGE_SIZE) };
    // A recorded file is a Prometheus file (`record_pages`).
    if let Some(len) = replay_page(page, file, |out| data.show(key, out)) {
        return len as isize;
    }
    {
        let mut value = kernel::str::Formatter::new(page);
        if data.show_value(key, &mut value) {
            return value.bytes_written().min(kernel::page::PAGE_SIZE) as isize;
        }
    }
    render_page(page, &file.self_metric, &file.stats, |out| {
        data.show(key, out)
    }) as isize
}

/// Writes `file`'s recorded page into `page` with the values `render`
/// gives: its length, or `None` if the file has no recorded page or the
/// page `render` writes is not the recorded one (then render it).
fn replay_page<T: ClassAttributes>(
    page: &mut [u8],
    file: &StaticAttribute<T>,
    render: impl FnOnce(&mut Writer<'_>),
) -> Option<usize> {
    let recorded = file.recorded.load(Acquire);
    // SAFETY: non-null, `recorded` is a `KBox<Recorded>` that the device's
    // `ClassDevice` takes back only after removing the device, which waits
    // for this callback to return (type invariant of `StaticAttribute`).
    let recorded = unsafe { recorded.as_ref() }?;
    let template = Template {
        text: &recorded.text,
        cuts: &recorded.cuts,
    };
    let mut values = [0u64; MAX_CUTS];
    let mut out = Writer::replaying(page, file.self_metric.reserve, template, &mut values);
    render(&mut out);
    out.finish_bounded(
        &TRUNCATED,
        &file.self_metric.series,
        &file.stats.truncations,
    );
    out.finish_replay()
}

/// The `show` of every device's `build_info` file.
///
/// # Safety
///
/// Called by sysfs only, for a device registered by [`ClassDevice::register`],
/// with the attribute made by [`StaticAttribute::build_info`] and a
/// `PAGE_SIZE` buffer.
unsafe extern "C" fn build_info_callback<T: ClassAttributes>(
    dev: *mut bindings::device,
    attr: *mut bindings::device_attribute,
    buf: *mut kernel::ffi::c_char,
) -> isize {
    // SAFETY: sysfs passes a buffer of PAGE_SIZE bytes that we may fill.
    let page =
        unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), kernel::page::PAGE_SIZE) };
    // SAFETY: `attr` is a `StaticAttribute` (the type invariant: it is
    // their first field), which are statics.
    let file = unsafe { &*attr.cast_const().cast::<StaticAttribute<T>>() };
    // SAFETY: `dev` is registered, so its `parent` field is set for good;
    // a parent outlives its children (each holds a reference to it), and
    // `dev_driver_string` reads the parent's driver once and returns a
    // name that lives as long as the driver, which stays bound while our
    // device exists (drivers create it in probe and remove it in remove).
    let driver = unsafe {
        let parent = (*dev).parent;
        if parent.is_null() {
            c""
        } else {
            <CStr as kernel::str::CStrExt>::from_char_ptr(bindings::dev_driver_string(parent))
        }
    };
    // The device is created with the name its attributes were made for
    // (`AttributeGroups`): the self-metric's device label is its name.
    let device = file.self_metric.device;
    render_page(page, &file.self_metric, &file.stats, |out| {
        crate::hy300::build_info::render(device, driver.to_str().unwrap_or("?"), out)
    }) as isize
}

/// Renders one Prometheus file into `page` (a sysfs page): at most
/// `PAGE_SIZE - 1` bytes of whole samples, then the file's self-metric
/// `metric`. A cut-short read is counted in `stats` and logged once per
/// file. Returns the length (below `page.len()`).
pub fn render_page(
    page: &mut [u8],
    metric: &SelfMetric,
    stats: &FileStats,
    render: impl FnOnce(&mut Writer<'_>),
) -> usize {
    let mut out = Writer::bounded(page, metric.reserve);
    render(&mut out);
    let len = out.finish_bounded(&TRUNCATED, &metric.series, &stats.truncations);
    if out.is_truncated() && !stats.warned.swap(true, Relaxed) {
        pr_warn!(
            "{}/{} did not fit in a page: whole samples up to byte {len} kept, counted in hy300_metrics_truncated_total (logged once)\n",
            metric.device,
            metric.file
        );
    }
    len
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
    let (data, file) = unsafe { callback_args::<T>(dev, attr) };
    // Only `build_info` (read-only, no store) has no key.
    let Some(key) = file.file else {
        return EACCES.to_errno() as isize;
    };
    // SAFETY: sysfs passes `count` readable bytes.
    let input = unsafe { core::slice::from_raw_parts(buf.cast::<u8>(), count) };
    match T::store(data, key, input) {
        Ok(()) => count as isize,
        Err(e) => e.to_errno() as isize,
    }
}
