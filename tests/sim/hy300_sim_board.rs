// SPDX-License-Identifier: GPL-2.0

//! Test support, never loaded on the device: describes the HY300 board to an
//! x86 QEMU guest so the drivers probe exactly as on the device.
//!
//! x86 has no device tree for this board. With `CONFIG_OF`, this module adds
//! the board's nodes under the (empty) root at run time with an OF changeset
//! and creates their platform devices; the drivers then match on
//! `compatible` and read their properties like on the device.
//!
//! Motor: gpio-sim has no DT node, so `phase-gpios`/`limit-gpios` are given
//! by a GPIO lookup table to the gpio-sim bank labelled `hy300-sim-gpio`
//! (created through configfs by `tests/vm/setup.d/20-board.sh` before this
//! module is loaded). gpiolib falls back to lookup tables when the DT node
//! has no `*-gpios` property; the driver's `gpiod_get_index` calls are the
//! same.
//!
//! MIPS loader: a node `hy300,h713-mipsloader-sim` with `firmware-name`;
//! the mipsloader built with `HY300_SIM=y` binds it to its simulated
//! register block and memory (`drivers/misc/sunxi-mipsloader/sim.rs`).
//! With `mips_device=1` (and `mips_base`, the RAM that scripts/vm keeps
//! from the kernel with `mem=`), the node is the device's instead
//! (`allwinner,sun50i-h713-mipsloader`, a `reg` and a `memory-region` in
//! that RAM), bound to the driver's device backend (`mmio.rs`), and
//! `mips_model.rs` plays the co-processor's firmware on the same RAM.
//! Its two clocks, by the binding's names ("bus" and "mod": the factory
//! tree's "bus-clk" and "mips-clk"), are fixed-rate clocks registered here and given to the device by clkdev
//! lookups (`clk_get` falls back to them when the node has no `clocks`),
//! so the driver's clock code runs in the guest as on the device; the
//! clock core counts their enables in debugfs (`clk/<name>/clk_enable_count`),
//! which `tests/vm/mips.sh` checks.
//!
//! TV capture: a node `hy300,h713-tvcap-sim`, bound by sunxi-tvcap built
//! with `HY300_SIM=y` to its simulated block (`.../sunxi/tvcap/sim.rs`).
//! Its interrupt is the one line of an irq_sim domain created here
//! (`rust/hy300/irq_sim.rs`), given to its platform device as an interrupt
//! resource (`platform_get_irq` falls back to it when the node has no
//! `interrupts`): the driver requests it exactly as on the device, and the
//! simulated block raises it. That device is created here, not by the OF
//! core (the node is marked populated before it is attached), so that it
//! has the resource before a driver can bind. Its three clocks, by the
//! factory tree's names, are fixed-rate clocks given by clkdev lookups as
//! for the co-processor (`tests/vm/tvcap.sh` checks their enable counts).
//! With `tvcap_not_ready=1` the node has `hy300,not-ready`: the simulated
//! block never becomes ready, so the probe must fail with ETIMEDOUT.
//! With `tvcap_slow_irq_enable=1` it has `hy300,slow-irq-enable`: the
//! block takes 2 s over the probe's interrupt enable (the registration
//! window of `tests/vm/tvcap.sh`).
//! With `tvcap_device=1` (and `mips_base`), the capture block's node is
//! the device's instead (`allwinner,sun50i-h713-tvcap`, a `reg` in the
//! carve-out after the co-processor's, the same interrupt and clocks, and
//! `resets` to a reset controller registered here), bound to the driver's
//! device backend (`mmio.rs`), and `tvcap_model.rs` plays the block and
//! the reset controller.
//! For `scripts/bench`, a platform device `hy300-read-floor` whose file
//! `page` is a single copy of a static page smaller than every metrics
//! page (`read_floor.rs`): the floor of reading any sysfs file of that
//! size; whose files `motor`, `mips` and `tvcap` are each device's
//! `metrics` page rendered by the hand-written floor: the floor of
//! rendering it; and whose files `<device>_writer` are the same pages
//! rendered by our writer: the writer's share of a read.
//!
//! With `tvcap_device_node=1`, also the device's own node
//! (`allwinner,sun50i-h713-tvcap`) without the clocks and reset a QEMU
//! guest cannot provide: the device backend's probe must fail cleanly.

use core::ptr::null_mut;
use kernel::bindings;
use kernel::prelude::*;

// The project's generated C bindings (scripts/hy300-bindgen): the clock,
// clkdev, GPIO lookup and OF platform calls 7.3's `kernel::bindings` lack.
// Their types are their own (not `kernel::bindings`'): pointers are cast.
#[path = "../../rust/bindings/mod.rs"]
mod hy300_bindings;

