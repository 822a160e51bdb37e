// SPDX-License-Identifier: GPL-2.0

//! Lock-free metric cells.
//!
//! Counter and gauge updates are single relaxed atomic operations, a
//! histogram observation two atomic adds; all are safe from any context
//! (process, softirq, hard IRQ) and never block. Counter and gauge reads
//! are relaxed loads; a histogram snapshot is of one moment (buckets,
//! count and sum together) and is taken in process context.

use core::sync::atomic::{
    AtomicBool, AtomicI64, AtomicU64,
    Ordering::{AcqRel, Acquire, Relaxed, Release},
};

use super::number::{self, FIXED_CAPACITY};

/// `_bucket{` `le="` bound `"}`.
pub(crate) const LE_BLOCK_CAPACITY: usize = 8 + 4 + FIXED_CAPACITY + 2;

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

    /// The whole block (its text, then zeros) and the length of its text.
    #[inline(always)]
    pub(crate) fn whole(&self) -> (&[u8; LE_BLOCK_CAPACITY], usize) {
        (&self.text, usize::from(self.len))
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
/// Consistent snapshots without a writer lock (the hot/cold scheme of the
/// Go client, `client_golang`): observations go to the hot one of two
/// halves, named by bit 0 of `state`. The rest of `state` is one number,
/// `2 * started + sum << SUM_SHIFT` (modulo 2^64; the carries out of it
/// are counted in the half's `wraps`): an observation adds `2 +
/// value << SUM_SHIFT`, so the one add that picks its half also counts it
/// in `_count` and adds it to `_sum`, and then adds its bucket. A snapshot
/// flips bit 0, waits until the buckets of the now cold half add up (in
/// the low [`COUNT_BITS`] bits) to the observations started before the
/// flip (an observation adds its bucket last), so the buckets give
/// `_count` exactly and `_sum` is what is left of the state word (and its
/// carries) without the count; it then folds the cold half into the new
/// hot half and zeroes it. So `_count`, the buckets and `_sum` of a
/// snapshot are of one moment, and `_count` is the `+Inf` bucket. An
/// observation is two atomic adds (state, bucket; a third, its half's
/// `wraps`, only when the state word carries out, once per 2^48 of sum,
/// or for a value of 2^48 or more) and never waits; snapshots take turns
/// on a flag and wait only for observations already under way (fewer than
/// 2^[`COUNT_BITS`] at once), so they are for process context (sysfs
/// `show`), never for an interrupt handler.
#[derive(Debug)]
pub struct Histogram<const N: usize> {
    bounds: &'static [u64; N],
    scale: u32,
    le: [LeBlock; N],
    /// Bit 0: the hot half; the rest: `2 * started + sum << SUM_SHIFT`,
    /// modulo 2^64 (see [`Histogram`]).
    state: AtomicU64,
    halves: [Half<N>; 2],
    /// Set while a snapshot flips and folds the halves.
    reading: AtomicBool,
    /// Snapshots that found an observation under way and waited for it.
    waited: AtomicU64,
}

/// One half of a [`Histogram`]: per-bucket (non-cumulative) counts and the
/// carries out of the state word of the observations in it.
#[derive(Debug)]
struct Half<const N: usize> {
    buckets: [AtomicU64; N],
    above: AtomicU64,
    /// What the observations of this half carried out of the state word
    /// (in units of 2^64 of it).
    wraps: AtomicU64,
}

impl<const N: usize> Half<N> {
    const fn new() -> Self {
        #[allow(clippy::declare_interior_mutable_const)]
        const ZERO: AtomicU64 = AtomicU64::new(0);
        Half {
            buckets: [ZERO; N],
            above: AtomicU64::new(0),
            wraps: AtomicU64::new(0),
        }
    }
}

/// The hot-half bit of `Histogram::state`.
const HOT: u64 = 1;
/// Bits of `Histogram::state` above [`HOT`] that count the observations
/// started (modulo 2^15): more than can be under way at once.
pub const COUNT_BITS: u32 = 15;
/// The observations started, in `Histogram::state >> 1`.
const COUNT_MASK: u64 = (1 << COUNT_BITS) - 1;
/// Where the sum starts in `Histogram::state`.
const SUM_SHIFT: u32 = COUNT_BITS + 1;

/// An observation under way (see [`Histogram::begin_observe`]): counted in
/// `_count` and `_sum`; dropping it adds its bucket, which completes it.
#[must_use = "dropping it completes the observation"]
#[derive(Debug)]
pub struct Observation<'a> {
    bucket: &'a AtomicU64,
}

