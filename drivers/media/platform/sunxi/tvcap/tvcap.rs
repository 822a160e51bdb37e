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

use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering::Relaxed};
use kernel::device::Core;
use kernel::prelude::*;
use kernel::sync::{Arc, SpinLockIrq};
use kernel::types::Opaque;
use kernel::{bindings, irq, of, platform};

mod engine;
mod format;
mod hw;
mod ioctl;
mod metrics;
mod mmio;
mod power;
mod regs;
#[cfg(hy300_sim)]
mod sim;
#[cfg(CONFIG_KUNIT)]
mod tests;
mod v4l2;

// Shared libraries: each module uses only part of them.
#[allow(dead_code, unused_imports, unreachable_pub)]
#[path = "../../../../../rust/prometheus/src/prometheus.rs"]
mod prometheus;

#[allow(dead_code, unused_imports, unreachable_pub)]
#[path = "../../../../../rust/hy300/mod.rs"]
mod hy300;

use format::Format;
use hw::TvtopBackend;
use hy300::class_device::{ClassAttributes, ClassDevice};
use regs::{Irq, STATUS};
use v4l2::raw;

/// Buffers per REQBUFS: 2..8, as the hardware's ring was sized.
pub(crate) const MAX_BUFFERS: u32 = 8;
pub(crate) const MIN_BUFFERS: u32 = 2;
/// vb2's limit on the queue (VB2_MAX_FRAME; CREATE_BUFS may go past 8).
pub(crate) const QUEUE_LIMIT: usize = 32;

/// Buffers the driver owns: queued by userspace, not yet completed.
///
/// # Invariants
///
/// Every non-null pointer is a `vb2_buffer` of this device's queue that vb2
/// handed over in `buf_queue` and that was not yet given back with
/// `vb2_buffer_done`.
pub(crate) struct Buffers {
    ring: [*mut raw::vb2_buffer; QUEUE_LIMIT],
    head: usize,
    len: usize,
    /// The buffer the capture engine writes now.
    active: *mut raw::vb2_buffer,
    /// Between the start and the stop of a capture: only then is a buffer
    /// armed. Kept under the lock so that an interrupt handler racing the
    /// stop cannot arm a buffer the stop is about to give back.
    capturing: bool,
}

// SAFETY: the pointers are only dereferenced under the spinlock, and vb2
// buffers may be completed from any context.
unsafe impl Send for Buffers {}

impl Buffers {
    const fn new() -> Self {
        Buffers {
            ring: [core::ptr::null_mut(); QUEUE_LIMIT],
            head: 0,
            len: 0,
            active: core::ptr::null_mut(),
            capturing: false,
        }
    }

    fn push(&mut self, vb: *mut raw::vb2_buffer) -> bool {
        if self.len >= self.ring.len() {
            return false;
        }
        let slot = (self.head + self.len) % self.ring.len();
        self.ring[slot] = vb;
        self.len += 1;
        true
    }

    fn pop(&mut self) -> Option<*mut raw::vb2_buffer> {
        if self.len == 0 {
            return None;
        }
        let vb = core::mem::take(&mut self.ring[self.head]);
        self.head = (self.head + 1) % self.ring.len();
        self.len -= 1;
        Some(vb)
    }

    /// Buffers owned by the driver (queued plus active).
    fn owned(&self) -> usize {
        self.len + usize::from(!self.active.is_null())
    }
}

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

/// The capture device. Lives in an `Arc` whose last reference is dropped
/// by the v4l2_device release callback, after the last open file closed.
#[pin_data]
pub(crate) struct Tvcap {
    #[pin]
    pub(crate) v4l2_dev: Opaque<raw::v4l2_device>,
    #[pin]
    pub(crate) vdev: Opaque<raw::video_device>,
    #[pin]
    pub(crate) queue: Opaque<raw::vb2_queue>,
    /// Serialises ioctls and vb2 (the video_device and queue lock).
    #[pin]
    pub(crate) lock: Opaque<bindings::mutex>,
    #[pin]
    pub(crate) buffers: SpinLockIrq<Buffers>,
    pub(crate) format: CurrentFormat,
    pub(crate) streaming: AtomicBool,
    /// Frame events since streaming started (completed and lost).
    pub(crate) sequence: AtomicU32,
    last_frame_ns: AtomicU64,
    pub(crate) metrics: metrics::TvcapMetrics,
    /// The register block, chosen at probe. An `Arc` only because it can
    /// hold a pinned backend (the simulation's work item).
    pub(crate) hw: Arc<dyn TvtopBackend>,
    tables: ioctl::Tables,
}

