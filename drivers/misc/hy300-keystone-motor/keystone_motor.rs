// SPDX-License-Identifier: GPL-2.0

//! HY300 keystone lens stepper motor (`hy300,keystone-motor`).
//!
//! A 4-phase stepper on GPIOs with a limit switch for homing. Moves run on
//! the unbound workqueue and sleep between steps; the class device
//! `/sys/class/hy300/motor` exports position, calibration, movement and GPIO
//! state as Prometheus text and takes `position`, `home` and `stop` writes.
//!
//! The driver is safe code, checked by the compiler: this crate root
//! denies `unsafe_code`, allowed only on the `mod` items of the shared
//! layers it includes (rust/hy300, rust/prometheus and the bindings: they
//! are modules of this crate, and a `forbid` here could not be lifted for
//! them), and every other driver file forbids it (`#![forbid(unsafe_code)]`).

#![deny(unsafe_code)]

use core::sync::atomic::{AtomicBool, AtomicU32, Ordering::Relaxed};
use kernel::device::{Bound, Core, Device};
use kernel::prelude::*;
use kernel::sync::{Arc, ArcBorrow, Mutex};
use kernel::workqueue::{self, impl_has_work, new_work, Work, WorkItem};
use kernel::{of, platform};

mod gpio;
mod metrics;
mod motion;
#[allow(unreachable_pub)]
mod page;
#[cfg(hy300_sim)]
mod sim;
#[cfg(CONFIG_KUNIT)]
mod tests;

// Shared libraries: each module uses only part of them. They hold the
// driver's unsafe code.
#[allow(dead_code, unused_imports, unreachable_pub, unsafe_code)]
#[path = "../../../rust/prometheus/src/prometheus.rs"]
mod prometheus;

#[allow(dead_code, unused_imports, unreachable_pub, unsafe_code)]
#[path = "../../../rust/hy300/mod.rs"]
mod hy300;

// The project's generated C bindings (scripts/hy300-bindgen).
#[allow(unsafe_code)]
#[path = "../../../rust/bindings/mod.rs"]
mod hy300_bindings;

use gpio::GpioMotor;
use hy300::class_device::ClassDevice;
use hy300::input::{parse_trigger, parse_u32};
use hy300::pm::SystemSleep;
use hy300::ratelimit::RateLimit;
use hy300::threaded_irq::{self, ThreadedHandler, ThreadedIrq};
use motion::{Motion, Timing};

/// Device tree defaults (from the vendor device tree).
const DEFAULT_PHASE_DELAY_US: u32 = 1000;
const DEFAULT_STEP_DELAY_MS: u32 = 2;
const DEFAULT_MAX_POSITION: u32 = 1000;
/// Sanity limits for the device tree values.
const MAX_PHASE_DELAY_US: u32 = 100_000;
const MAX_STEP_DELAY_MS: u32 = 1000;
const MAX_MAX_POSITION: u32 = 100_000;

/// `pr_warn!` for refused writes, rate limited by `$motor`'s
/// `input_warnings`.
macro_rules! input_warn {
    ($motor:expr, $($arg:tt)*) => {{
        if $motor.input_warnings.allow() {
            pr_warn!($($arg)*);
        }
    }};
}

/// `request` value asking for homing; any other value is a target.
const REQUEST_HOME: u32 = u32::MAX;

/// The `accelerometer_type` label: set by userspace (the tool that detects
/// the projector's accelerometer), shown back; the driver itself does not
/// use it, as in the C original. At most 31 bytes, as the C original's
/// 32-byte buffer with its NUL; unlike the original (which kept any bytes,
/// truncated), only a name of letters, digits, `-`, `_` and `.` is taken.
struct AccelerometerType {
    name: [u8; Self::MAX_LEN],
    len: usize,
}

impl AccelerometerType {
    const MAX_LEN: usize = 31;

    /// The value until userspace sets one (the C original's).
    const fn unknown() -> Self {
        let mut name = [0; Self::MAX_LEN];
        name[0] = b'u';
        name[1] = b'n';
        name[2] = b'k';
        name[3] = b'n';
        name[4] = b'o';
        name[5] = b'w';
        name[6] = b'n';
        AccelerometerType { name, len: 7 }
    }

