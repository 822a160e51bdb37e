// SPDX-License-Identifier: GPL-2.0

//! KUnit suite of the V4L2 layer: the ops tables built from `HAS_*`
//! flags, the typed arguments' conversions, the DV timings helpers over
//! the V4L2 core's presets.

use core::sync::atomic::{AtomicU32, Ordering::Relaxed};
use kernel::prelude::*;
use kernel::sync::aref::ARef;
use kernel::workqueue::{self, Work, WorkItem};

use super::device::Driver;
use super::dv::BtCap;
use super::ioctl::Tables;
use super::vb2::{State, Vb2Table};
use super::*;

/// A driver with the least: QUERYCAP, G_INPUT and the required queue ops.
struct Minimal {
    vd: VideoDevice<Minimal>,
}

#[vtable]
impl IoctlOps for Minimal {
    fn querycap(&self, _cap: &mut Capability<'_>) -> Result {
        Ok(())
    }

    fn g_input(&self) -> Result<u32> {
        Ok(0)
    }
}

#[vtable]
impl QueueOps for Minimal {
    fn queue_setup(&self, _n: &mut u32, _p: &mut PlaneSizes<'_>) -> Result {
        Ok(())
    }
    fn arm(&self, _target: DmaTarget) {}
    fn start_streaming(&self, _first: Option<DmaTarget>) -> Result {
        Ok(())
    }
    fn stop_streaming(&self) {}
}

impl Driver for Minimal {
    fn video_device(&self) -> &VideoDevice<Self> {
        &self.vd
    }
}

/// A receiver: DV timings and events, and a buffer check.
struct Receiver {
    vd: VideoDevice<Receiver>,
}

#[vtable]
impl IoctlOps for Receiver {
    fn query_dv_timings(&self) -> Result<Detected> {
        Err(ENOLINK)
    }
    fn subscribe_event(sub: &Subscription<'_>) -> Result {
        sub.source_change()
    }
    fn dv_rx_power_present(&self) -> Result<u32> {
        Ok(1)
    }
}

#[vtable]
impl QueueOps for Receiver {
    fn queue_setup(&self, _n: &mut u32, _p: &mut PlaneSizes<'_>) -> Result {
        Ok(())
    }
    fn buf_prepare(&self, _buf: &BufferRef) -> Result {
        Ok(())
    }
    fn arm(&self, _target: DmaTarget) {}
    fn start_streaming(&self, _first: Option<DmaTarget>) -> Result {
        Ok(())
    }
    fn stop_streaming(&self) {}
}

impl Driver for Receiver {
    fn video_device(&self) -> &VideoDevice<Self> {
        &self.vd
    }
}

/// A state that counts its drops: what the [`Device`]'s release does,
/// seen from the state.
#[pin_data(PinnedDrop)]
struct Counted {
    #[pin]
    vd: VideoDevice<Counted>,
    drops: &'static AtomicU32,
    /// A work item of the state: it runs with an `ARef` of the `Device`.
    #[pin]
    work: Work<Device<Counted>>,
    /// The kref count the work item's run saw.
    seen_refs: AtomicU32,
}

kernel::impl_has_work! {
    impl HasWork<Device<Counted>> for Counted { self.work }
}

impl WorkItem for Counted {
    type Pointer = ARef<Device<Counted>>;

    fn run(this: ARef<Device<Counted>>) {
        this.seen_refs.store(refs(&this), Relaxed);
    }
}

#[pinned_drop]
impl PinnedDrop for Counted {
    fn drop(self: Pin<&mut Self>) {
        self.drops.fetch_add(1, Relaxed);
    }
}

#[vtable]
impl IoctlOps for Counted {}

#[vtable]
impl QueueOps for Counted {
    fn queue_setup(&self, _n: &mut u32, _p: &mut PlaneSizes<'_>) -> Result {
        Ok(())
    }
    fn arm(&self, _target: DmaTarget) {}
    fn start_streaming(&self, _first: Option<DmaTarget>) -> Result {
        Ok(())
    }
    fn stop_streaming(&self) {}
}

impl Driver for Counted {
    fn video_device(&self) -> &VideoDevice<Self> {
        &self.vd
    }
}

/// A `Device` of a [`Counted`] state on no parent device (the suite has
/// no bound device): its v4l2_device registered, its kref at one.
fn counted(drops: &'static AtomicU32) -> Result<ARef<Device<Counted>>> {
    // SAFETY: no parent, with a name.
    unsafe {
        Device::alloc(
            core::ptr::null_mut(),
            Some(c"hy300-v4l2-kunit"),
            try_pin_init!(Counted {
                vd <- VideoDevice::new(),
                drops,
                work <- kernel::new_work!("hy300_v4l2_kunit"),
                seen_refs: AtomicU32::new(0),
            }? Error),
        )
    }
}

