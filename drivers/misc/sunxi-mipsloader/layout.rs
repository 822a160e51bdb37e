// SPDX-License-Identifier: GPL-2.0

//! The co-processor's reserved memory: one table, checked at build time.

#![forbid(unsafe_code)]

/// A region of the reserved memory.
#[derive(Clone, Copy)]
pub(crate) struct Region {
    /// Label value in the metrics.
    pub(crate) name: &'static str,
    /// Offset from the start of the reserved memory.
    pub(crate) offset: usize,
    /// Size in bytes.
    pub(crate) size: usize,
}

/// Size of the `memory-region` (0x4b100000, `no-map`) on the HY300.
pub(crate) const RESERVED_SIZE: usize = 0x280_0000;

/// Index of the regions the driver writes, in [`REGIONS`].
pub(crate) const FIRMWARE: usize = 1;
/// The 1 MiB region after the firmware, where the panel (keystone)
/// parameters go. The C original calls it TSE and aliases it as DEBUG; the
/// seed's metric schema names it `debug`, so that is its label.
pub(crate) const DEBUG: usize = 2;

/// The layout, in address order.
pub(crate) const REGIONS: [Region; 4] = [
    Region {
        name: "boot_code",
        offset: 0x0,
        size: 0x1000,
    },
    Region {
        name: "firmware",
        offset: 0x1000,
        size: 0xC0_0000,
    },
    Region {
        name: "debug",
        offset: 0xC0_1000,
        size: 0x10_0000,
    },
    Region {
        name: "framebuffer",
        offset: 0xD0_1000,
        size: 0x1A0_0000,
    },
];

/// Regions are in order, do not overlap, and fit the reserved memory.
pub(crate) const fn layout_is_valid(regions: &[Region], total: usize) -> bool {
    let mut end = 0;
    let mut i = 0;
    while i < regions.len() {
        let r = regions[i];
        if r.size == 0 || r.offset < end {
            return false;
        }
        end = match r.offset.checked_add(r.size) {
            Some(e) => e,
            None => return false,
        };
        i += 1;
    }
    end <= total
}

const _: () = assert!(layout_is_valid(&REGIONS, RESERVED_SIZE));
