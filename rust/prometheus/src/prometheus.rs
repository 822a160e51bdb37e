// SPDX-License-Identifier: GPL-2.0

//! Prometheus text exposition (format 0.0.4) without allocation.
//!
//! Shared by every hy300 module and by the host tests. It depends on `core`
//! only: the kernel compiles it into each module with
//! `#[path = ".../rust/prometheus/src/prometheus.rs"] mod prometheus;`.
//!
//! - [`metric`]: lock-free metric cells updated on hot paths (one relaxed
//!   atomic per counter event; three per histogram observation, whose
//!   snapshots are consistent).
//! - [`desc`]: compile-time checked metric and label names.
//! - [`writer`]: renders families into a caller's fixed buffer (a sysfs page);
//!   a family is written whole or not at all.

// Every includer loads this file with `#[path]`, so rustc already finds the
// submodules next to it; the explicit paths say so for tools that resolve
// modules without rustc's rule (cargo-mutants looked in src/prometheus/ and
// found no code to mutate).
#[path = "desc.rs"]
pub mod desc;
#[path = "metric.rs"]
pub mod metric;
#[path = "number.rs"]
pub mod number;
#[path = "writer.rs"]
pub mod writer;

pub use desc::{ConstFamily, Family, LabelName, MaxLen, MetricType, Series, MAX_VALUE_LEN};
pub use metric::{Counter, Gauge, Histogram, HistogramSnapshot, Observation};
pub use number::Value;
pub use writer::{Cut, FamilyWriter, Label, Slot, Template, Truncated, Writer};