use hy300_bindings::{
    self as raw, clk_register_fixed_rate, clk_unregister_fixed_rate, clkdev_create, clkdev_drop,
    gpiod_add_lookup_table, gpiod_remove_lookup_table, of_find_device_by_node,
    of_platform_device_create, of_platform_device_destroy,
};

#[allow(dead_code, unreachable_pub)]
#[path = "../../rust/hy300/irq_sim.rs"]
mod irq_sim;

#[path = "read_floor.rs"]
mod read_floor;

// For the read floor's hand-written pages: the writer (whose cells the
// pages' values hold), the devices' pages with their values, and the
// host bench's hand-written floor of every page (the same files the host
// benchmark measures and checks byte for byte against the drivers').
#[allow(dead_code, unused_imports, unreachable_pub)]
#[path = "../../rust/prometheus/src/prometheus.rs"]
mod prometheus;

#[allow(dead_code, unreachable_pub)]
#[path = "../../rust/prometheus/tests/pages/values.rs"]
mod pages;

#[allow(dead_code, unreachable_pub)]
#[path = "../../rust/prometheus/benches/support/floor.rs"]
mod floor;

#[path = "regblock.rs"]
mod regblock;

#[path = "mips_model.rs"]
mod mips_model;

#[path = "tvcap_model.rs"]
mod tvcap_model;

module! {
    type: SimBoard,
    name: "hy300_sim_board",
    authors: ["HY300 driver authors"],
    description: "Test support: HY300 board description for the QEMU guest",
    license: "GPL",
    params: {
        tvcap_device_node: bool {
            default: false,
            description: "Also add the TV capture block's device node (no clocks: probe fails)",
        },
        tvcap_not_ready: bool {
            default: false,
            description: "The simulated TV capture block never becomes ready (probe fails)",
        },
        tvcap_slow_irq_enable: bool {
            default: false,
            description: "The simulated TV capture block takes 2 s over the probe's interrupt enable",
        },
        tvcap_device: bool {
            default: false,
            description: "The capture block's device node (reg, interrupt, clocks, resets) on the carve-out at mips_base, with a model of the block and its reset controller, instead of the -sim node",
        },
        mips_device: bool {
            default: false,
            description: "The co-processor's device node (reg, memory-region) on the carve-out at mips_base, with a model of its firmware, instead of the -sim node",
        },
        mips_base: u64 {
            default: 0,
            description: "Physical address of the RAM above the kernel's mem= limit for mips_device and tvcap_device (scripts/vm sets it)",
        },
    },
}

/// Name of the motor's node and platform device.
const MOTOR_NODE: &CStr = c"hy300-keystone-motor";
/// Label of the gpio-sim bank standing in for the H713's PH port.
const GPIO_CHIP: &CStr = c"hy300-sim-gpio";

/// `struct gpiod_lookup_table` (`include/linux/gpio/machine.h`) with room
/// for its entries and terminator in its flexible array `table`.
#[repr(C)]
struct GpiodLookupTable {
    head: raw::gpiod_lookup_table,
    table: [raw::gpiod_lookup; MOTOR_LINES.len() + 1],
}

// The entries are where the C flexible array is.
const _: () = assert!(
    core::mem::offset_of!(GpiodLookupTable, table)
        == core::mem::offset_of!(raw::gpiod_lookup_table, table)
);

/// `enum gpio_lookup_flags`, as `gpiod_lookup.flags` (`unsigned long`).
const GPIO_ACTIVE_LOW: kernel::ffi::c_ulong =
    raw::gpio_lookup_flags_GPIO_ACTIVE_LOW as kernel::ffi::c_ulong;
const GPIO_PULL_UP: kernel::ffi::c_ulong =
    raw::gpio_lookup_flags_GPIO_PULL_UP as kernel::ffi::c_ulong;

/// (con_id, index, gpio-sim line, flags): PH4..PH7 phases, PH14 limit.
const MOTOR_LINES: [(&CStr, u32, u16, kernel::ffi::c_ulong); 5] = [
    (c"phase", 0, 4, 0),
    (c"phase", 1, 5, 0),
    (c"phase", 2, 6, 0),
    (c"phase", 3, 7, 0),
    (c"limit", 0, 14, GPIO_ACTIVE_LOW | GPIO_PULL_UP),
];

