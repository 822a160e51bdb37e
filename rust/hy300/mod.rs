// SPDX-License-Identifier: GPL-2.0

//! Rust code shared by the hy300 modules, compiled into each of them.
//!
//! A module includes it with `#[path = ".../rust/hy300/mod.rs"] mod hy300;`
//! and must also include the writer as `crate::prometheus`.

pub mod class_device;
pub mod debugfs;
pub mod input;
#[cfg(hy300_sim)]
pub mod irq_sim;
pub mod pm;
pub mod ratelimit;
pub mod registers;
#[cfg(CONFIG_KUNIT)]
pub mod testing;
pub mod workqueue;