// SAFETY: the embedded C objects are used through their own locking (the
// `lock` mutex for V4L2/vb2, the V4L2 core's refcounts), the buffer ring
// through its spinlock, everything else is atomic.
unsafe impl Send for Tvcap {}
// SAFETY: as above.
unsafe impl Sync for Tvcap {}

impl Tvcap {
    /// Acts on interrupt sources. Counters are atomics; the buffer ring is
    /// a spinlock that is never held across anything that sleeps.
    fn handle_irq(&self, irq_status: regs::IRQ_STATUS) {
        for irq in regs::decode(irq_status) {
            self.metrics.irq(irq);
            match irq {
                Irq::FrameDone => self.frame_done(),
                Irq::BufferOverflow => self.frame_lost(),
                Irq::DmaError => self.frame_failed(),
                Irq::Hotplug => self.metrics.hotplug_events.inc(),
                Irq::FormatChange => self.metrics.format_changes.inc(),
                _ => {}
            }
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
        let b = self.buffers.lock();
        if b.capturing && !b.active.is_null() {
            // SAFETY: the active buffer is owned by the driver (ring
            // invariant); it cannot be given back while the lock is held.
            unsafe { self.arm(b.active) };
        }
    }

    fn frame_done(&self) {
        let sequence = self.next_sequence();
        // SAFETY: `ktime_get` has no preconditions.
        let now_ns = u64::try_from(unsafe { bindings::ktime_get() }).unwrap_or(0);
        let done = {
            let mut b = self.buffers.lock();
            let done = core::mem::take(&mut b.active);
            if b.capturing {
                if let Some(next) = b.pop() {
                    b.active = next;
                    // SAFETY: `next` is owned by the driver (ring
                    // invariant) and stays so while the lock is held.
                    unsafe { self.arm(next) };
                }
            }
            done
        };
        if done.is_null() {
            // The engine had nowhere to write this frame.
            self.metrics.frames_dropped.inc();
            return;
        }
        let size = self.format.sizeimage.load(Relaxed);
        let vbuf = v4l2::to_v4l2_buffer(done);
        // SAFETY: `done` was owned by the driver and is given back exactly
        // once here; its plane holds `size` bytes (checked in buf_prepare).
        unsafe {
            (*vbuf).sequence = sequence;
            (*vbuf).field = raw::v4l2_field_V4L2_FIELD_NONE;
            (*done).timestamp = now_ns;
            v4l2::set_payload(done, size);
            raw::vb2_buffer_done(done, raw::vb2_buffer_state_VB2_BUF_STATE_DONE);
        }
        self.metrics.frames_captured.inc();
        self.metrics.bytes_captured.add(u64::from(size));
        let last = self.last_frame_ns.swap(now_ns, Relaxed);
        if last != 0 && now_ns > last {
            self.metrics.frame_interval.observe(now_ns - last);
            self.metrics.last_interval_ns.store(now_ns - last, Relaxed);
        }
    }

    /// Takes a buffer from vb2; starts the engine on it if idle.
    fn queue_buffer(&self, vb: *mut raw::vb2_buffer) {
        let mut b = self.buffers.lock();
        if b.active.is_null() && b.capturing {
            b.active = vb;
            // SAFETY: vb2 handed `vb` over; it is owned by the driver and
            // stays so while the lock is held.
            unsafe { self.arm(vb) };
        } else if !b.push(vb) {
            drop(b);
            // More buffers than vb2's queue limit: cannot happen; give it
            // back rather than lose it.
            // SAFETY: vb2 handed `vb` over; it goes back once.
            unsafe { raw::vb2_buffer_done(vb, raw::vb2_buffer_state_VB2_BUF_STATE_ERROR) };
        }
    }

    /// The bus address and length the engine writes `vb` at; `None` for a
    /// buffer vb2 gave no DMA memory.
    ///
    /// # Safety
    ///
    /// `vb` is a live buffer of this device's dma-contig queue.
    unsafe fn dma_target(vb: *mut raw::vb2_buffer) -> Option<(u64, u32)> {
        // SAFETY: per the contract `vb` is live, in our dma-contig queue.
        let (addr, len) = unsafe { (v4l2::plane_dma_addr(vb), v4l2::plane_size(vb)) };
        addr.map(|addr| (addr, len))
    }

    /// Gives `vb` to the engine for the next frame. Called with the buffer
    /// lock held and `capturing` set.
    ///
    /// # Safety
    ///
    /// `vb` is owned by the driver until the frame-done interrupt for it has
    /// been handled (or capture stopped).
    unsafe fn arm(&self, vb: *mut raw::vb2_buffer) {
        // SAFETY: per the contract `vb` is live, in our dma-contig queue.
        // Fails only once the device is gone (or for a buffer vb2 gave no
        // memory); `vb` is then returned when streaming stops.
        if let Some((addr, len)) = unsafe { Self::dma_target(vb) } {
            let _ = engine::arm(&*self.hw, addr, len);
        }
    }

    /// The STATUS register (HDMI connected, signal, format locked...).
    pub(crate) fn input_status(&self) -> STATUS {
        engine::status(&*self.hw)
    }

    /// Gives every owned buffer back to vb2 in `state`.
    fn return_buffers(&self, state: raw::vb2_buffer_state) {
        loop {
            let vb = {
                let mut b = self.buffers.lock();
                if b.active.is_null() {
                    b.pop()
                } else {
                    Some(core::mem::take(&mut b.active))
                }
            };
            let Some(vb) = vb else { break };
            // SAFETY: owned by the driver; given back once.
            unsafe { raw::vb2_buffer_done(vb, state) };
        }
    }

    /// Buffers owned by the driver now.
    pub(crate) fn buffers_queued(&self) -> usize {
        self.buffers.lock().owned()
    }

    /// Starts capture: called by vb2 with the buffers already queued.
    fn start_streaming(&self) -> Result {
        self.sequence.store(0, Relaxed);
        self.last_frame_ns.store(0, Relaxed);
        // The capture sources are masked until engine::start unmasks them,
        // so no interrupt handler can see `capturing` before the engine
        // runs; buf_queue is serialised with this by the queue lock.
        let first = {
            let mut b = self.buffers.lock();
            let first = b.pop();
            if let Some(vb) = first {
                b.active = vb;
            }
            b.capturing = true;
            first
        };
        // SAFETY: `first` was handed over by vb2 and is owned by the driver.
        let target = first.and_then(|vb| unsafe { Self::dma_target(vb) });
        self.streaming.store(true, Relaxed);
        // The capture clocks run from here to the stop; the link and READY
        // are checked before the first buffer is armed.
        let started = self.hw.capture_clocks(true).and_then(|()| {
            engine::start(&*self.hw, &self.format.get(), target).map_err(|e| {
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
            let _ = self.hw.capture_clocks(false);
            self.buffers.lock().capturing = false;
            self.streaming.store(false, Relaxed);
            self.return_buffers(raw::vb2_buffer_state_VB2_BUF_STATE_QUEUED);
            return Err(e);
        }
        Ok(())
    }

    /// Stops capture and returns every buffer exactly once: called by vb2.
    /// Once `capturing` is clear no handler arms a buffer; once the capture
    /// sources are masked and the handler synchronised, none completes one.
    fn stop_streaming(&self) {
        self.buffers.lock().capturing = false;
        self.streaming.store(false, Relaxed);
        // A failure means the device is gone: nothing captures any more.
        let _ = engine::stop(&*self.hw);
        // Waits until no interrupt handler runs any more.
        self.hw.synchronize();
        // Capture and DMA are off: their clocks can stop.
        let _ = self.hw.capture_clocks(false);
        self.return_buffers(raw::vb2_buffer_state_VB2_BUF_STATE_ERROR);
    }
}

impl Tvcap {
    /// The interrupt handler of every backend (run by [`TvcapIrq`]): takes
    /// the pending sources from IRQ_STATUS and acts on them. Returns false
    /// when none was pending (the line is shared).
    fn interrupt(&self) -> bool {
        let pending = engine::take_irq_status(&*self.hw);
        if pending.into_raw() == 0 {
            return false;
        }
        self.handle_irq(pending);
        true
    }
}

impl ClassAttributes for Tvcap {
    fn show(&self, attr: &CStr, out: &mut prometheus::Writer<'_>) {
        metrics::render(self, attr.to_bytes(), out);
    }
}

crate::hy300_attributes!(TVCAP_ATTRIBUTES: Tvcap => {
    c"metrics" => 0o444,
    c"capture_stats" => 0o444,
    c"buffer_status" => 0o444,
    c"signal_detection" => 0o444,
    c"frame_metrics" => 0o444,
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
struct TvcapIrq(Arc<Tvcap>);

impl irq::Handler for TvcapIrq {
    fn handle(&self) -> irq::IrqReturn {
        if self.0.interrupt() {
            irq::IrqReturn::Handled
        } else {
            irq::IrqReturn::None
        }
    }
}

/// What a bound device holds besides the capture device: dropped after the
/// capture device is gone, interrupt first, then reset and bus clock.
struct DeviceResources<'bound> {
    _irq: Pin<KBox<irq::Registration<'bound, TvcapIrq>>>,
    _power: power::Power,
}

/// The platform driver.
struct TvcapDriver;

/// A bound device.
struct TvcapBinding<'bound> {
    tvcap: Arc<Tvcap>,
    class_device: Option<ClassDevice<Tvcap>>,
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
    ) -> Result<(Arc<Tvcap>, DeviceResources<'bound>)> {
        let dev = pdev.as_ref();
        // The simulated block has no reset controller.
        let power = power::Power::on(dev, !matches!(kind, BackendKind::Mmio))?;
        let clocks = power::CaptureClocks::get(dev)?;
        let irq_line = pdev.irq_by_index(0)?.irq();
        let backend: Arc<dyn TvtopBackend> = match kind {
            BackendKind::Mmio => {
                Arc::new(mmio::MmioTvtop::new(pdev, irq_line, clocks)?, GFP_KERNEL)?
            }
            #[cfg(hy300_sim)]
            BackendKind::Sim => sim::SimTvtop::new(dev, irq_line, clocks)?,
        };
        let tvcap = ioctl::create(dev, backend)?;
        // SAFETY: the registration is kept in the binding and dropped with
        // it, never leaked.
        let registration = unsafe {
            pdev.request_irq_by_index(
                irq::Flags::SHARED,
                0,
                c"sunxi-tvcap",
                Ok::<_, Error>(TvcapIrq(tvcap.clone())),
            )
        };
        let irq = match KBox::pin_init(registration, GFP_KERNEL) {
            Ok(irq) => irq,
            Err(e) => {
                dev_err!(
                    dev,
                    "cannot request interrupt {irq_line}: error {}\n",
                    e.to_errno()
                );
                ioctl::destroy(&tvcap);
                return Err(e);
            }
        };
        Ok((
            tvcap,
            DeviceResources {
                _irq: irq,
                _power: power,
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
        // DMA_ADDR holds 32 bits; behind the IOMMU a buffer may be mapped
        // from many pages as one segment.
        // SAFETY: no DMA allocation or mapping of this device runs yet.
        unsafe {
            kernel::dma::Device::dma_set_mask_and_coherent(
                pdev,
                kernel::dma::DmaMask::new::<32>(),
            )?;
            kernel::dma::Device::dma_set_max_seg_size(pdev, u32::MAX);
        }
        let kind = info.copied().unwrap_or(BackendKind::Mmio);
        let (tvcap, resources) = Self::probe_backend(pdev, kind)?;
        // Interrupts flow once the handler is in place.
        let class_device = engine::enable_irqs(&*tvcap.hw).and_then(|()| {
            ClassDevice::register_or_degrade(c"tvcap", dev, &TVCAP_ATTRIBUTES, tvcap.clone())
        });
        let class_device = match class_device {
            Ok(c) => c,
            Err(e) => {
                ioctl::destroy(&tvcap);
                return Err(e);
            }
        };
        dev_info!(dev, "HDMI capture ready\n");
        Ok(TvcapBinding {
            tvcap,
            class_device: Some(class_device),
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
        ioctl::destroy(&self.tvcap);
        drop(self.resources.take());
    }
}

kernel::module_platform_driver! {
    type: TvcapDriver,
    name: "sunxi_tvcap",
    authors: ["HY300 driver authors"],
    description: "Allwinner H713 HDMI/TV capture (V4L2)",
    license: "GPL",
}