/// The v4l2_device's kref count of `dev`.
fn refs(dev: &Device<Counted>) -> u32 {
    let v4l2_dev = dev.video().v4l2_device();
    // SAFETY: `v4l2_dev` is registered (its kref initialised) and lives
    // as long as `dev`; the count is an `atomic_t`, read once (what
    // `kref_read` does).
    let n = unsafe { core::ptr::read_volatile(&raw const (*v4l2_dev).ref_.refcount.refs.counter) };
    u32::try_from(n).unwrap_or(0)
}

/// 320x240..1920x1080 progressive, 25..165 MHz, CEA-861 and DMT.
const CAP: DvTimingsCap = DvTimingsCap::bt(BtCap {
    width: (320, 1920),
    height: (240, 1080),
    pixelclock: (25_000_000, 165_000_000),
    standards: raw::V4L2_DV_BT_STD_CEA861 | raw::V4L2_DV_BT_STD_DMT,
    progressive: true,
});

#[kunit_tests(hy300_v4l2)]
mod v4l2_tests {
    use super::*;

    #[test]
    fn ioctl_table_has_what_is_implemented() {
        let ops = Tables::<Minimal>::IOCTL_OPS;
        assert!(ops.vidioc_querycap.is_some());
        assert!(ops.vidioc_g_input.is_some());
        assert!(ops.vidioc_s_input.is_none());
        assert!(ops.vidioc_g_fmt_vid_cap.is_none());
        assert!(ops.vidioc_query_dv_timings.is_none());
        assert!(ops.vidioc_subscribe_event.is_none());
        assert!(ops.vidioc_unsubscribe_event.is_none());
        let ops = Tables::<Receiver>::IOCTL_OPS;
        assert!(ops.vidioc_querycap.is_none());
        assert!(ops.vidioc_query_dv_timings.is_some());
        assert!(ops.vidioc_g_dv_timings.is_none());
        // Unsubscribing comes with subscribing.
        assert!(ops.vidioc_subscribe_event.is_some());
        assert!(ops.vidioc_unsubscribe_event.is_some());
        // Only a driver with the control gets a control handler.
        assert!(<Receiver as IoctlOps>::HAS_DV_RX_POWER_PRESENT);
        assert!(!<Minimal as IoctlOps>::HAS_DV_RX_POWER_PRESENT);
    }

    #[test]
    fn vb2_helpers_always_wired() {
        for ops in [Tables::<Minimal>::IOCTL_OPS, Tables::<Receiver>::IOCTL_OPS] {
            assert!(ops.vidioc_reqbufs.is_some());
            assert!(ops.vidioc_create_bufs.is_some());
            assert!(ops.vidioc_prepare_buf.is_some());
            assert!(ops.vidioc_querybuf.is_some());
            assert!(ops.vidioc_qbuf.is_some());
            assert!(ops.vidioc_dqbuf.is_some());
            assert!(ops.vidioc_expbuf.is_some());
            assert!(ops.vidioc_streamon.is_some());
            assert!(ops.vidioc_streamoff.is_some());
        }
        let fops = Tables::<Minimal>::FOPS;
        assert!(fops.open.is_some() && fops.release.is_some() && fops.poll.is_some());
        assert!(fops.unlocked_ioctl.is_some() && fops.mmap.is_some() && fops.read.is_some());
        assert!(!fops.owner.is_null());
    }

    #[test]
    fn vb2_table_has_what_is_implemented() {
        let ops = Vb2Table::<Minimal>::OPS;
        assert!(ops.queue_setup.is_some() && ops.buf_queue.is_some());
        assert!(ops.start_streaming.is_some() && ops.stop_streaming.is_some());
        assert!(ops.buf_init.is_none() && ops.buf_cleanup.is_none() && ops.buf_prepare.is_none());
        let ops = Vb2Table::<Receiver>::OPS;
        assert!(ops.buf_prepare.is_some() && ops.buf_init.is_none());
    }

    #[test]
    fn copy_str_truncates_and_terminates() {
        let mut d = [0xffu8; 6];
        copy_str(&mut d, c"abc");
        assert_eq!(&d, b"abc\0\0\0");
        copy_str(&mut d, c"longer-name");
        assert_eq!(&d, b"longe\0");
        let mut empty: [u8; 0] = [];
        copy_str(&mut empty, c"x");
    }