    /// A name, optionally followed by one newline; `EINVAL` for anything
    /// else (empty, too long, other bytes).
    fn parse(input: &[u8]) -> Result<Self> {
        let name = input.strip_suffix(b"\n").unwrap_or(input);
        let allowed = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
        if name.is_empty() || name.len() > Self::MAX_LEN || !name.iter().all(allowed) {
            return Err(EINVAL);
        }
        let mut value = AccelerometerType {
            name: [0; Self::MAX_LEN],
            len: name.len(),
        };
        value
            .name
            .get_mut(..name.len())
            .ok_or(EINVAL)?
            .copy_from_slice(name);
        Ok(value)
    }

    fn as_str(&self) -> &str {
        // Only ASCII is ever stored (`parse`, `unknown`).
        self.name
            .get(..self.len)
            .and_then(|name| core::str::from_utf8(name).ok())
            .unwrap_or("unknown")
    }
}

/// The motor: hardware, motion state and the move worker.
#[pin_data]
pub(crate) struct Motor {
    pub(crate) motion: Motion,
    pub(crate) hw: GpioMotor,
    timing: Timing,
    /// A move is queued or running; claimed by the writer that starts it.
    busy: AtomicBool,
    /// The driver is unbinding or the system is asleep: refuse new moves
    /// (`ENODEV`), stop the running one.
    closed: AtomicBool,
    /// The phases could not be switched off at system suspend: see
    /// [`Motor::resume`].
    phases_unknown: AtomicBool,
    /// What the worker does next: a target position or [`REQUEST_HOME`].
    request: AtomicU32,
    /// Userspace can trigger these messages at will: at most 10 per 5 s
    /// each, for refused writes and for moves stopped by the limit switch.
    #[pin]
    input_warnings: RateLimit,
    #[pin]
    limit_messages: RateLimit,
    #[pin]
    accelerometer_type: Mutex<AccelerometerType>,
    #[pin]
    work: Work<Motor>,
}

impl_has_work! {
    impl HasWork<Self> for Motor { self.work }
}

impl WorkItem for Motor {
    type Pointer = Arc<Motor>;

    fn run(this: Arc<Motor>) {
        let request = this.request.load(Relaxed);
        let result = if request == REQUEST_HOME {
            this.motion.home(&this.hw, this.timing)
        } else {
            this.motion.move_to(&this.hw, this.timing, request)
        };
        if let Some(position) = this.motion.take_limit_stop() {
            if this.limit_messages.allow() {
                pr_info!(
                    "limit switch reached at position {position} (target {request}): \
                     move stopped, position is now 0\n"
                );
            }
        }
        match result {
            Ok(()) => {}
            Err(e) if e == EINTR => pr_info!("move stopped\n"),
            Err(e) if e == ETIMEDOUT => pr_warn!(
                "homing failed: limit switch not seen within {} steps\n",
                this.motion.max_position + motion::HOMING_MARGIN_STEPS
            ),
            Err(e) => pr_err!("move failed: {e:?}\n"),
        }
        this.busy.store(false, Relaxed);
    }
}

impl Motor {
    /// Starts a move or homing; `EBUSY` while one runs.
    fn start(self: &Arc<Self>, request: u32) -> Result {
        if self.closed.load(Relaxed) {
            return Err(ENODEV);
        }
        if self
            .busy
            .compare_exchange(false, true, Relaxed, Relaxed)
            .is_err()
        {
            input_warn!(
                self,
                "busy: a move is in progress (write 1 to stop first)\n"
            );
            return Err(EBUSY);
        }
        self.request.store(request, Relaxed);
        self.motion.arm();
        // Moving from the accepted write on: a reader that saw the write
        // succeed must not see the motor idle before the worker has run
        // (the worker's `end` clears it).
        self.motion.moving.store(true, Relaxed);
        if workqueue::system_unbound().enqueue(self.clone()).is_err() {
            // Cannot happen while `busy` was ours; leave no half state.
            self.motion.moving.store(false, Relaxed);
            self.busy.store(false, Relaxed);
            return Err(EBUSY);
        }
        Ok(())
    }

    /// Stops any move (between two steps, so the position counts every
    /// step taken) and keeps new ones out until [`Motor::reopen`]; returns
    /// once the work function has returned, so no module code runs after
    /// it.
    fn shut_down(&self) {
        self.closed.store(true, Relaxed);
        self.motion.cancel();
        // Claim `busy` for good: no move can be queued after this. A move
        // claimed by a writer just before is waited for (it stops at once,
        // `cancel` is set).
        while self
            .busy
            .compare_exchange(false, true, Relaxed, Relaxed)
            .is_err()
        {
            self.flush();
        }
        // The worker clears `busy` before it returns (and before it drops
        // its `Arc`): seeing `busy` clear does not mean the work function
        // has returned. Wait for that unconditionally.
        self.flush();
    }