impl Drop for Observation<'_> {
    fn drop(&mut self) {
        // Release, and last: a snapshot that sees this count sees the sum.
        self.bucket.fetch_add(1, Release);
    }
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
            state: AtomicU64::new(0),
            halves: [Half::new(), Half::new()],
            reading: AtomicBool::new(false),
            waited: AtomicU64::new(0),
        }
    }

    /// The longest text of one series of this histogram in `family`, its
    /// label pairs taking `labels` bytes (0: none): each bucket line with
    /// a 20-digit count, the `+Inf` bucket, `_sum` and `_count`.
    pub const fn max_series_len(&self, family: &super::desc::Family, labels: usize) -> usize {
        let name = family.name().len();
        // `labels` and the comma before `le`, or the braces of `_sum`.
        let (in_bucket, braces) = if labels > 0 {
            (labels + 1, labels + 2)
        } else {
            (0, 0)
        };
        // Each line: name, text, space, value, newline.
        let mut total = 0;
        let mut i = 0;
        while i < N {
            total += name + self.le[i].len as usize + in_bucket + 22;
            i += 1;
        }
        total += name + LeBlock::INF.len as usize + in_bucket + 22;
        total += name + "_sum".len() + braces + super::desc::MAX_VALUE_LEN + 2;
        total += name + "_count".len() + braces + 22;
        total
    }

    /// Records one observation: never waits, any context.
    #[inline]
    pub fn observe(&self, value: u64) {
        drop(self.begin_observe(value));
    }

    /// The first of an observation's two adds (state: its count and its
    /// value, and the rare carry out of it); the second (its bucket) when
    /// the returned [`Observation`] is dropped.
    /// [`Histogram::observe`] is exactly this and the drop; tests hold the
    /// `Observation` to stop a writer in the middle of an update, where a
    /// snapshot must wait for it.
    #[inline]
    pub fn begin_observe(&self, value: u64) -> Observation<'_> {
        let idx = self.bounds.partition_point(|&b| b < value);
        // Acquire: the zeroing of this half by the snapshot that made it
        // cold happens before these adds.
        // Bits 1.. of `add` are 2 (one started) plus the value's low 48
        // bits, shifted; bit 0 (the hot half) is the snapshots'.
        let add = (value << SUM_SHIFT) | 2;
        let n = self.state.fetch_add(add, Acquire);
        let half = &self.halves[(n & HOT) as usize];
        // What does not fit the state word: the value's top bits and the
        // carry out of this add (`n & !HOT`: bit 0 never carries, `add` is
        // even). Rare: once per 2^48 of sum, or a value of 2^48 or more.
        let carry = (value >> (64 - SUM_SHIFT)) + u64::from((n & !HOT).overflowing_add(add).1);
        if carry != 0 {
            // Before the bucket's Release: a snapshot that sees the bucket
            // sees this.
            half.wraps.fetch_add(carry, Relaxed);
        }
        Observation {
            bucket: half.buckets.get(idx).unwrap_or(&half.above),
        }
    }

    /// How many snapshots found an observation under way and waited for it.
    pub fn snapshots_waited(&self) -> u64 {
        self.waited.load(Relaxed)
    }

    /// The `_bucket{le="bound"}` texts, made at compile time.
    pub(crate) fn le_blocks(&self) -> &[LeBlock; N] {
        &self.le
    }

    /// Buckets, `_count` and `_sum` of one moment (see [`Histogram`]).
    /// Process context only: it may wait for observations under way.
    pub fn snapshot(&self) -> HistogramSnapshot<N> {
        while self
            .reading
            .compare_exchange_weak(false, true, Acquire, Relaxed)
            .is_err()
        {
            core::hint::spin_loop();
        }
        let n = self.state.fetch_xor(HOT, AcqRel);
        let started = (n >> 1) & COUNT_MASK;
        let cold = &self.halves[(n & HOT) as usize];
        let hot = &self.halves[((n & HOT) ^ 1) as usize];
        // Wait for the observations that picked the cold half.
        let mut buckets = [0u64; N];
        let mut above;
        let mut waiting = false;
        loop {
            let mut total = 0u64;
            for (out, bucket) in buckets.iter_mut().zip(cold.buckets.iter()) {
                *out = bucket.load(Acquire);
                total = total.wrapping_add(*out);
            }
            above = cold.above.load(Acquire);
            total = total.wrapping_add(above);
            // The cold half's buckets hold every observation ever (the
            // earlier ones folded in): exact, once they agree with the
            // observations started, modulo 2^COUNT_BITS.
            if total & COUNT_MASK == started {
                break;
            }
            if !waiting {
                waiting = true;
                self.waited.fetch_add(1, Relaxed);
            }
            core::hint::spin_loop();
        }
        // Seen: each observation adds its carry before its bucket.
        let wraps = cold.wraps.load(Relaxed);
        // The cold half is quiet until the next flip, which waits for
        // `reading`: fold it into the hot half and zero it.
        for ((h, c), &v) in hot.buckets.iter().zip(cold.buckets.iter()).zip(&buckets) {
            h.fetch_add(v, Relaxed);
            c.store(0, Relaxed);
        }
        hot.above.fetch_add(above, Relaxed);
        cold.above.store(0, Relaxed);
        hot.wraps.fetch_add(wraps, Relaxed);
        cold.wraps.store(0, Relaxed);
        self.reading.store(false, Release);

        let mut cumulative = [0u64; N];
        let mut running = 0u64;
        for (out, &b) in cumulative.iter_mut().zip(buckets.iter()) {
            running = running.wrapping_add(b);
            *out = running;
        }
        let count = running.wrapping_add(above);
        // The state word and its carries: `2 * count + sum << SUM_SHIFT`
        // (`count` exact, the buckets' total); `_sum` modulo 2^64, as
        // the sum of the observations wraps.
        let word = (u128::from(wraps) << 64) | u128::from(n & !HOT);
        let sum = (word.wrapping_sub(u128::from(count) << 1) >> SUM_SHIFT) as u64;
        HistogramSnapshot {
            bounds: self.bounds,
            scale: self.scale,
            cumulative,
            count,
            sum,
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

    /// Each snapshot flips the halves: what was observed before any earlier
    /// snapshot is still counted (folded), in the right bucket and sum.
    #[test]
    fn successive_snapshots_keep_every_observation() {
        let h = Histogram::new(&BOUNDS, 0);
        for round in 1..=5u64 {
            h.observe(5);
            h.observe(50);
            h.observe(5000);
            let s = h.snapshot();
            assert_eq!(s.cumulative, [round, 2 * round, 2 * round]);
            assert_eq!(s.count, 3 * round);
            assert_eq!(s.sum, 5055 * round);
        }
    }

    /// 4 writers observe `v` `per_writer` times each while 4 readers
    /// snapshot `h` (at least 1000 times each): every snapshot is one
    /// moment, `_sum` exactly `_count * v` (modulo 2^64, as `_sum` wraps;
    /// `sum_lost` names what its failure means), the buckets what
    /// `cumulative` makes of `_count`, `_count` never going back.
    fn race_4_writers_4_readers(
        h: &'static Histogram<3>,
        v: u64,
        per_writer: u64,
        cumulative: fn(u64) -> [u64; 3],
        sum_lost: &str,
    ) {
        let done = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..per_writer {
                        h.observe(v);
                    }
                    done.fetch_add(1, Relaxed);
                });
            }
            for _ in 0..4 {
                s.spawn(|| {
                    let mut last = 0;
                    let mut reads = 0u64;
                    while done.load(Relaxed) < 4 || reads < 1000 {
                        let snap = h.snapshot();
                        assert_eq!(snap.sum, snap.count.wrapping_mul(v), "{sum_lost}");
                        assert_eq!(snap.cumulative, cumulative(snap.count));
                        assert!(snap.count >= last, "count went back");
                        last = snap.count;
                        reads += 1;
                    }
                });
            }
        });
        let snap = h.snapshot();
        assert_eq!(snap.count, 4 * per_writer);
        assert_eq!(snap.sum, (4 * per_writer).wrapping_mul(v));
    }

    /// 4 writers and 4 readers: every snapshot is one moment. With every
    /// observation equal to 50, `_sum` must be exactly `_count * 50`; the
    /// buckets add up to `_count` (the `+Inf` bucket).
    #[test]
    fn snapshots_are_consistent_under_4_writers_and_4_readers() {
        static H: Histogram<3> = Histogram::new(&BOUNDS, 0);
        race_4_writers_4_readers(&H, 50, 200_000, |n| [0, n, n], "sum of another moment");
    }

    /// Issue 25, item 2: the race made deterministic. A writer is held in
    /// the middle of an update (counted in `_count` and `_sum`, not yet in
    /// its bucket) while a reader snapshots: the reader must wait for it
    /// (the overlap is certain, and asserted through `snapshots_waited`)
    /// and then see the whole observation. A snapshot that does not wait
    /// returns `_count` 1 with no bucket: torn, every time.
    #[test]
    fn a_snapshot_waits_for_a_writer_held_mid_update() {
        static H: Histogram<3> = Histogram::new(&BOUNDS, 0);
        H.observe(5);
        let held = H.begin_observe(50);
        let reader = std::thread::spawn(|| H.snapshot());
        // Until the reader waits for the held writer, or returns without.
        while H.snapshots_waited() == 0 && !reader.is_finished() {
            std::thread::yield_now();
        }
        drop(held);
        let snap = reader.join().expect("reader");
        let torn = "torn: a snapshot did not wait for the writer";
        assert_eq!(snap.count, 2, "{torn}");
        assert_eq!(snap.sum, 55, "{torn}");
        assert_eq!(snap.cumulative, [1, 2, 2], "{torn}");
        assert_eq!(
            H.snapshots_waited(),
            1,
            "the snapshot never waited: no overlap"
        );
    }

    /// Mixed values: `_sum` stays within what `_count` observations of the
    /// smallest and largest value can add up to, buckets are monotonic and
    /// end at or below `_count`.
    #[test]
    fn snapshot_sum_is_bounded_by_its_count() {
        static H: Histogram<3> = Histogram::new(&BOUNDS, 0);
        let (lo, hi) = (5u64, 1500u64);
        let done = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|s| {
            for t in 0..4u64 {
                let done = &done;
                s.spawn(move || {
                    for i in 0..100_000u64 {
                        H.observe(lo + (i * 7919 + t) % (hi - lo + 1));
                    }
                    done.fetch_add(1, Relaxed);
                });
            }
            for _ in 0..4 {
                s.spawn(|| {
                    while done.load(Relaxed) < 4 {
                        let snap = H.snapshot();
                        assert!(snap.sum >= snap.count * lo && snap.sum <= snap.count * hi);
                        assert!(snap.cumulative.windows(2).all(|w| w[0] <= w[1]));
                        assert!(snap.cumulative[2] <= snap.count);
                    }
                });
            }
        });
        assert_eq!(H.snapshot().count, 400_000);
    }

    /// Issue 27: the sum lives in the state word beside the count; what
    /// does not fit it (values of 2^48 or more, the carries of a long sum)
    /// is counted in the halves' `wraps`, and folded at each snapshot:
    /// `_sum` is still the sum of the values, modulo 2^64.
    #[test]
    fn sums_beyond_the_state_word_are_exact() {
        let h = Histogram::new(&BOUNDS, 0);
        let mut want = 0u64;
        let values = [
            u64::MAX,
            1 << 47,
            (1 << 48) + 5,
            3,
            1 << 63,
            999,
            u64::MAX - 7,
        ];
        for (round, &v) in values.iter().cycle().take(70).enumerate() {
            h.observe(v);
            want = want.wrapping_add(v);
            if round % 3 == 0 {
                let s = h.snapshot();
                assert_eq!(s.sum, want, "sum lost a carry out of the state word");
                assert_eq!(s.count, round as u64 + 1);
            }
        }
        let s = h.snapshot();
        assert_eq!(s.sum, want, "sum lost a carry out of the state word");
        assert_eq!(s.count, 70);
    }

    /// The carries under 4 writers and 4 readers: every observation is
    /// 2^47 + 3 (above every bound), so the state word carries out every
    /// other observation; every snapshot's `_sum` must still be `_count`
    /// times the value.
    #[test]
    fn carried_sums_are_consistent_under_4_writers_and_4_readers() {
        static H: Histogram<3> = Histogram::new(&BOUNDS, 0);
        race_4_writers_4_readers(
            &H,
            (1 << 47) + 3,
            100_000,
            |_| [0, 0, 0],
            "sum lost a carry out of the state word",
        );
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
