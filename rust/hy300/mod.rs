// SPDX-License-Identifier: GPL-2.0

//! Rust code shared by the hy300 modules, compiled into each of them.
//!
//! A module includes it with `#[path = ".../rust/hy300/mod.rs"] mod hy300;`
//! and must also include the writer as `crate::prometheus`.

pub mod build_info;
#[cfg(hy300_class_core)]
pub mod class_core;
pub mod class_device;
pub mod crc32;
pub mod cred;
pub mod debugfs;
pub mod dma;
pub mod gpio;
pub mod input;
pub mod irq;
#[cfg(hy300_sim)]
pub mod irq_sim;
pub mod memremap;
pub mod miscdev;
pub mod pm;
pub mod ratelimit;
pub mod registers;
pub mod reserved_memory;
pub mod reset;
#[cfg(CONFIG_KUNIT)]
pub mod testing;
pub mod threaded_irq;
pub mod workqueue;

/// Whether `a` and `b` are the same bytes: `==` for a `const` check (a
/// slice's `==` is not `const`).
pub const fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}