    #[test]
    fn pix_format_written_progressive_with_drivers_colorimetry() {
        let mut p: raw::v4l2_pix_format = pin_init::zeroed();
        p.priv_ = 0xfeed_fe11;
        p.field = raw::v4l2_field_V4L2_FIELD_INTERLACED;
        let f = PixFormat {
            width: 320,
            height: 240,
            pixelformat: 0x5659_5559,
            bytesperline: 640,
            sizeimage: 640 * 240,
            colorimetry: Colorimetry::REC709_LIMITED,
        };
        f.to_raw(&mut p);
        assert_eq!(
            (p.width, p.height, p.bytesperline, p.sizeimage),
            (320, 240, 640, 153600)
        );
        assert_eq!(p.field, raw::v4l2_field_V4L2_FIELD_NONE);
        assert_eq!(p.colorspace, raw::v4l2_colorspace_V4L2_COLORSPACE_REC709);
        assert_eq!(
            p.quantization,
            raw::v4l2_quantization_V4L2_QUANTIZATION_LIM_RANGE
        );
        assert_eq!(p.priv_, 0);
    }

    #[test]
    fn frame_size_stepwise() {
        let mut fs: raw::v4l2_frmsizeenum = pin_init::zeroed();
        FrameSize::Stepwise {
            min_width: 320,
            max_width: 1920,
            step_width: 2,
            min_height: 240,
            max_height: 1080,
            step_height: 2,
        }
        .to_raw(&mut fs);
        assert_eq!(fs.type_, raw::v4l2_frmsizetypes_V4L2_FRMSIZE_TYPE_STEPWISE);
        // SAFETY: the stepwise member was just written.
        let s = unsafe { fs.__bindgen_anon_1.stepwise };
        assert_eq!((s.min_width, s.max_width, s.max_height), (320, 1920, 1080));
        FrameSize::Discrete {
            width: 640,
            height: 480,
        }
        .to_raw(&mut fs);
        assert_eq!(fs.type_, raw::v4l2_frmsizetypes_V4L2_FRMSIZE_TYPE_DISCRETE);
        // SAFETY: the discrete member was just written.
        let d = unsafe { fs.__bindgen_anon_1.discrete };
        assert_eq!((d.width, d.height), (640, 480));
    }

    #[test]
    fn plane_sizes() {
        let (mut n, mut sizes) = (0u32, [0u32; 8]);
        let mut p = PlaneSizes::new(&mut n, &mut sizes);
        assert!(p.requested().is_none());
        p.set_single(4096);
        assert_eq!(p.requested(), Some(&[4096u32][..]));
        assert_eq!((n, sizes[0]), (1, 4096));
    }

    #[test]
    fn cea_1080p60_preset() -> Result {
        let t = DvTimings::cea861_vic(16).ok_or(EINVAL)?;
        assert_eq!(
            (t.width(), t.height(), t.pixelclock()),
            (1920, 1080, 148_500_000)
        );
        assert!(!t.interlaced());
        assert!(CAP.valid(&t));
        assert!(t.matches(&t));
        // 3840x2160p30 (VIC 95) is past the limits.
        let uhd = DvTimings::cea861_vic(95).ok_or(EINVAL)?;
        assert!(!CAP.valid(&uhd));
        assert!(!t.matches(&uhd));
        assert!(DvTimings::cea861_vic(0).is_none());
        Ok(())
    }

    #[test]
    fn enumeration_stays_within_cap() -> Result {
        let mut n = 0;
        while let Ok(t) = CAP.enumerate(n) {
            assert!(CAP.valid(&t));
            assert!((320..=1920).contains(&t.width()) && (240..=1080).contains(&t.height()));
            assert!(!t.interlaced());
            n += 1;
        }
        assert!(n > 5);
        assert_eq!(CAP.enumerate(n).err(), Some(EINVAL));
        let p1080 = DvTimings::cea861_vic(16).ok_or(EINVAL)?;
        assert!((0..n).any(|i| CAP.enumerate(i).is_ok_and(|t| t.matches(&p1080))));
        Ok(())
    }

    #[test]
    fn find_snaps_to_standard() -> Result {
        let p720 = DvTimings::cea861_vic(4).ok_or(EINVAL)?;
        let mut t = DvTimings::from_raw(p720.into_raw());
        assert!(CAP.find(&mut t, 0));
        assert!(t.matches(&p720));
        // Not BT timings: read as zero, refused.
        let mut other = p720.into_raw();
        other.type_ = 7;
        let mut t = DvTimings::from_raw(other);
        assert!(!CAP.valid(&t) && !CAP.find(&mut t, 0));
        assert_eq!(CAP.size_limits(), ((320, 1920), (240, 1080)));
        Ok(())
    }

    /// The driver-side queue completes, arms and rearms only while
    /// capturing (between the layer's start and stop), and a zeroed vb2
    /// queue is not busy.
    #[test]
    fn queue_completes_only_while_capturing() -> Result {
        let q = KBox::pin_init(Queue::new(), GFP_KERNEL)?;
        let mut armed = 0;
        assert!(!q.is_busy());
        assert!(!q.is_capturing());
        assert_eq!(
            q.complete_active(1, 2, 3, |_| armed += 1),
            Completion::Stopped
        );
        assert_eq!(q.start(), None);
        assert!(q.is_capturing());
        assert_eq!(
            q.complete_active(1, 2, 3, |_| armed += 1),
            Completion::NoBuffer
        );
        q.stop();
        assert!(!q.is_capturing());
        assert_eq!(
            q.complete_active(1, 2, 3, |_| armed += 1),
            Completion::Stopped
        );
        q.rearm_active(|_| armed += 1);
        q.drain(State::Error);
        assert_eq!(q.owned(), 0);
        assert_eq!(armed, 0);
        Ok(())
    }

