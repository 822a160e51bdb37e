// SPDX-License-Identifier: GPL-2.0

//! Which file of the motor shows which page (the families and the pages'
//! layout: `page.rs`), and the pages' size check.

#![forbid(unsafe_code)]

use core::sync::atomic::Ordering::Relaxed;

use crate::hy300::class_device::fits_page_budget;
use crate::motion::Motion;
use crate::page::{self, MotorMetrics, Page, PAGES};
use crate::prometheus::Writer;
use crate::MotorFile;

// Each file and its self-metric leave 10% of the page free, or the build
// fails.
const _: () = {
    let mut i = 0;
    while i < PAGES.len() {
        assert!(
            fits_page_budget("motor", PAGES[i].1, PAGES[i].2),
            "a motor metrics file leaves less than 10% of the page free"
        );
        i += 1;
    }
};

/// The motor as the pages show it; `limit_active` reads the switch.
pub(crate) struct Shown<'a, L> {
    pub(crate) motion: &'a Motion,
    pub(crate) limit_active: L,
}

impl<L: Fn() -> Option<bool>> page::Source for Shown<'_, L> {
    fn position(&self) -> i64 {
        self.motion.position.get()
    }
    fn target(&self) -> i64 {
        self.motion.target.get()
    }
    fn max_position(&self) -> u32 {
        self.motion.max_position
    }
    fn moving(&self) -> bool {
        self.motion.moving.load(Relaxed)
    }
    fn homed(&self) -> bool {
        self.motion.homed.load(Relaxed)
    }
    fn phase_mask(&self) -> u8 {
        self.motion.phase_mask()
    }
    fn limit_active(&self) -> Option<bool> {
        (self.limit_active)()
    }
    fn limit_irq(&self) -> bool {
        self.motion.has_limit_interrupt()
    }
    fn metrics(&self) -> &MotorMetrics {
        &self.motion.metrics
    }
}

/// The page of `file`; `None` for the one-value and write-only files,
/// which `show_value` serves.
pub(crate) const fn page_of(file: MotorFile) -> Option<Page> {
    match file {
        MotorFile::Metrics => Some(Page::Metrics),
        MotorFile::PositionStatus => Some(Page::PositionStatus),
        MotorFile::CalibrationState => Some(Page::CalibrationState),
        MotorFile::MovementCounters => Some(Page::MovementCounters),
        MotorFile::GpioStatus => Some(Page::GpioStatus),
        MotorFile::StepTiming => Some(Page::StepTiming),
        MotorFile::Position
        | MotorFile::MaxPosition
        | MotorFile::Homed
        | MotorFile::AccelerometerType
        | MotorFile::Home
        | MotorFile::Stop => None,
    }
}

/// Renders `page` of the motor; `limit_active` reads the switch (only the
/// pages that show it call it).
pub(crate) fn render(
    m: &Motion,
    limit_active: impl Fn() -> Option<bool>,
    page: Page,
    w: &mut Writer<'_>,
) {
    page::render(
        &Shown {
            motion: m,
            limit_active,
        },
        page,
        w,
    );
}
