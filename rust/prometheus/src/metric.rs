// SPDX-License-Identifier: GPL-2.0

//! Lock-free metric cells.
//!
//! Updates are single relaxed atomic operations, safe from any context
//! (process, softirq, hard IRQ) and never block. Reads are relaxed loads:
//! a reader sees each cell's value at some moment during the read.

use core::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};

use super::number::{self, FIXED_CAPACITY};

/// `_bucket{` `le="` bound `"}`.
const LE_BLOCK_CAPACITY: usize = 8 + 4 + FIXED_CAPACITY + 2;

/// The text `_bucket{le="bound"}` of one histogram bucket, made at compile
/// time by [`Histogram::new`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct LeBlock {
    text: [u8; LE_BLOCK_CAPACITY],
    len: u8,
}

impl LeBlock {
    /// Length of `_bucket{`.
    pub(crate) const OPEN_LEN: usize = 8;
    /// The `+Inf` bucket.
    pub(crate) const INF: LeBlock = LeBlock::from_text(b"+Inf", 4);

    /// The block of `bound / 10^scale`.
    pub(crate) const fn new(bound: u64, scale: u32) -> Self {
        let (text, len) = number::const_fixed(bound, scale);
        Self::from_text(&text, len)
    }

    const fn from_text(bound: &[u8], len: usize) -> Self {
        let mut text = [0u8; LE_BLOCK_CAPACITY];
        let mut n = 0;
        let pieces: [&[u8]; 3] = [b"_bucket{le=\"", bound, b"\"}"];
        let mut p = 0;
        while p < pieces.len() {
            let piece = pieces[p];
            let mut i = 0;
            // The bound is `len` bytes long; the other pieces are whole.
            let end = if p == 1 { len } else { piece.len() };
            while i < end && i < piece.len() && n < LE_BLOCK_CAPACITY {
                text[n] = piece[i];
                n += 1;
                i += 1;
            }
            p += 1;
        }
        // n <= LE_BLOCK_CAPACITY < 256.
        LeBlock { text, len: n as u8 }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.text.get(..usize::from(self.len)).unwrap_or(&[])
    }
}

/// A monotonically increasing count.
#[derive(Debug, Default)]
pub struct Counter(AtomicU64);

impl Counter {
    /// A counter at zero.
    pub const fn new() -> Self {
        Counter(AtomicU64::new(0))
    }

    /// Adds one.
    #[inline]
    pub fn inc(&self) {
        self.0.fetch_add(1, Relaxed);
    }

    /// Adds `n`.
    #[inline]
    pub fn add(&self, n: u64) {
        self.0.fetch_add(n, Relaxed);
    }

    /// The current value.
    #[inline]
    pub fn get(&self) -> u64 {
        self.0.load(Relaxed)
    }
}

/// A value that can go up and down.
#[derive(Debug, Default)]
pub struct Gauge(AtomicI64);

impl Gauge {
    /// A gauge at zero.
    pub const fn new() -> Self {
        Gauge(AtomicI64::new(0))
    }

    /// Sets the value.
    #[inline]
    pub fn set(&self, v: i64) {
        self.0.store(v, Relaxed);
    }

    /// Adds `n` (may be negative).
    #[inline]
    pub fn add(&self, n: i64) {
        self.0.fetch_add(n, Relaxed);
    }

    /// Adds one.
    #[inline]
    pub fn inc(&self) {
        self.add(1);
    }

    /// Subtracts one.
    #[inline]
    pub fn dec(&self) {
        self.add(-1);
    }

    /// The current value.
    #[inline]
    pub fn get(&self) -> i64 {
        self.0.load(Relaxed)
    }
}

/// A histogram over integer observations (e.g. nanoseconds) rendered with a
/// decimal scale (e.g. 9: nanoseconds shown as seconds).
///
/// Buckets are stored non-cumulatively and `_count` is derived from them at
/// read time, so `_count` always equals the `+Inf` bucket. An observation
/// costs two relaxed atomics: its bucket and the sum.
#[derive(Debug)]
pub struct Histogram<const N: usize> {
    bounds: &'static [u64; N],
    scale: u32,
    le: [LeBlock; N],
    buckets: [AtomicU64; N],
    above: AtomicU64,
    sum: AtomicU64,
}