/// The co-processor's platform device (the node's name, see `NODES`).
const MIPS_DEVICE: &CStr = c"hy300-mipsloader";
/// The simulated capture block's node and platform device.
const TVCAP_NODE: &CStr = c"hy300-tvcap";
/// The simulated clocks: (clock name, the driver's con_id, device, rate).
/// The co-processor's bus and core clocks; the capture block's bus,
/// capture and DMA clocks.
const CLOCKS: [(&CStr, &CStr, &CStr, kernel::ffi::c_ulong); 5] = [
    (c"hy300-sim-mips-bus", c"bus", MIPS_DEVICE, 24_000_000),
    (c"hy300-sim-mips-core", c"mod", MIPS_DEVICE, 600_000_000),
    (c"hy300-sim-tvcap-bus", c"bus", TVCAP_NODE, 200_000_000),
    (c"hy300-sim-tvcap-cap", c"mod", TVCAP_NODE, 300_000_000),
    (c"hy300-sim-tvcap-dma", c"ram", TVCAP_NODE, 300_000_000),
];

struct SimBoard {
    changeset: KBox<bindings::of_changeset>,
    lookup: KBox<GpiodLookupTable>,
    devices: KVec<Created>,
    /// With `tvcap_device=1`, the capture block's model and its reset
    /// controller; dropped once the devices are gone, before the nodes
    /// and the clocks and interrupt line it uses.
    tvcap_model: Option<tvcap_model::TvcapModel>,
    /// Held for its `Drop`, which runs after `SimBoard`'s (devices gone).
    _clocks: SimClocks,
    /// The capture block's interrupt line; removed after the devices too.
    _tvcap_irq: irq_sim::SimIrqDomain,
    /// With `mips_device=1`, the co-processor's firmware model; stopped
    /// after the devices are gone (the driver's remove talks to it).
    _mips_model: Option<mips_model::MipsModel>,
    /// The bench's floor of a metrics-sized sysfs read (no driver).
    _read_floor: read_floor::ReadFloor,
}

/// The fixed-rate clocks and their clkdev lookups (see `CLOCKS`).
struct SimClocks {
    /// (clock, lookup) pairs, in registration order.
    registered: KVec<(*mut raw::clk, *mut raw::clk_lookup)>,
}

impl SimClocks {
    fn register() -> Result<Self> {
        let mut clocks = SimClocks {
            registered: KVec::with_capacity(CLOCKS.len(), GFP_KERNEL)?,
        };
        for (name, con_id, dev_id, rate) in CLOCKS {
            // SAFETY: the name is NUL-terminated; no parent, no device.
            let clk = kernel::error::from_err_ptr(unsafe {
                clk_register_fixed_rate(null_mut(), name.as_char_ptr(), core::ptr::null(), 0, rate)
            })
            .inspect_err(|e| pr_err!("cannot register the simulated clock {name}: {e:?}\n"))?;
            // (On an error, dropping `clocks` releases the ones registered so far.)
            // SAFETY: `clk` was just registered; the device name has no `%`
            // (it is the format, with no arguments).
            let lookup = unsafe { clkdev_create(clk, con_id.as_char_ptr(), dev_id.as_char_ptr()) };
            if lookup.is_null() {
                // SAFETY: registered above, with no consumer yet.
                unsafe { clk_unregister_fixed_rate(clk) };
                return Err(ENOMEM);
            }
            // Capacity was reserved for every clock.
            clocks.registered.push((clk, lookup), GFP_KERNEL)?;
        }
        Ok(clocks)
    }
}

impl SimClocks {
    /// The clock registered for (`con_id`, `dev_id`); null if none.
    fn find(&self, con_id: &CStr, dev_id: &CStr) -> *mut raw::clk {
        CLOCKS
            .iter()
            .zip(self.registered.iter())
            .find(|((_, c, d, _), _)| *c == con_id && *d == dev_id)
            .map_or(null_mut(), |(_, &(clk, _))| clk)
    }
}

impl Drop for SimClocks {
    fn drop(&mut self) {
        for &(clk, lookup) in self.registered.iter().rev() {
            // SAFETY: both were created in `register`; the devices that
            // could hold the clock were released before (see `SimBoard`'s
            // field order and `Drop`).
            unsafe {
                clkdev_drop(lookup);
                clk_unregister_fixed_rate(clk);
            }
        }
    }
}

/// A node's `struct platform_device` and who created it.
enum Created {
    /// `of_platform_device_create` here; destroyed here.
    ByBoard(*mut core::ffi::c_void),
    /// `platform_device_add` here (the capture block, with its interrupt
    /// resource); unregistered here.
    WithIrq(*mut core::ffi::c_void),
    /// The OF notifier, on apply; we hold a reference from
    /// `of_find_device_by_node`, and reverting the changeset removes it.
    ByNotifier(*mut core::ffi::c_void),
}

impl Created {
    fn ptr(&self) -> *mut core::ffi::c_void {
        match *self {
            Created::ByBoard(p) | Created::ByNotifier(p) | Created::WithIrq(p) => p,
        }
    }
}

// SAFETY: the raw pointers are only used in `init` and `drop`, which the
// module loader never runs concurrently.
unsafe impl Send for SimBoard {}
// SAFETY: no method reads the pointers through `&SimBoard`.
unsafe impl Sync for SimBoard {}