    /// Takes moves again after [`Motor::shut_down`] (system resume).
    fn reopen(&self) {
        self.motion.uncancel();
        self.closed.store(false, Relaxed);
        // Last: `busy` claimed by `shut_down` keeps moves out until now.
        self.busy.store(false, Relaxed);
    }

    /// Every move ends with the phases off; if that last write failed,
    /// tries once more. Whether they are off now.
    fn phases_off(&self, when: &str) -> bool {
        if self.motion.phase_mask() == 0 {
            return true;
        }
        match self.motion.release(&self.hw) {
            Ok(()) => true,
            Err(e) => {
                pr_err!("cannot switch the phases off on {when}: {e:?}\n");
                false
            }
        }
    }

    /// System suspend: stops a running move between two steps (the move
    /// ends as after a `stop` write, counted in `moves_stopped`), waits for
    /// it, and leaves the phases off.
    fn suspend(&self) {
        let stopped = self.motion.metrics.moves_stopped.get();
        self.shut_down();
        if self.motion.metrics.moves_stopped.get() != stopped {
            pr_info!(
                "system suspend: move stopped at position {}\n",
                self.motion.position.get()
            );
        }
        self.phases_unknown
            .store(!self.phases_off("suspend"), Relaxed);
    }

    /// System resume (or thaw). When the position may have been lost, the
    /// motor is left un-homed (the next move homes first) and one line
    /// says so. That is decided as follows:
    ///
    /// - A suspend stops a move between steps, with every step taken
    ///   counted, and the phases off, as every move ends: the lens is where
    ///   the count says and stays there, as between moves. A normal resume
    ///   keeps the position and the homed state.
    /// - A homing run stopped by the suspend had cleared the homed state
    ///   when it started: the motor resumes un-homed (nothing to clear).
    /// - If the phases could not be switched off at suspend, a coil stayed
    ///   energised into the sleep, whose lines the GPIO controller may drop
    ///   or glitch: the rotor may have moved. The homed state is cleared.
    /// - `power_lost` (hibernation restore: the machine was off, the lens
    ///   may have been moved, the boot kernel drove the lines): cleared.
    fn resume(&self, power_lost: bool) {
        let reason = if power_lost {
            Some("the system was off (hibernation)")
        } else if self.phases_unknown.swap(false, Relaxed) {
            Some("the phases could not be switched off at suspend")
        } else {
            None
        };
        if let Some(reason) = reason {
            if self.motion.homed.swap(false, Relaxed) {
                pr_warn!(
                    "position may have been lost ({reason}): motor no longer homed, the next move homes first\n"
                );
            }
        }
        self.reopen();
    }

    /// Waits until the work item is neither queued nor running.
    fn flush(&self) {
        hy300::workqueue::flush(&self.work);
    }
}

impl ThreadedHandler for Motor {
    /// The limit switch's line changed. When no line sleeps (an SoC GPIO
    /// controller, the HY300's), the hard handler does all: if the switch
    /// reads active, the move running towards it has its phases switched
    /// off now, as in the C original. Otherwise the thread does the same.
    /// (Both edges are requested and the logical level read, so the
    /// switch's polarity comes from the firmware description alone.)
    fn handle_hard(&self) -> bool {
        let Some(lines) = self.hw.atomic() else {
            return false;
        };
        if let Ok(true) = motion::MotorHw::limit_active(&lines) {
            self.motion.limit_interrupt(&lines);
        }
        true
    }

    fn handle_threaded(&self) {
        if let Ok(true) = motion::MotorHw::limit_active(&self.hw) {
            self.motion.limit_interrupt(&self.hw);
        }
    }
}

/// The motor's files under `/sys/class/hy300/motor` (names and modes in
/// [`MOTOR_ATTRIBUTES`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MotorFile {
    Metrics,
    PositionStatus,
    CalibrationState,
    MovementCounters,
    GpioStatus,
    StepTiming,
    Position,
    MaxPosition,
    Homed,
    AccelerometerType,
    Home,
    Stop,
}

impl hy300::class_device::ClassAttributes for Motor {
    type Owner = Arc<Self>;
    type File = MotorFile;

