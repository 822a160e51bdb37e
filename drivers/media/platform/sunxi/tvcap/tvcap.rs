// SPDX-License-Identifier: GPL-2.0

//! Allwinner H713 HDMI/TV capture (`sunxi-tvcap`): a V4L2 capture device
//! (`/dev/videoN`, videobuf2 with mmap/read streaming) that exports capture
//! health as Prometheus text in `/sys/class/hy300/tvcap`.
//!
//! The capture engine reports through its interrupt status register;
//! [`Tvcap::interrupt`], run by [`TvcapIrq`], is the one interrupt path:
//! the probe requests the node's interrupt the same way for both backends
//! (the device's SPI; the simulation's irq_sim line, raised by the
//! simulated block), and the handler decodes the status, completes buffers
//! and updates the counters (atomics only).
//!
//! The driver is safe code, checked by the compiler: this crate root
//! denies `unsafe_code` (allowed only on the `mod` items of the shared
//! layers it includes: rust/hy300, rust/v4l2, rust/prometheus and the
//! bindings), and every other driver file, the simulation included,
//! forbids it (`#![forbid(unsafe_code)]`: no `allow` inside can lift it).
//! The simulation's bus master writes through the V4L2 layer's
//! `Queue::bus_write`.

#![deny(unsafe_code)]

use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering::Relaxed};
use kernel::device::Core;
use kernel::prelude::*;
use kernel::sync::aref::ARef;
use kernel::sync::{Arc, Mutex};
use kernel::workqueue::{self, impl_has_work, Work, WorkItem};
use kernel::{irq, of, platform};

mod engine;
mod format;
mod hw;
mod ioctl;
mod metrics;
mod mmio;
#[allow(unreachable_pub)]
mod page;
mod power;
mod regs;
#[cfg(hy300_sim)]
mod sim;
#[cfg(CONFIG_KUNIT)]
mod tests;

// Shared libraries: each module uses only part of them. They hold the
// driver's unsafe code.
#[allow(dead_code, unused_imports, unreachable_pub, unsafe_code)]
#[path = "../../../../../rust/prometheus/src/prometheus.rs"]
mod prometheus;

#[allow(dead_code, unused_imports, unreachable_pub, unsafe_code)]
#[path = "../../../../../rust/hy300/mod.rs"]
mod hy300;

// The project's generated C bindings (scripts/hy300-bindgen).
#[allow(unsafe_code)]
#[path = "../../../../../rust/bindings/mod.rs"]
mod hy300_bindings;

// The typed V4L2/vb2 layer.
#[allow(dead_code, unreachable_pub, unsafe_code)]
#[path = "../../../../../rust/v4l2/mod.rs"]
mod v4l2;

use format::Format;
use hw::TvtopBackend;
use hy300::class_device::{ClassAttributes, ClassDevice};
use regs::{Irq, STATUS};
use v4l2::{Completion, DmaTarget, DvTimings, Registration, VideoDevice};

/// Buffers in the queue: 2..8 per REQBUFS, 8 in all with CREATE_BUFS, as
/// the hardware's ring was sized.
pub(crate) const MAX_BUFFERS: u32 = 8;
pub(crate) const MIN_BUFFERS: u32 = 2;

/// The negotiated format, readable without locks by the metrics.
pub(crate) struct CurrentFormat {
    pub(crate) fourcc: AtomicU32,
    pub(crate) width: AtomicU32,
    pub(crate) height: AtomicU32,
    pub(crate) sizeimage: AtomicU32,
}

impl CurrentFormat {
    fn new(f: Format) -> Self {
        CurrentFormat {
            fourcc: AtomicU32::new(f.pixel.fourcc),
            width: AtomicU32::new(f.width),
            height: AtomicU32::new(f.height),
            sizeimage: AtomicU32::new(f.sizeimage),
        }
    }

    pub(crate) fn get(&self) -> Format {
        format::negotiate(
            self.fourcc.load(Relaxed),
            self.width.load(Relaxed),
            self.height.load(Relaxed),
        )
    }

    fn set(&self, f: Format) {
        self.fourcc.store(f.pixel.fourcc, Relaxed);
        self.width.store(f.width, Relaxed);
        self.height.store(f.height, Relaxed);
        self.sizeimage.store(f.sizeimage, Relaxed);
    }
}