fn lookup_table() -> GpiodLookupTable {
    // SAFETY: all-zero is a valid lookup entry (the terminator).
    let mut table: [raw::gpiod_lookup; MOTOR_LINES.len() + 1] = unsafe { core::mem::zeroed() };
    for (entry, (con_id, idx, line, flags)) in table.iter_mut().zip(MOTOR_LINES) {
        *entry = raw::gpiod_lookup {
            key: GPIO_CHIP.as_char_ptr(),
            chip_hwnum: line,
            con_id: con_id.as_char_ptr(),
            idx,
            flags,
        };
    }
    GpiodLookupTable {
        head: raw::gpiod_lookup_table {
            // SAFETY: all-zero is a valid, unlinked list head.
            list: unsafe { core::mem::zeroed() },
            dev_id: MOTOR_NODE.as_char_ptr(),
            table: raw::__IncompleteArrayField::new(),
        },
        table,
    }
}

/// A board node: name (also the platform device's name), compatible,
/// properties.
struct NodeSpec {
    name: &'static CStr,
    compatible: &'static CStr,
    strings: &'static [(&'static CStr, &'static CStr)],
    numbers: &'static [(&'static CStr, u32)],
}

/// The board's simulated devices.
const NODES: [NodeSpec; 3] = [
    // Fast timing keeps the guest tests short; the driver's defaults are
    // the device's (1000 us, 2 ms, 1000 steps).
    NodeSpec {
        name: MOTOR_NODE,
        compatible: c"hy300,keystone-motor",
        strings: &[],
        numbers: &[
            (c"hy300,phase-delay-us", 100),
            (c"hy300,step-delay-ms", 1),
            (c"hy300,max-position", 200),
        ],
    },
    // The co-processor with its simulated register block and memory.
    NodeSpec {
        name: c"hy300-mipsloader",
        compatible: c"hy300,h713-mipsloader-sim",
        strings: &[(c"firmware-name", c"display.bin")],
        numbers: &[],
    },
    // The HDMI capture block with its simulated frame source.
    NodeSpec {
        name: TVCAP_NODE,
        compatible: c"hy300,h713-tvcap-sim",
        strings: &[],
        numbers: &[],
    },
];

/// The co-processor as on the board (`mips_device=1`): its `reg` and
/// `memory-region` are added by `mips_device_node`.
const MIPS_DEVICE_NODE: NodeSpec = NodeSpec {
    name: MIPS_DEVICE,
    compatible: c"allwinner,sun50i-h713-mipsloader",
    strings: &[(c"firmware-name", c"display.bin")],
    numbers: &[],
};

/// The reserved memory's node (`mips_device=1`), target of the
/// co-processor's `memory-region`.
const MIPS_MEMORY_NODE: NodeSpec = NodeSpec {
    name: c"hy300-mips-memory",
    compatible: c"hy300,mips-reserved-memory",
    strings: &[],
    numbers: &[],
};

/// The phandle of [`MIPS_MEMORY_NODE`]: no other node of the guest's tree
/// has it (QEMU's start at 0x8000, the x86 root has none).
const MIPS_MEMORY_PHANDLE: u32 = 0x4859_3300;

/// A `reg` of one range under the root (two address and two size cells,
/// as QEMU's arm64 tree and the kernel's empty x86 root say).
fn add_reg(
    changeset: &mut bindings::of_changeset,
    np: *mut bindings::device_node,
    start: u64,
    size: u64,
) -> Result {
    let cells = [
        (start >> 32) as u32,
        start as u32,
        (size >> 32) as u32,
        size as u32,
    ];
    // SAFETY: `np` belongs to `changeset`; `cells` holds 4 readable u32.
    kernel::error::to_result(unsafe {
        bindings::of_changeset_add_prop_u32_array(
            changeset,
            np,
            c"reg".as_char_ptr(),
            cells.as_ptr(),
            cells.len(),
        )
    })
}

/// The reserved memory's node: the carve-out at `base`, `no-map`, with
/// its phandle; marked populated (no device of its own).
fn mips_memory_node(
    changeset: &mut bindings::of_changeset,
    np: *mut bindings::device_node,
    base: u64,
) -> Result {
    // SAFETY: `np` was created by `changeset` and is not attached yet.
    unsafe { (*np)._flags |= 1 << bindings::OF_POPULATED };
    add_reg(changeset, np, base, mips_model::RESERVED_SIZE)?;
    // SAFETY: `np` belongs to `changeset`; the names are NUL-terminated
    // and the value is one readable u32.
    kernel::error::to_result(unsafe {
        bindings::of_changeset_add_prop_bool(changeset, np, c"no-map".as_char_ptr())
    })?;
    // SAFETY: as above.
    kernel::error::to_result(unsafe {
        bindings::of_changeset_add_prop_u32_array(
            changeset,
            np,
            c"phandle".as_char_ptr(),
            &MIPS_MEMORY_PHANDLE,
            1,
        )
    })
}

