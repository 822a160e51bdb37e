// SPDX-License-Identifier: GPL-2.0

//! Rate limits for log lines that userspace can trigger at will (invalid
//! writes to control files, moves stopped by the limit switch): the
//! kernel's `struct ratelimit_state` and `___ratelimit()`
//! (`include/linux/ratelimit.h`), what `dev_warn_ratelimited` uses. The
//! kernel counts the suppressed lines and, when the next interval starts,
//! prints "`<name>`: N callbacks suppressed" itself.

use crate::hy300_bindings::{self as raw, hy300_ratelimit_init};
use kernel::prelude::*;
use kernel::types::Opaque;

/// At most `burst` messages per interval.
#[pin_data]
pub struct RateLimit {
    #[pin]
    state: Opaque<raw::ratelimit_state>,
    name: &'static CStr,
}

// SAFETY: the state is only used through `___ratelimit`, which takes its
// lock (or, contended, only touches its atomics); any thread may call it.
unsafe impl Send for RateLimit {}
// SAFETY: as above: `allow` only calls `___ratelimit`.
unsafe impl Sync for RateLimit {}

impl RateLimit {
    /// A limit of `burst` messages per `interval_ms` milliseconds; `name`
    /// prefixes the kernel's "callbacks suppressed" line.
    pub fn new(name: &'static CStr, burst: u32, interval_ms: u32) -> impl PinInit<Self> {
        pin_init!(RateLimit {
            state <- Opaque::ffi_init(move |slot: *mut raw::ratelimit_state| {
                // SAFETY: `slot` is valid for writes and pinned;
                // `hy300_ratelimit_init` (`ratelimit_state_init`)
                // initialises all of it.
                unsafe { hy300_ratelimit_init(slot, interval_ms, burst) }
            }),
            name,
        })
    }

    /// Whether a message may be printed now.
    pub fn allow(&self) -> bool {
        // SAFETY: the state was initialised by `new` and is pinned; `name`
        // is a static NUL-terminated string.
        unsafe { raw::___ratelimit(self.state.get(), self.name.as_char_ptr()) != 0 }
    }
}
