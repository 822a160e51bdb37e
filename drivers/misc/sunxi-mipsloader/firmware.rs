// SPDX-License-Identifier: GPL-2.0

//! Firmware loading: request, validate, copy into the firmware region,
//! start the core. Every attempt is counted, failures by reason.

#![forbid(unsafe_code)]

use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering::Relaxed};
use kernel::device::Device;
use kernel::firmware::Firmware;
use kernel::prelude::*;
use kernel::time::{Instant, Monotonic};

use crate::hy300::crc32::crc32;
use crate::layout::{FIRMWARE, REGIONS};
use crate::prometheus::{Counter, Histogram};
use crate::protocol::Protocol;

/// Why a load failed; the metric label and the errno.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum LoadFailure {
    /// No such file under /lib/firmware (`ENOENT`).
    NotFound,
    /// Larger than the 12 MiB firmware region (`EFBIG`).
    TooLarge,
    /// Empty or not a whole number of 32-bit words (`EINVAL`).
    Truncated,
    /// CRC32 differs from the expected value (`EBADMSG`).
    CrcMismatch,
    /// The co-processor was busy (`EBUSY`).
    Busy,
    /// A register or memory access failed.
    Io,
}

impl LoadFailure {
    /// Every reason, in metrics order.
    pub(crate) const ALL: [LoadFailure; 6] = [
        LoadFailure::NotFound,
        LoadFailure::TooLarge,
        LoadFailure::Truncated,
        LoadFailure::CrcMismatch,
        LoadFailure::Busy,
        LoadFailure::Io,
    ];

    /// Label value in the metrics (`page.rs`: `LOAD_FAILURE_REASONS`).
    pub(crate) const fn label(self) -> &'static str {
        crate::page::LOAD_FAILURE_REASONS[self.index()]
    }

    const fn index(self) -> usize {
        self as usize
    }

    pub(crate) fn errno(self) -> Error {
        match self {
            LoadFailure::NotFound => ENOENT,
            LoadFailure::TooLarge => EFBIG,
            LoadFailure::Truncated => EINVAL,
            LoadFailure::CrcMismatch => EBADMSG,
            LoadFailure::Busy => EBUSY,
            LoadFailure::Io => EIO,
        }
    }
}

pub(crate) use crate::page::LOAD_SECONDS_BOUNDS;

/// What is loaded, and the load counters.
pub(crate) struct FirmwareState {
    pub(crate) loaded: AtomicBool,
    pub(crate) size: AtomicU64,
    pub(crate) crc: AtomicU32,
    pub(crate) attempts: Counter,
    pub(crate) successes: Counter,
    pub(crate) failures: [Counter; 6],
    pub(crate) duration: Histogram<4>,
}

impl FirmwareState {
    pub(crate) const fn new() -> Self {
        FirmwareState {
            loaded: AtomicBool::new(false),
            size: AtomicU64::new(0),
            crc: AtomicU32::new(0),
            attempts: Counter::new(),
            successes: Counter::new(),
            failures: [
                Counter::new(),
                Counter::new(),
                Counter::new(),
                Counter::new(),
                Counter::new(),
                Counter::new(),
            ],
            duration: Histogram::new(&LOAD_SECONDS_BOUNDS, 9),
        }
    }

    pub(crate) fn failures_for(&self, reason: LoadFailure) -> &Counter {
        &self.failures[reason.index() % LoadFailure::ALL.len()]
    }
}

/// Checks an image for the firmware region: size and, if given, CRC32.
pub(crate) fn validate(
    image: &[u8],
    expected_crc: Option<u32>,
) -> core::result::Result<u32, LoadFailure> {
    if image.len() > REGIONS[FIRMWARE].size {
        return Err(LoadFailure::TooLarge);
    }
    if image.is_empty() || image.len() % 4 != 0 {
        return Err(LoadFailure::Truncated);
    }
    let crc = crc32(image);
    match expected_crc {
        Some(expected) if expected != crc => Err(LoadFailure::CrcMismatch),
        _ => Ok(crc),
    }
}

/// Loads `name` and starts the core. The caller serialises operations.
/// On failure the previously loaded firmware (if any) stays recorded.
pub(crate) fn load(
    dev: &Device,
    proto: &Protocol<'_>,
    state: &FirmwareState,
    name: &CStr,
    expected_crc: Option<u32>,
) -> Result {
    let start = Instant::<Monotonic>::now();
    state.attempts.inc();
    let result = load_inner(dev, proto, state, name, expected_crc);
    state
        .duration
        .observe(u64::try_from(start.elapsed().as_nanos()).unwrap_or(0));
    match result {
        Ok(()) => {
            state.successes.inc();
            Ok(())
        }
        Err(reason) => {
            state.failures_for(reason).inc();
            dev_warn!(
                dev,
                "firmware {name:?} not loaded: {} ({:?})\n",
                reason.label(),
                reason.errno()
            );
            Err(reason.errno())
        }
    }
}

fn load_inner(
    dev: &Device,
    proto: &Protocol<'_>,
    state: &FirmwareState,
    name: &CStr,
    expected_crc: Option<u32>,
) -> core::result::Result<(), LoadFailure> {
    let fw = Firmware::request_nowarn(name, dev).map_err(|_| LoadFailure::NotFound)?;
    let crc = validate(fw.data(), expected_crc)?;
    proto.ensure_idle().map_err(|e| {
        if e == EBUSY {
            LoadFailure::Busy
        } else {
            LoadFailure::Io
        }
    })?;
    proto.hold_reset().map_err(|_| LoadFailure::Io)?;
    // From here the old image is being overwritten: it is no longer loaded.
    state.loaded.store(false, Relaxed);
    proto
        .write_memory(REGIONS[FIRMWARE].offset, fw.data())
        .map_err(|_| LoadFailure::Io)?;
    proto.release_reset().map_err(|_| LoadFailure::Io)?;
    state.size.store(fw.size() as u64, Relaxed);
    state.crc.store(crc, Relaxed);
    state.loaded.store(true, Relaxed);
    Ok(())
}