/// The co-processor's device node: its register block after the reserved
/// memory, and the reserved memory by phandle.
fn mips_device_node(
    changeset: &mut bindings::of_changeset,
    np: *mut bindings::device_node,
    base: u64,
) -> Result {
    // Populated: its device is made here (`mips_device`), named as the
    // clock lookups say, not by the OF core (which names it by address).
    // SAFETY: `np` was created by `changeset` and is not attached yet.
    unsafe { (*np)._flags |= 1 << bindings::OF_POPULATED };
    add_reg(
        changeset,
        np,
        base + mips_model::REGS_OFFSET,
        mips_model::REGS_SIZE,
    )?;
    // SAFETY: `np` belongs to `changeset`; the name is NUL-terminated and
    // the value is one readable u32.
    kernel::error::to_result(unsafe {
        bindings::of_changeset_add_prop_u32_array(
            changeset,
            np,
            c"memory-region".as_char_ptr(),
            &MIPS_MEMORY_PHANDLE,
            1,
        )
    })
}

/// The capture block as on the board, minus what QEMU cannot provide.
const TVCAP_DEVICE_NODE: NodeSpec = NodeSpec {
    name: c"hy300-tvcap-device",
    compatible: c"allwinner,sun50i-h713-tvcap",
    strings: &[],
    numbers: &[],
};

/// The capture block as on the board (`tvcap_device=1`): its `reg` and
/// `resets` are added by `tvcap_node`.
const TVCAP_MMIO_NODE: NodeSpec = NodeSpec {
    name: TVCAP_NODE,
    compatible: c"allwinner,sun50i-h713-tvcap",
    strings: &[(c"reset-names", c"bus")],
    numbers: &[],
};

/// The reset controller of the capture block's line (`tvcap_device=1`),
/// registered by `tvcap_model.rs`.
const TVCAP_RESET_NODE: NodeSpec = NodeSpec {
    name: c"hy300-tvcap-reset",
    compatible: c"hy300,sim-reset",
    strings: &[],
    numbers: &[(c"#reset-cells", 1)],
};

/// The phandle of [`TVCAP_RESET_NODE`] (unique in the guest's tree, as
/// [`MIPS_MEMORY_PHANDLE`]).
const TVCAP_RESET_PHANDLE: u32 = 0x4859_3301;

/// The reset controller's node: its phandle; marked populated (no device
/// of its own) and its fwnode initialised without one, as a provider
/// registered without a driver is (`fwnode_dev_initialized`): otherwise
/// fw_devlink would hold the capture block's probe back until a device
/// for this node bound ("waiting for supplier"), which never comes.
fn tvcap_reset_node(
    changeset: &mut bindings::of_changeset,
    np: *mut bindings::device_node,
) -> Result {
    // SAFETY: `np` was created by `changeset` and is not attached yet:
    // nobody else sees its flags.
    unsafe {
        (*np)._flags |= 1 << bindings::OF_POPULATED;
        (*np).fwnode.flags |= 1 << bindings::FWNODE_FLAG_INITIALIZED;
    }
    // SAFETY: `np` belongs to `changeset`; the name is NUL-terminated and
    // the value is one readable u32.
    kernel::error::to_result(unsafe {
        bindings::of_changeset_add_prop_u32_array(
            changeset,
            np,
            c"phandle".as_char_ptr(),
            &TVCAP_RESET_PHANDLE,
            1,
        )
    })
}

/// What the capture block's node needs besides its `NodeSpec`: marked
/// populated, so that the OF core creates no device for it (it has none
/// before it is attached); `hy300,not-ready` with `tvcap_not_ready=1`,
/// `hy300,slow-irq-enable` with `tvcap_slow_irq_enable=1`; with
/// `tvcap_device=1`, its `reg` in the carve-out at `base` and its reset
/// line.
fn tvcap_node(
    changeset: &mut bindings::of_changeset,
    np: *mut bindings::device_node,
    base: u64,
) -> Result {
    // SAFETY: `np` was created by `changeset` and is not attached yet:
    // nobody else sees its flags.
    unsafe { (*np)._flags |= 1 << bindings::OF_POPULATED };
    if module_parameters::tvcap_device.value() {
        add_reg(
            changeset,
            np,
            base + tvcap_model::REGS_OFFSET,
            tvcap_model::REGS_SIZE,
        )?;
        let resets = [TVCAP_RESET_PHANDLE, 0];
        // SAFETY: `np` belongs to `changeset`; the name is NUL-terminated
        // and `resets` holds 2 readable u32.
        kernel::error::to_result(unsafe {
            bindings::of_changeset_add_prop_u32_array(
                changeset,
                np,
                c"resets".as_char_ptr(),
                resets.as_ptr(),
                resets.len(),
            )
        })?;
    }
    if module_parameters::tvcap_not_ready.value() {
        // SAFETY: `np` belongs to `changeset`; the name is NUL-terminated.
        kernel::error::to_result(unsafe {
            bindings::of_changeset_add_prop_bool(changeset, np, c"hy300,not-ready".as_char_ptr())
        })?;
    }
    if module_parameters::tvcap_slow_irq_enable.value() {
        // SAFETY: as above.
        kernel::error::to_result(unsafe {
            bindings::of_changeset_add_prop_bool(
                changeset,
                np,
                c"hy300,slow-irq-enable".as_char_ptr(),
            )
        })?;
    }
    Ok(())
}

