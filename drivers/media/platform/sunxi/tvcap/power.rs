// SPDX-License-Identifier: GPL-2.0

//! The block's clocks and reset line, by the binding's names (the sunxi
//! style; Documentation/hy300/devicetree.rst maps them to the factory
//! device tree's `tvtop@5700000` names, and the DT binding says for each
//! clock and reset the C original names why it is or is not taken).
//!
//! - `bus` (factory `clk_bus_tvcap`, register bus) and the `bus` reset
//!   line (factory `reset_bus_tvcap`): on while the driver is bound
//!   ([`Power`]). Hot-plug detection, the signal and format status and
//!   their interrupts (HOTPLUG, INPUT_CHANGE, FORMAT_CHANGE) go through
//!   the register block, which needs them whether or not a capture runs.
//! - `mod` (factory `cap_300m`, capture engine) and `ram` (factory
//!   `vincap_dma_clk`, its DMA): only capture needs them, so they run from
//!   the start of a capture to its stop ([`CaptureClocks`]). Their rates
//!   (300 and 200 MHz, the C original's `clk_set_rate` values) come from
//!   the device tree's `assigned-clock-rates`, which the clock core
//!   applies before probe: a board policy, not the driver's.
//!
//! Both backends use this module: on the QEMU guest the clocks are the
//! board module's fixed-rate clocks (the clock core counts their enables,
//! which `tests/vm/tvcap.sh` checks); the simulated block has no reset
//! controller, so its reset line is optional.

#![forbid(unsafe_code)]

use core::sync::atomic::{AtomicBool, Ordering::Relaxed};
use kernel::clk::Clk;
use kernel::device::Device;
use kernel::prelude::*;

use crate::hy300::reset::{DeassertedReset, SharedReset};

/// The register bus clock, enabled while bound.
const BUS_CLOCK: &CStr = c"bus";
/// The clocks only a capture needs.
const CAPTURE_CLOCKS: [&CStr; 2] = [c"mod", c"ram"];
/// The capture block's reset line; shared with the rest of TVTOP.
const RESET: &CStr = c"bus";

/// Gets clock `name` of `dev`, with one message when it is missing.
fn get_clock(dev: &Device, name: &CStr) -> Result<Clk> {
    Clk::get(dev, Some(name)).inspect_err(|e| {
        dev_err!(dev, "clock {:?} missing: error {}\n", name, e.to_errno());
    })
}

/// Prepares and enables `clk`, with one message when it fails.
fn enable(dev: &Device, clk: &Clk, name: &CStr) -> Result {
    clk.prepare_enable().inspect_err(|e| {
        dev_err!(
            dev,
            "clock {:?} cannot be enabled: error {}\n",
            name,
            e.to_errno()
        );
    })
}

/// A prepared and enabled clock; disabled and put on drop.
struct EnabledClock(Clk);

impl Drop for EnabledClock {
    fn drop(&mut self) {
        self.0.disable_unprepare();
    }
}

/// Takes the shared reset line `name` of `dev` out of reset, with one
/// message when that fails; asserted again and put on drop.
fn deassert_reset(dev: &Device, name: &CStr, optional: bool) -> Result<DeassertedReset> {
    SharedReset::get(dev, name, optional)
        .inspect_err(|e| dev_err!(dev, "reset {:?} missing: error {}\n", name, e.to_errno()))?
        .deassert()
        .inspect_err(|e| {
            dev_err!(
                dev,
                "reset {:?} cannot be deasserted: error {}\n",
                name,
                e.to_errno()
            );
        })
}

/// What the block needs while bound: the bus clock on and the reset line
/// deasserted; released on drop, reset first.
pub(crate) struct Power {
    _reset: DeassertedReset,
    _bus: EnabledClock,
}

impl Power {
    /// Enables the bus clock, then takes the block out of reset (a line the
    /// node must have unless `reset_optional`).
    pub(crate) fn on(dev: &Device, reset_optional: bool) -> Result<Self> {
        let bus = get_clock(dev, BUS_CLOCK)?;
        enable(dev, &bus, BUS_CLOCK)?;
        let bus = EnabledClock(bus);
        let reset = deassert_reset(dev, RESET, reset_optional)?;
        Ok(Power {
            _reset: reset,
            _bus: bus,
        })
    }
}

/// The capture clocks: got at probe, enabled by [`Self::set`] while a
/// capture runs; disabled on drop if still on.
pub(crate) struct CaptureClocks {
    clocks: [Clk; 2],
    on: AtomicBool,
}

impl CaptureClocks {
    /// Gets the clocks (they stay off).
    pub(crate) fn get(dev: &Device) -> Result<Self> {
        Ok(CaptureClocks {
            clocks: [
                get_clock(dev, CAPTURE_CLOCKS[0])?,
                get_clock(dev, CAPTURE_CLOCKS[1])?,
            ],
            on: AtomicBool::new(false),
        })
    }

    /// Turns the clocks on or off; nothing when they already are. On a
    /// failure to enable, those enabled are disabled again and the clocks
    /// stay off.
    pub(crate) fn set(&self, dev: &Device, on: bool) -> Result {
        if self.on.swap(on, Relaxed) == on {
            return Ok(());
        }
        if !on {
            for clk in self.clocks.iter().rev() {
                clk.disable_unprepare();
            }
            return Ok(());
        }
        for (i, (clk, name)) in self.clocks.iter().zip(CAPTURE_CLOCKS).enumerate() {
            if let Err(e) = enable(dev, clk, name) {
                for clk in self.clocks[..i].iter().rev() {
                    clk.disable_unprepare();
                }
                self.on.store(false, Relaxed);
                return Err(e);
            }
        }
        Ok(())
    }
}

impl Drop for CaptureClocks {
    fn drop(&mut self) {
        if *self.on.get_mut() {
            for clk in self.clocks.iter().rev() {
                clk.disable_unprepare();
            }
        }
    }
}
