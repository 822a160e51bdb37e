// SPDX-License-Identifier: GPL-2.0

//! Host build of the hy300 Prometheus writer.
//!
//! The kernel modules include `prometheus.rs` directly (`#[path]`), so the
//! very same source is tested here with `cargo test`.
#![no_std]

#[cfg(test)]
extern crate std;

#[path = "prometheus.rs"]
mod prometheus;

pub use prometheus::*;