/// The capture device. Lives in a [`v4l2::Device`], whose one refcount is
/// its v4l2_device's: the binding, the interrupt handler, a queued work
/// item and the simulated bus master hold an `ARef` of it, the open files
/// the V4L2 core's reference; the last put drops it.
#[pin_data]
pub(crate) struct Tvcap {
    /// The video node, its vb2 queue and their lock.
    #[pin]
    pub(crate) video: VideoDevice<Tvcap>,
    pub(crate) format: CurrentFormat,
    /// The DV timings set (S_DV_TIMINGS), 1080p60 at first.
    #[pin]
    pub(crate) timings: Mutex<DvTimings>,
    pub(crate) streaming: AtomicBool,
    /// Frame events since streaming started (completed and lost).
    pub(crate) sequence: AtomicU32,
    last_frame_ns: AtomicU64,
    /// A stop timed out waiting for DMA idle and said so (logged once).
    dma_timeout_logged: AtomicBool,
    /// Bytes of the buffers initialised (`buf_init`), for the budget.
    pub(crate) allocated_bytes: AtomicU64,
    pub(crate) metrics: metrics::TvcapMetrics,
    /// Updates DV_RX_POWER_PRESENT after a hotplug (the control's setter
    /// sleeps; the interrupt handler queues this).
    #[pin]
    pub(crate) power_work: Work<v4l2::Device<Tvcap>>,
    /// The register block, chosen at probe. An `Arc` only because it can
    /// hold a pinned backend (the simulation's work item).
    pub(crate) hw: Arc<dyn TvtopBackend>,
}

impl Tvcap {
    /// Acts on interrupt sources. Counters are atomics; the buffer ring is
    /// a spinlock that is never held across anything that sleeps. A cable
    /// plugged or pulled, a signal or input format that changed: one
    /// V4L2_EVENT_SOURCE_CHANGE for the interrupt, to the files subscribed.
    fn handle_irq(this: &ARef<v4l2::Device<Self>>, irq_status: regs::IRQ_STATUS) {
        let mut source_changed = false;
        let mut power_changed = false;
        for irq in regs::decode(irq_status) {
            this.metrics.irq(irq);
            match irq {
                Irq::FrameDone => this.frame_done(),
                Irq::BufferOverflow => this.frame_lost(),
                Irq::DmaError => this.frame_failed(),
                Irq::Hotplug => {
                    this.metrics.hotplug_events.inc();
                    source_changed = true;
                    power_changed = true;
                }
                Irq::FormatChange => {
                    this.metrics.format_changes.inc();
                    source_changed = true;
                }
                Irq::InputChange => {
                    source_changed = true;
                    power_changed = true;
                }
                _ => {}
            }
        }
        if source_changed {
            this.video.source_change(v4l2::SRC_CH_RESOLUTION);
        }
        if power_changed {
            // Already queued: that run reads the newest state.
            let _ = workqueue::system().enqueue(this.clone());
        }
    }

    fn next_sequence(&self) -> u32 {
        self.sequence.fetch_add(1, Relaxed)
    }

    fn frame_lost(&self) {
        self.next_sequence();
        self.metrics.frames_dropped.inc();
    }

    /// The engine gave up on a frame and its buffer: the frame is lost,
    /// the buffer is armed again so streaming goes on.
    fn frame_failed(&self) {
        self.frame_lost();
        self.video.buffers().rearm_active(|t| self.arm(t));
    }

    /// The engine filled the active buffer. The layer completes it only
    /// while capturing: a FRAME_DONE taken after the stop began touches
    /// no buffer.
    fn frame_done(&self) {
        let sequence = self.next_sequence();
        let now_ns = v4l2::monotonic_ns();
        // Its plane holds `size` bytes (checked in buf_prepare).
        let size = self.format.sizeimage.load(Relaxed);
        match self
            .video
            .buffers()
            .complete_active(sequence, size, now_ns, |t| self.arm(t))
        {
            Completion::Completed => {}
            // The engine had nowhere to write this frame.
            Completion::NoBuffer => {
                self.metrics.frames_dropped.inc();
                return;
            }
            // Streaming stops: the frame is nobody's.
            Completion::Stopped => return,
        }
        // The simulation's interrupt-to-completion latency (scripts/bench).
        #[cfg(hy300_sim)]
        self.hw.frame_completed();
        self.metrics.frames_captured.inc();
        self.metrics.bytes_captured.add(u64::from(size));
        let last = self.last_frame_ns.swap(now_ns, Relaxed);
        if last != 0 && now_ns > last {
            self.metrics.frame_interval.observe(now_ns - last);
            self.metrics.last_interval_ns.store(now_ns - last, Relaxed);
        }
    }