    fn show(&self, file: MotorFile, out: &mut prometheus::Writer<'_>) {
        if let Some(page) = metrics::page_of(file) {
            let limit_active = || motion::MotorHw::limit_active(&self.hw).ok();
            metrics::render(&self.motion, limit_active, page, out);
        }
    }

    fn show_value(&self, file: MotorFile, out: &mut kernel::str::Formatter<'_>) -> bool {
        use core::fmt::Write;
        let m = &self.motion;
        // A number or a 31-byte name and a newline always fit in the page.
        let _ = match file {
            MotorFile::Position => writeln!(out, "{}", m.position.get()),
            MotorFile::MaxPosition => writeln!(out, "{}", m.max_position),
            MotorFile::Homed => writeln!(out, "{}", u8::from(m.homed.load(Relaxed))),
            MotorFile::AccelerometerType => {
                writeln!(out, "{}", self.accelerometer_type.lock().as_str())
            }
            MotorFile::Metrics
            | MotorFile::PositionStatus
            | MotorFile::CalibrationState
            | MotorFile::MovementCounters
            | MotorFile::GpioStatus
            | MotorFile::StepTiming
            | MotorFile::Home
            | MotorFile::Stop => return false,
        };
        true
    }

    fn store(this: ArcBorrow<'_, Self>, file: MotorFile, input: &[u8]) -> Result {
        match file {
            MotorFile::Position => {
                let max = this.motion.max_position;
                let target = parse_u32(input, max).inspect_err(|_| {
                    input_warn!(
                        this,
                        "position: expected an integer 0..={max}, got {} bytes\n",
                        input.len()
                    )
                })?;
                Arc::from(this).start(target)
            }
            MotorFile::Home => {
                parse_trigger(input)
                    .inspect_err(|_| input_warn!(this, "home: write 1 to home\n"))?;
                Arc::from(this).start(REQUEST_HOME)
            }
            MotorFile::AccelerometerType => {
                let value = AccelerometerType::parse(input).inspect_err(|_| {
                    input_warn!(
                        this,
                        "accelerometer_type: expected 1..=31 of [A-Za-z0-9._-], got {} bytes\n",
                        input.len()
                    )
                })?;
                *this.accelerometer_type.lock() = value;
                Ok(())
            }
            MotorFile::Stop => {
                parse_trigger(input)
                    .inspect_err(|_| input_warn!(this, "stop: write 1 to stop\n"))?;
                this.motion.request_stop();
                Ok(())
            }
            // Read-only: sysfs gives them no store.
            MotorFile::Metrics
            | MotorFile::PositionStatus
            | MotorFile::CalibrationState
            | MotorFile::MovementCounters
            | MotorFile::GpioStatus
            | MotorFile::StepTiming
            | MotorFile::MaxPosition
            | MotorFile::Homed => Err(EACCES),
        }
    }
}

crate::hy300_attributes!(MOTOR_ATTRIBUTES: Motor as c"motor" => {
    MotorFile::Metrics: c"metrics" => 0o444,
    MotorFile::PositionStatus: c"position_status" => 0o444,
    MotorFile::CalibrationState: c"calibration_state" => 0o444,
    MotorFile::MovementCounters: c"movement_counters" => 0o444,
    MotorFile::GpioStatus: c"gpio_status" => 0o444,
    MotorFile::StepTiming: c"step_timing" => 0o444,
    MotorFile::Position: c"position" => 0o644,
    MotorFile::MaxPosition: c"max_position" => 0o444,
    MotorFile::Homed: c"homed" => 0o444,
    MotorFile::AccelerometerType: c"accelerometer_type" => 0o644,
    MotorFile::Home: c"home" => 0o200,
    MotorFile::Stop: c"stop" => 0o200,
});

/// The bound driver: owns the class device (and through it the motor).
/// Fields drop in order: the interrupt is freed before the files go.
struct KeystoneMotorDriver {
    /// The limit switch's interrupt; `None` when polled.
    _limit_irq: Option<ThreadedIrq<Motor>>,
    class_device: ClassDevice<Motor>,
}

kernel::of_device_table!(
    OF_TABLE,
    <KeystoneMotorDriver as platform::Driver>::IdInfo,
    [(of::DeviceId::new(c"hy300,keystone-motor"), ())]
);

/// Reads a `u32` property with a default, refusing values above `limit`.
fn property_or(dev: &kernel::device::Device, name: &CStr, default: u32, limit: u32) -> Result<u32> {
    let value = dev
        .fwnode()
        .map_or(default, |node| node.property_read::<u32>(name).or(default));
    if value > limit {
        dev_err!(dev, "{name:?} = {value} is above {limit}\n");
        return Err(EINVAL);
    }
    Ok(value)
}