/// Adds `spec` to `changeset` under the root.
fn describe(
    changeset: &mut bindings::of_changeset,
    spec: &NodeSpec,
) -> Result<*mut bindings::device_node> {
    // SAFETY: `of_root` is set at boot (an empty root on x86 with CONFIG_OF)
    // and never changes afterwards.
    let root = unsafe { bindings::of_root };
    if root.is_null() {
        pr_err!("no device tree root (CONFIG_OF?)\n");
        return Err(ENODEV);
    }
    // SAFETY: `changeset` is initialised, `root` is a live node and the name
    // is NUL-terminated.
    let np =
        unsafe { bindings::of_changeset_create_node(changeset, root, spec.name.as_char_ptr()) };
    if np.is_null() {
        return Err(ENOMEM);
    }
    let strings = [(c"compatible", spec.compatible)];
    for (name, value) in Iterator::chain(strings.iter(), spec.strings.iter()) {
        // SAFETY: `np` belongs to `changeset`; strings are NUL-terminated.
        kernel::error::to_result(unsafe {
            bindings::of_changeset_add_prop_string(
                changeset,
                np,
                name.as_char_ptr(),
                value.as_char_ptr(),
            )
        })?;
    }
    for (name, value) in spec.numbers {
        // SAFETY: `np` belongs to `changeset`; `value` is one readable u32.
        kernel::error::to_result(unsafe {
            bindings::of_changeset_add_prop_u32_array(changeset, np, name.as_char_ptr(), value, 1)
        })?;
    }
    Ok(np)
}

/// The platform device of an applied node: the OF notifier may have
/// created it on apply (when the root is a populated bus); otherwise it is
/// created here.
fn device_for(np: *mut bindings::device_node, name: &CStr) -> Result<Created> {
    // SAFETY: `np` is attached.
    let existing = unsafe { of_find_device_by_node(np.cast()) }.cast::<core::ffi::c_void>();
    if !existing.is_null() {
        return Ok(Created::ByNotifier(existing));
    }
    // SAFETY: `np` is attached; the name is NUL-terminated.
    let created = unsafe { of_platform_device_create(np.cast(), name.as_char_ptr(), null_mut()) }
        .cast::<core::ffi::c_void>();
    if created.is_null() {
        return Err(ENODEV);
    }
    Ok(Created::ByBoard(created))
}

/// The capture block's platform device for `np`, with interrupt `irq` as
/// its resource; with `tvcap_device=1` also its register block in the
/// carve-out at `base` (its node's `reg`), first.
fn tvcap_device(np: *mut bindings::device_node, irq: u32, base: u64) -> Result<Created> {
    let irq_res = bindings::resource {
        start: irq.into(),
        end: irq.into(),
        name: TVCAP_NODE.as_char_ptr(),
        flags: bindings::IORESOURCE_IRQ as kernel::ffi::c_ulong,
        ..Default::default()
    };
    if !module_parameters::tvcap_device.value() {
        return device_with(np, TVCAP_NODE, &[irq_res]);
    }
    let start = base + tvcap_model::REGS_OFFSET;
    let mem_res = bindings::resource {
        start,
        end: start + tvcap_model::REGS_SIZE - 1,
        name: TVCAP_NODE.as_char_ptr(),
        flags: bindings::IORESOURCE_MEM as kernel::ffi::c_ulong,
        ..Default::default()
    };
    device_with(np, TVCAP_NODE, &[mem_res, irq_res])
}

/// The co-processor's platform device (`mips_device=1`) for `np`, with
/// its register block as its memory resource (its node's `reg`), named
/// `hy300-mipsloader` as the clock lookups and the guest tests say.
fn mips_device(np: *mut bindings::device_node, base: u64) -> Result<Created> {
    let start = base + mips_model::REGS_OFFSET;
    let res = bindings::resource {
        start,
        end: start + mips_model::REGS_SIZE - 1,
        name: MIPS_DEVICE.as_char_ptr(),
        flags: bindings::IORESOURCE_MEM as kernel::ffi::c_ulong,
        ..Default::default()
    };
    device_with(np, MIPS_DEVICE, &[res])
}

