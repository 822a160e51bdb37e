// SPDX-License-Identifier: GPL-2.0

//! A lock-free log rate limit, like `printk_ratelimit`, for messages that
//! userspace can trigger at will (invalid writes to control files).

use core::sync::atomic::{AtomicI64, AtomicU32, Ordering::Relaxed};

/// At most `burst` messages per `interval_ms`.
pub struct RateLimit {
    burst: u32,
    interval_ns: i64,
    window_start_ns: AtomicI64,
    printed: AtomicU32,
    suppressed: AtomicU32,
}

impl RateLimit {
    /// A limit of `burst` messages per `interval_ms` milliseconds.
    pub const fn new(burst: u32, interval_ms: i64) -> Self {
        RateLimit {
            burst,
            interval_ns: interval_ms * 1_000_000,
            window_start_ns: AtomicI64::new(i64::MIN),
            printed: AtomicU32::new(0),
            suppressed: AtomicU32::new(0),
        }
    }

    /// Whether a message may be printed now. When a new window opens, also
    /// returns how many were suppressed in the previous one.
    pub fn check(&self) -> (bool, u32) {
        // SAFETY: `ktime_get` has no preconditions.
        let now = unsafe { kernel::bindings::ktime_get() };
        let start = self.window_start_ns.load(Relaxed);
        let mut suppressed = 0;
        if now.saturating_sub(start) >= self.interval_ns
            && self
                .window_start_ns
                .compare_exchange(start, now, Relaxed, Relaxed)
                .is_ok()
        {
            self.printed.store(0, Relaxed);
            suppressed = self.suppressed.swap(0, Relaxed);
        }
        if self.printed.fetch_add(1, Relaxed) < self.burst {
            (true, suppressed)
        } else {
            self.suppressed.fetch_add(1, Relaxed);
            (false, suppressed)
        }
    }
}