    /// Gives `target` to the engine for the next frame (called by the
    /// layer's buffer queue with its lock held, while capturing).
    fn arm(&self, target: DmaTarget) {
        // Fails only once the device is gone; the buffer then goes back
        // when streaming stops.
        let _ = engine::arm(&*self.hw, target.addr, target.len);
    }

    /// The STATUS register (HDMI connected, signal, format locked...).
    pub(crate) fn input_status(&self) -> STATUS {
        engine::status(&*self.hw)
    }

    /// Register `R` for the register status metrics, read now; `None`
    /// when the read failed.
    pub(crate) fn observe<R: regs::TvtopRegister>(&self) -> Option<R> {
        engine::observe(&*self.hw)
    }

    /// Buffers owned by the driver side now.
    pub(crate) fn buffers_queued(&self) -> usize {
        self.video.buffers().owned()
    }

    /// Starts capture into `first`: called by vb2 (through the layer,
    /// which made `first` active) with the buffers already queued. On an
    /// error the layer gives them back.
    fn start_streaming(&self, first: Option<DmaTarget>) -> Result {
        self.sequence.store(0, Relaxed);
        self.last_frame_ns.store(0, Relaxed);
        self.streaming.store(true, Relaxed);
        // The capture clocks run from here to the stop; the link and READY
        // are checked before the first buffer is armed. The capture
        // sources are masked until engine::start unmasks them.
        let started = self.hw.capture_clocks(true).and_then(|()| {
            engine::start(
                &*self.hw,
                &self.format.get(),
                first.map(|t| (t.addr, t.len)),
            )
            .map_err(|e| {
                if let engine::StartError::NotReady(status) = e {
                    dev_err!(
                        self.hw.device(),
                        "TVTOP not ready to capture (STATUS {status:#010x})\n"
                    );
                }
                Error::from(e)
            })
        });
        if let Err(e) = started {
            // engine::start may have armed the first buffer and unmasked
            // sources before it failed: stop it, and wait for a handler
            // that saw them, before the layer gives the buffers back.
            let _ = engine::stop(&*self.hw);
            self.hw.synchronize();
            let _ = self.hw.capture_clocks(false);
            self.streaming.store(false, Relaxed);
            return Err(e);
        }
        Ok(())
    }

    /// Stops capture: called by vb2 through the layer, which stopped
    /// completions before and gives every buffer back after. The capture
    /// sources are masked and capture disabled; a frame the DMA engine
    /// still writes is waited for (bounded: a timeout is counted and
    /// logged once); a handler still running is waited for; then the
    /// capture clocks stop.
    fn stop_streaming(&self) {
        self.streaming.store(false, Relaxed);
        // A failure means the device is gone: nothing captures any more.
        let _ = engine::stop(&*self.hw);
        if engine::wait_dma_idle(&*self.hw).is_err() {
            self.metrics.dma_idle_timeout();
            if !self.dma_timeout_logged.swap(true, Relaxed) {
                dev_warn!(
                    self.hw.device(),
                    "DMA still busy {} ms after stop; buffers given back anyway\n",
                    engine::DMA_IDLE_TIMEOUT.as_millis()
                );
            }
        }
        // Waits until no interrupt handler runs any more.
        self.hw.synchronize();
        // Capture and DMA are off: their clocks can stop.
        let _ = self.hw.capture_clocks(false);
    }
}

impl Tvcap {
    /// The interrupt handler of every backend (run by [`TvcapIrq`]): takes
    /// the pending sources from IRQ_STATUS and acts on them. Returns false
    /// when none was pending (the line is shared).
    fn interrupt(this: &ARef<v4l2::Device<Self>>) -> bool {
        let pending = engine::take_irq_status(&*this.hw);
        let handled = pending.into_raw() != 0;
        this.metrics.interrupt(handled);
        if !handled {
            return false;
        }
        Self::handle_irq(this, pending);
        true
    }
}

impl_has_work! {
    impl HasWork<v4l2::Device<Tvcap>> for Tvcap { self.power_work }
}

/// DV_RX_POWER_PRESENT follows the cable (V4L2_EVENT_CTRL to the files
/// subscribed when it changes).
impl WorkItem for Tvcap {
    type Pointer = ARef<v4l2::Device<Tvcap>>;

    fn run(this: ARef<v4l2::Device<Tvcap>>) {
        let present = this.input_status().hdmi_connected().into_bool();
        this.video.set_rx_power_present(present);
    }
}