/// A platform device `name` for `np` with the resources `res`.
fn device_with(
    np: *mut bindings::device_node,
    name: &CStr,
    res: &[bindings::resource],
) -> Result<Created> {
    // SAFETY: the name is NUL-terminated.
    let pdev = unsafe { bindings::platform_device_alloc(name.as_char_ptr(), -1) };
    if pdev.is_null() {
        return Err(ENOMEM);
    }
    // SAFETY: `pdev` was just allocated and is not added; `np` is attached;
    // the device's release puts the node reference taken here (its
    // fwnode); the resources are copied.
    let ret = unsafe {
        bindings::device_set_node(&mut (*pdev).dev, &mut (*bindings::of_node_get(np)).fwnode);
        kernel::error::to_result(bindings::platform_device_add_resources(
            pdev,
            res.as_ptr(),
            res.len() as u32,
        ))
        .and_then(|()| kernel::error::to_result(bindings::platform_device_add(pdev)))
    };
    if let Err(e) = ret {
        // SAFETY: allocated above, not added.
        unsafe { bindings::platform_device_put(pdev) };
        return Err(e);
    }
    Ok(Created::WithIrq(pdev.cast()))
}

fn release(device: &Created) {
    // SAFETY: `device` came from `device_for` and is released once.
    unsafe {
        let pdev = device.ptr().cast::<bindings::platform_device>();
        let dev = core::ptr::addr_of_mut!((*pdev).dev);
        match device {
            Created::ByBoard(_) => {
                of_platform_device_destroy(dev.cast(), null_mut());
            }
            Created::ByNotifier(_) => bindings::put_device(dev),
            Created::WithIrq(_) => bindings::platform_device_unregister(pdev),
        }
    }
}