/// A consistent view of a histogram taken by [`Histogram::snapshot`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HistogramSnapshot<const N: usize> {
    /// Upper bounds of the finite buckets (inclusive).
    pub bounds: &'static [u64; N],
    /// Decimal scale of the bounds and the sum.
    pub scale: u32,
    /// Cumulative counts, one per finite bound.
    pub cumulative: [u64; N],
    /// Count of all observations (the `+Inf` bucket and `_count`).
    pub count: u64,
    /// Sum of all observations, in the histogram's integer unit.
    pub sum: u64,
}

impl<const N: usize> Histogram<N> {
    /// A histogram with `bounds` (strictly increasing upper bounds, checked
    /// at compile time when used in a `const`/`static`).
    pub const fn new(bounds: &'static [u64; N], scale: u32) -> Self {
        let mut i = 1;
        while i < N {
            assert!(bounds[i - 1] < bounds[i], "histogram bounds must increase");
            i += 1;
        }
        assert!(scale <= super::number::MAX_SCALE, "scale too large");
        #[allow(clippy::declare_interior_mutable_const)]
        const ZERO: AtomicU64 = AtomicU64::new(0);
        let mut le = [LeBlock::INF; N];
        let mut i = 0;
        while i < N {
            le[i] = LeBlock::new(bounds[i], scale);
            i += 1;
        }
        Histogram {
            bounds,
            scale,
            le,
            buckets: [ZERO; N],
            above: AtomicU64::new(0),
            sum: AtomicU64::new(0),
        }
    }

    /// Records one observation.
    #[inline]
    pub fn observe(&self, value: u64) {
        let idx = self.bounds.partition_point(|&b| b < value);
        self.buckets
            .get(idx)
            .unwrap_or(&self.above)
            .fetch_add(1, Relaxed);
        self.sum.fetch_add(value, Relaxed);
    }

    /// The `_bucket{le="bound"}` texts, made at compile time.
    pub(crate) fn le_blocks(&self) -> &[LeBlock; N] {
        &self.le
    }

    /// Reads every bucket once and accumulates them.
    pub fn snapshot(&self) -> HistogramSnapshot<N> {
        let mut cumulative = [0u64; N];
        let mut running = 0u64;
        for (out, bucket) in cumulative.iter_mut().zip(self.buckets.iter()) {
            running = running.wrapping_add(bucket.load(Relaxed));
            *out = running;
        }
        let count = running.wrapping_add(self.above.load(Relaxed));
        HistogramSnapshot {
            bounds: self.bounds,
            scale: self.scale,
            cumulative,
            count,
            sum: self.sum.load(Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static BOUNDS: [u64; 3] = [10, 100, 1000];

    #[test]
    fn histogram_buckets_are_inclusive_and_cumulative() {
        let h = Histogram::new(&BOUNDS, 0);
        for v in [0, 10, 11, 100, 5000] {
            h.observe(v);
        }
        let s = h.snapshot();
        assert_eq!(s.cumulative, [2, 4, 4]);
        assert_eq!(s.count, 5);
        assert_eq!(s.sum, 5121);
    }

    #[test]
    fn counter_and_gauge() {
        let c = Counter::new();
        c.inc();
        c.add(41);
        assert_eq!(c.get(), 42);
        let g = Gauge::new();
        g.dec();
        g.dec();
        g.inc();
        assert_eq!(g.get(), -1);
        g.set(7);
        assert_eq!(g.get(), 7);
    }

    #[test]
    fn concurrent_observations_keep_count_equal_to_inf_bucket() {
        static H: Histogram<3> = Histogram::new(&BOUNDS, 0);
        std::thread::scope(|s| {
            for t in 0..4u64 {
                s.spawn(move || {
                    for i in 0..10_000u64 {
                        H.observe((i * 7 + t) % 1500);
                    }
                });
            }
            for _ in 0..1000 {
                let snap = H.snapshot();
                assert!(snap.cumulative.windows(2).all(|w| w[0] <= w[1]));
                assert!(snap.cumulative[2] <= snap.count);
            }
        });
        assert_eq!(H.snapshot().count, 40_000);
    }
}