/// The capture device's files under `/sys/class/hy300/tvcap` (names and
/// modes in [`TVCAP_ATTRIBUTES`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TvcapFile {
    Metrics,
    CaptureStats,
    BufferStatus,
    SignalDetection,
    FrameMetrics,
}

/// The class device serves the capture device, holding one reference of
/// its `v4l2_device` (the capture device's only count).
impl ClassAttributes for v4l2::Device<Tvcap> {
    type File = TvcapFile;
    type Owner = ARef<Self>;

    fn show(&self, file: TvcapFile, out: &mut prometheus::Writer<'_>) {
        metrics::render(self, file, out);
    }
}

crate::hy300_attributes!(TVCAP_ATTRIBUTES: v4l2::Device<Tvcap> as c"tvcap" => {
    TvcapFile::Metrics: c"metrics" => 0o444,
    TvcapFile::CaptureStats: c"capture_stats" => 0o444,
    TvcapFile::BufferStatus: c"buffer_status" => 0o444,
    TvcapFile::SignalDetection: c"signal_detection" => 0o444,
    TvcapFile::FrameMetrics: c"frame_metrics" => 0o444,
});

/// Which backend an OF match binds.
#[derive(Clone, Copy)]
enum BackendKind {
    Mmio,
    #[cfg(hy300_sim)]
    Sim,
}

#[cfg(not(hy300_sim))]
kernel::of_device_table!(
    OF_TABLE,
    <TvcapDriver as platform::Driver>::IdInfo,
    [(
        of::DeviceId::new(c"allwinner,sun50i-h713-tvcap"),
        BackendKind::Mmio
    )]
);

// The test build also binds the QEMU guest's simulated block.
#[cfg(hy300_sim)]
kernel::of_device_table!(
    OF_TABLE,
    <TvcapDriver as platform::Driver>::IdInfo,
    [
        (
            of::DeviceId::new(c"allwinner,sun50i-h713-tvcap"),
            BackendKind::Mmio
        ),
        (of::DeviceId::new(c"hy300,h713-tvcap-sim"), BackendKind::Sim)
    ]
);

/// The interrupt handler of the TVTOP block.
struct TvcapIrq(ARef<v4l2::Device<Tvcap>>);

impl irq::Handler for TvcapIrq {
    fn handle(&self) -> irq::IrqReturn {
        if Tvcap::interrupt(&self.0) {
            irq::IrqReturn::Handled
        } else {
            irq::IrqReturn::None
        }
    }
}

/// What a bound device holds besides the capture device: dropped after the
/// capture device is gone, interrupt first, then reset and bus clock.
struct DeviceResources<'bound> {
    _irq: hy300::irq::BoxedRegistration<'bound, TvcapIrq>,
    _power: power::Power,
    /// The simulation's knobs: their debugfs directory belongs to the
    /// binding (a rebind while a file of the old one is open gets its own).
    #[cfg(hy300_sim)]
    _knobs: Option<sim::SimKnobs>,
}

/// The platform driver.
struct TvcapDriver;

/// A bound device.
struct TvcapBinding<'bound> {
    tvcap: ARef<v4l2::Device<Tvcap>>,
    class_device: Option<ClassDevice<v4l2::Device<Tvcap>>>,
    /// The video node: unregistered (stopping a stream) when dropped.
    video: Option<Pin<KBox<Registration<Tvcap>>>>,
    resources: Option<DeviceResources<'bound>>,
}