impl kernel::Module for SimBoard {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let read_floor = read_floor::ReadFloor::register()
            .inspect_err(|e| pr_err!("cannot add the read floor device: {e:?}\n"))?;
        // Before any device exists: the probes take them.
        let clocks = SimClocks::register()?;
        // SAFETY: the domain is a field of `SimBoard`, declared after
        // `devices`; `SimBoard`'s `Drop` unregisters the devices (and with
        // them the capture block's interrupt request) before the fields
        // drop.
        let tvcap_irq = unsafe { irq_sim::SimIrqDomain::new() }
            .inspect_err(|e| pr_err!("cannot create the capture block's irq_sim line: {e:?}\n"))?;
        let mut lookup = KBox::new(lookup_table(), GFP_KERNEL)?;
        // SAFETY: all-zero is the state `of_changeset_init` expects to fill.
        let mut changeset: KBox<bindings::of_changeset> =
            KBox::new(unsafe { core::mem::zeroed() }, GFP_KERNEL)?;
        // SAFETY: `changeset` is allocated and not yet initialised.
        unsafe { bindings::of_changeset_init(&mut *changeset) };
        let extra = module_parameters::tvcap_device_node
            .value()
            .then_some(&TVCAP_DEVICE_NODE);
        // The model runs before the co-processor's device exists: its
        // probe loads the firmware.
        let mips_model = if module_parameters::mips_device.value() {
            Some(mips_model::MipsModel::start(
                module_parameters::mips_base.value(),
            )?)
        } else {
            None
        };
        let mips_base = module_parameters::mips_base.value();
        // The block's model too: the probe resets the block and waits
        // for READY.
        let mut tvcap_model = if module_parameters::tvcap_device.value() {
            Some(tvcap_model::TvcapModel::start(
                mips_base,
                tvcap_irq.irq(),
                clocks.find(c"bus", TVCAP_NODE),
                [
                    clocks.find(c"mod", TVCAP_NODE),
                    clocks.find(c"ram", TVCAP_NODE),
                ],
            )?)
        } else {
            None
        };
        let mut nodes = KVec::with_capacity(NODES.len() + 1, GFP_KERNEL)?;
        let mut mips_memory = None;
        let mut tvcap_reset = None;
        if tvcap_model.is_some() {
            let described = describe(&mut changeset, &TVCAP_RESET_NODE).and_then(|np| {
                tvcap_reset_node(&mut changeset, np)?;
                Ok(np)
            });
            match described {
                Ok(np) => tvcap_reset = Some(np),
                Err(e) => {
                    // SAFETY: initialised above, not applied.
                    unsafe { bindings::of_changeset_destroy(&mut *changeset) };
                    return Err(e);
                }
            }
        }
        if mips_model.is_some() {
            let described = describe(&mut changeset, &MIPS_MEMORY_NODE).and_then(|np| {
                mips_memory_node(&mut changeset, np, mips_base)?;
                Ok(np)
            });
            match described {
                Ok(np) => mips_memory = Some(np),
                Err(e) => {
                    // SAFETY: initialised above, not applied.
                    unsafe { bindings::of_changeset_destroy(&mut *changeset) };
                    return Err(e);
                }
            }
        }
        for spec in Iterator::chain(NODES.iter(), extra) {
            let spec = if mips_model.is_some() && spec.name == MIPS_DEVICE {
                &MIPS_DEVICE_NODE
            } else if tvcap_model.is_some() && spec.name == TVCAP_NODE {
                &TVCAP_MMIO_NODE
            } else {
                spec
            };
            let described = describe(&mut changeset, spec).and_then(|np| {
                if spec.name == TVCAP_NODE {
                    tvcap_node(&mut changeset, np, mips_base)?;
                } else if mips_model.is_some() && spec.name == MIPS_DEVICE {
                    mips_device_node(&mut changeset, np, mips_base)?;
                }
                Ok(np)
            });
            match described {
                Ok(np) => nodes.push((np, spec.name), GFP_KERNEL)?,
                Err(e) => {
                    // SAFETY: initialised above, not applied.
                    unsafe { bindings::of_changeset_destroy(&mut *changeset) };
                    return Err(e);
                }
            }
        }
        // SAFETY: the table stays allocated until removed in `drop` (or below).
        unsafe { gpiod_add_lookup_table(core::ptr::from_mut(&mut *lookup).cast()) };
        // SAFETY: `changeset` holds only our new nodes and properties.
        let applied = unsafe { bindings::of_changeset_apply(&mut *changeset) };
        if let Err(e) = kernel::error::to_result(applied) {
            // SAFETY: not applied; added above.
            unsafe {
                bindings::of_changeset_destroy(&mut *changeset);
                gpiod_remove_lookup_table(core::ptr::from_mut(&mut *lookup).cast());
            }
            return Err(e);
        }
        if let Some(np) = mips_memory {
            // The changeset attaches a node before it adds its properties,
            // so attaching found no `phandle` property: the node gets its
            // phandle here, before any device can look it up (none
            // exists yet); detaching drops it from the phandle cache.
            // SAFETY: `np` is attached and alive until the revert in `drop`.
            unsafe { (*np).phandle = MIPS_MEMORY_PHANDLE };
        }
        let mut failure = None;
        if let (Some(np), Some(model)) = (tvcap_reset, tvcap_model.as_mut()) {
            // As the reserved memory's phandle above.
            // SAFETY: `np` is attached and alive until the revert in `drop`.
            unsafe { (*np).phandle = TVCAP_RESET_PHANDLE };
            if let Err(e) = model.register_reset(np) {
                pr_err!("cannot register the capture block's reset controller: {e:?}\n");
                failure = Some(e);
            }
        }
        let mut devices = KVec::with_capacity(NODES.len() + 1, GFP_KERNEL)?;
        for (np, name) in nodes {
            if failure.is_some() {
                break;
            }
            let device = if name == TVCAP_NODE {
                tvcap_device(np, tvcap_irq.irq(), mips_base)
            } else if mips_model.is_some() && name == MIPS_DEVICE {
                mips_device(np, mips_base)
            } else {
                device_for(np, name)
            };
            match device.and_then(|d| devices.push(d, GFP_KERNEL).map_err(Error::from)) {
                Ok(()) => {}
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        let board = SimBoard {
            changeset,
            lookup,
            devices,
            tvcap_model,
            _clocks: clocks,
            _tvcap_irq: tvcap_irq,
            _mips_model: mips_model,
            _read_floor: read_floor,
        };
        match failure {
            // Dropping the board releases what was set up.
            Some(e) => Err(e),
            None => {
                pr_info!(
                    "board description applied: {} devices\n",
                    board.devices.len()
                );
                Ok(board)
            }
        }
    }
}

impl Drop for SimBoard {
    fn drop(&mut self) {
        for device in self.devices.iter().rev() {
            release(device);
        }
        // No device uses the block or its reset line any more; the model
        // goes before the nodes it registered its controller for.
        drop(self.tvcap_model.take());
        // SAFETY: the changeset was applied in `init`; reverting detaches the
        // nodes (and removes notifier-created devices), then it is freed. The
        // lookup table is no longer used by any device.
        unsafe {
            bindings::of_changeset_revert(&mut *self.changeset);
            bindings::of_changeset_destroy(&mut *self.changeset);
            gpiod_remove_lookup_table(core::ptr::from_mut(&mut *self.lookup).cast());
        }
        // `self._clocks` is dropped after this body: no device holds them.
    }
}