    /// A simulated bus master writes only into the buffer the layer
    /// handed to the hardware: with none active (before start, while
    /// capturing with an empty queue, after the drain) the write is
    /// refused and its closure never runs, whatever the address (here
    /// physical page 1, RAM).
    #[test]
    fn bus_write_only_into_handed_buffer() -> Result {
        #[cfg(hy300_sim)]
        {
            use crate::v4l2::BusWrite;
            let q = KBox::pin_init(Queue::new(), GFP_KERNEL)?;
            let mut ran = 0;
            assert_eq!(q.bus_write(4096, 64, |_| ran += 1), BusWrite::NotHanded);
            assert_eq!(q.start(), None);
            assert_eq!(q.bus_write(4096, 64, |_| ran += 1), BusWrite::NotHanded);
            q.stop();
            q.drain(State::Error);
            assert_eq!(q.bus_write(4096, 64, |_| ran += 1), BusWrite::NotHanded);
            assert_eq!(ran, 0);
        }
        Ok(())
    }

    /// The count of buffers the driver side holds (the metrics' reading)
    /// takes no lock the interrupt path takes: a reader storm cannot delay
    /// a frame's completion (issue 27, item 4). The ring's lock is taken
    /// only by the calls that change the ring or complete a frame.
    #[test]
    fn owned_is_read_without_the_ring_lock() -> Result {
        let q = KBox::pin_init(Queue::new(), GFP_KERNEL)?;
        let before = q.ring_locks();
        for _ in 0..100 {
            assert_eq!(q.owned(), 0);
        }
        let owned_took_the_ring_lock = q.ring_locks() - before;
        assert_eq!(owned_took_the_ring_lock, 0);
        // The counter sees the lock when it is taken.
        assert_eq!(q.complete_active(1, 2, 3, |_| {}), Completion::Stopped);
        assert_eq!(q.ring_locks(), before + 1);
        Ok(())
    }

    /// One refcount: an `ARef<Device<T>>` is a reference of the
    /// v4l2_device's kref (a clone gets one, a drop puts one), and the
    /// last put's release drops the state once, then frees it.
    #[test]
    fn device_state_dropped_once_at_the_last_put() -> Result {
        static DROPS: AtomicU32 = AtomicU32::new(0);
        let first = counted(&DROPS)?;
        assert_eq!(refs(&first), 1);
        let second = first.clone();
        let third = ARef::from(&*second);
        assert_eq!(refs(&first), 3);
        drop(first);
        assert_eq!(refs(&second), 2);
        drop(second);
        assert_eq!(refs(&third), 1);
        assert_eq!(DROPS.load(Relaxed), 0);
        drop(third);
        assert_eq!(DROPS.load(Relaxed), 1);
        Ok(())
    }

    /// A state whose initialiser fails is dropped in place of nothing: no
    /// v4l2_device is registered, no release runs.
    #[test]
    fn device_init_failure_releases_nothing() {
        static DROPS: AtomicU32 = AtomicU32::new(0);
        // SAFETY: no parent, with a name.
        let failed = unsafe {
            Device::<Counted>::alloc(
                core::ptr::null_mut(),
                Some(c"hy300-v4l2-kunit"),
                try_pin_init!(Counted {
                    vd <- VideoDevice::new(),
                    drops: {
                        Err(ENOMEM)?;
                        &DROPS
                    },
                    work <- kernel::new_work!("hy300_v4l2_kunit"),
                    seen_refs: AtomicU32::new(0),
                }? Error),
            )
        };
        assert!(failed.is_err());
        assert_eq!(DROPS.load(Relaxed), 0);
    }

    /// A work item of the state runs with its own reference of the
    /// `Device` (the `WorkItem`/`HasWork` of `Device<T>` find the state's
    /// `Work` and back), put when the run returns.
    #[test]
    fn device_work_item_runs_with_a_reference() -> Result {
        static DROPS: AtomicU32 = AtomicU32::new(0);
        let dev = counted(&DROPS)?;
        assert!(workqueue::system().enqueue(dev.clone()).is_ok());
        crate::hy300::workqueue::flush(&dev.work);
        assert_eq!(dev.seen_refs.load(Relaxed), 2);
        assert_eq!(refs(&dev), 1);
        drop(dev);
        assert_eq!(DROPS.load(Relaxed), 1);
        Ok(())
    }
}