impl TvcapDriver {
    /// Brings up the block on `kind`'s backend, the same way for both: bus
    /// clock and reset, the capture clocks (off), the register block, the
    /// capture device (which resets the block and waits for READY), then
    /// the node's first interrupt with [`TvcapIrq`].
    fn probe_backend<'bound>(
        pdev: &'bound platform::Device<Core<'_>>,
        kind: BackendKind,
    ) -> Result<(ARef<v4l2::Device<Tvcap>>, DeviceResources<'bound>)> {
        let dev = pdev.as_ref();
        // The simulated block has no reset controller.
        let power = power::Power::on(dev, !matches!(kind, BackendKind::Mmio))?;
        let clocks = power::CaptureClocks::get(dev)?;
        let irq_line = pdev.irq_by_index(0)?.irq();
        #[cfg(hy300_sim)]
        let mut sim_block = None;
        let backend: Arc<dyn TvtopBackend> = match kind {
            BackendKind::Mmio => {
                Arc::new(mmio::MmioTvtop::new(pdev, irq_line, clocks)?, GFP_KERNEL)?
            }
            #[cfg(hy300_sim)]
            BackendKind::Sim => {
                let block = sim::SimTvtop::new(dev, irq_line, clocks)?;
                sim_block = Some(block.clone());
                block
            }
        };
        let tvcap = match ioctl::create(dev, backend) {
            Ok(tvcap) => {
                // The simulated engine writes into the layer's buffers
                // until `ioctl::shut_down` (every path below and the
                // unbind) shuts it down.
                #[cfg(hy300_sim)]
                if let Some(block) = &sim_block {
                    block.attach(tvcap.clone());
                }
                tvcap
            }
            Err(e) => {
                // The simulated engine runs until shut down.
                #[cfg(hy300_sim)]
                if let Some(block) = &sim_block {
                    block.shut_down();
                }
                return Err(e);
            }
        };
        // Kept in the binding and dropped with it.
        let irq = hy300::irq::request_by_index(
            pdev,
            irq::Flags::SHARED,
            0,
            c"sunxi-tvcap",
            Ok::<_, Error>(TvcapIrq(tvcap.clone())),
        );
        let irq = match irq {
            Ok(irq) => irq,
            Err(e) => {
                dev_err!(
                    dev,
                    "cannot request interrupt {irq_line}: error {}\n",
                    e.to_errno()
                );
                ioctl::shut_down(&tvcap);
                return Err(e);
            }
        };
        Ok((
            tvcap,
            DeviceResources {
                _irq: irq,
                _power: power,
                #[cfg(hy300_sim)]
                _knobs: sim_block.map(sim::SimKnobs::publish),
            },
        ))
    }
}

impl platform::Driver for TvcapDriver {
    type IdInfo = BackendKind;
    type Data<'bound> = TvcapBinding<'bound>;
    const OF_ID_TABLE: Option<of::IdTable<Self::IdInfo>> = Some(&OF_TABLE);

    fn probe<'bound>(
        pdev: &'bound platform::Device<Core<'_>>,
        info: Option<&'bound Self::IdInfo>,
    ) -> impl PinInit<Self::Data<'bound>, Error> + 'bound {
        let dev = pdev.as_ref();
        let kind = info.copied().unwrap_or(BackendKind::Mmio);
        let (tvcap, resources) = Self::probe_backend(pdev, kind)?;
        // Interrupts flow once the handler is in place; the video node
        // comes last, once the handler and the input sources are set up
        // (enable_irqs rewrites IRQ_EN: a STREAMON before it would lose
        // its capture sources).
        let registered = engine::enable_irqs(&*tvcap.hw).and_then(|()| {
            let class_device =
                ClassDevice::register_or_degrade(dev, &TVCAP_ATTRIBUTES, tvcap.clone())?;
            let video = KBox::pin_init(Registration::new(&tvcap, dev, &ioctl::CONFIG), GFP_KERNEL)?;
            Ok((class_device, video))
        });
        let (class_device, video) = match registered {
            Ok(r) => r,
            Err(e) => {
                ioctl::shut_down(&tvcap);
                drop(resources);
                hy300::workqueue::flush(&tvcap.power_work);
                return Err(e);
            }
        };
        dev_info!(dev, "HDMI capture ready\n");
        Ok(TvcapBinding {
            tvcap,
            class_device: Some(class_device),
            video: Some(video),
            resources: Some(resources),
        })
    }
}

impl Drop for TvcapBinding<'_> {
    fn drop(&mut self) {
        // Files first, then the video device (stops streaming and the
        // engine, waits for the interrupt); then the interrupt, reset and
        // clocks. The state goes with the last open file.
        drop(self.class_device.take());
        drop(self.video.take());
        ioctl::shut_down(&self.tvcap);
        drop(self.resources.take());
        // The interrupt is freed: nothing queues the work any more.
        hy300::workqueue::flush(&self.tvcap.power_work);
    }
}

/// DMA_ADDR holds 32 bits; behind the IOMMU a buffer may be mapped from
/// many pages as one segment. Set by [`hy300::dma::DmaFirst`] before the
/// probe.
impl hy300::dma::DmaDriver for TvcapDriver {
    const DMA_MASK: kernel::dma::DmaMask = kernel::dma::DmaMask::new::<32>();
    const MAX_SEG_SIZE: u32 = u32::MAX;
}

kernel::module_platform_driver! {
    type: hy300::dma::DmaFirst<TvcapDriver>,
    name: "sunxi_tvcap",
    authors: ["HY300 driver authors"],
    description: "Allwinner H713 HDMI/TV capture (V4L2)",
    license: "GPL",
}