impl platform::Driver for KeystoneMotorDriver {
    type IdInfo = ();
    type Data<'bound> = Self;
    const OF_ID_TABLE: Option<of::IdTable<Self::IdInfo>> = Some(&OF_TABLE);

    fn probe<'bound>(
        pdev: &'bound platform::Device<Core<'_>>,
        _info: Option<&'bound Self::IdInfo>,
    ) -> impl PinInit<Self, Error> + 'bound {
        let dev = pdev.as_ref();
        let timing = Timing {
            phase_delay_us: property_or(
                dev,
                c"hy300,phase-delay-us",
                DEFAULT_PHASE_DELAY_US,
                MAX_PHASE_DELAY_US,
            )?,
            step_delay_ms: property_or(
                dev,
                c"hy300,step-delay-ms",
                DEFAULT_STEP_DELAY_MS,
                MAX_STEP_DELAY_MS,
            )?,
        };
        let max_position = property_or(
            dev,
            c"hy300,max-position",
            DEFAULT_MAX_POSITION,
            MAX_MAX_POSITION,
        )?;
        let hw = GpioMotor::request(dev)
            .inspect_err(|e| dev_err!(dev, "cannot get phase/limit GPIOs: {e:?}\n"))?;
        let motor = Arc::pin_init(
            pin_init!(Motor {
                motion: Motion::new(max_position),
                hw,
                timing,
                busy: AtomicBool::new(false),
                closed: AtomicBool::new(false),
                phases_unknown: AtomicBool::new(false),
                request: AtomicU32::new(0),
                input_warnings <- RateLimit::new(c"hy300_keystone_motor: input", 10, 5000),
                limit_messages <- RateLimit::new(c"hy300_keystone_motor: limit", 10, 5000),
                accelerometer_type <- kernel::new_mutex!(AccelerometerType::unknown()),
                work <- new_work!("Motor::work"),
            }),
            GFP_KERNEL,
        )?;
        // The switch's interrupt, if its GPIO has one; else the switch is
        // read before every step towards it.
        let limit_irq = motor
            .hw
            .limit_irq()
            .and_then(|irq| {
                ThreadedIrq::request(
                    irq,
                    threaded_irq::TRIGGER_BOTH_EDGES,
                    c"hy300-motor-limit",
                    motor.clone(),
                )
            })
            .inspect_err(|e| {
                dev_info!(
                    dev,
                    "limit switch without interrupt ({e:?}): read before each step\n"
                )
            })
            .ok();
        if limit_irq.is_some() {
            motor.motion.use_limit_interrupt();
        }
        let class_device = ClassDevice::register_or_degrade(dev, &MOTOR_ATTRIBUTES, motor)?;
        dev_info!(
            dev,
            "keystone motor ready: max position {max_position}, phase delay {} us, step delay {} ms\n",
            timing.phase_delay_us,
            timing.step_delay_ms
        );
        Ok(KeystoneMotorDriver {
            _limit_irq: limit_irq,
            class_device,
        })
    }
}

impl Drop for KeystoneMotorDriver {
    fn drop(&mut self) {
        // Stop the motor before the files go (the class device is dropped
        // after this body), so no move outlives the driver.
        let motor = self.class_device.data();
        motor.shut_down();
        // Before the lines are released.
        motor.phases_off("remove");
    }
}

/// System sleep: see [`Motor::suspend`] and [`Motor::resume`].
impl SystemSleep for KeystoneMotorDriver {
    fn suspend<'bound>(_dev: &'bound Device<Bound>, this: Pin<&Self::Data<'bound>>) -> Result {
        this.class_device.data().suspend();
        Ok(())
    }

    fn resume<'bound>(_dev: &'bound Device<Bound>, this: Pin<&Self::Data<'bound>>) -> Result {
        this.class_device.data().resume(false);
        Ok(())
    }

    fn restore<'bound>(_dev: &'bound Device<Bound>, this: Pin<&Self::Data<'bound>>) -> Result {
        this.class_device.data().resume(true);
        Ok(())
    }
}

crate::module_platform_driver_sleep! {
    type: KeystoneMotorDriver,
    name: "hy300_keystone_motor",
    authors: ["HY300 driver authors"],
    description: "HY300 keystone lens stepper motor",
    license: "GPL",
}
