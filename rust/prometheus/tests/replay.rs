// SPDX-License-Identifier: GPL-2.0
//! Recorded pages (Writer::recording / Writer::replaying): every page of
//! every device, recorded with one set of values and replayed with
//! others, is byte for byte the page a render writes with those values
//! (as rust/hy300/class_device.rs serves them: a bounded page and its
//! self-metric); a page whose families differ from the recorded ones is
//! not replayed.

mod pages;

use hy300_prometheus::{Counter, Cut, Series, Template, Writer};
use pages::*;

/// A file of a device: its name and how its page is rendered.
type File = (&'static str, &'static str, fn(&PageValues, &mut Writer<'_>));

fn files() -> Vec<File> {
    macro_rules! page {
        ($device:literal, $module:ident :: $page:ident, $file:literal) => {
            (
                $device,
                $file,
                (|v: &PageValues, w: &mut Writer<'_>| $module::render(v, $module::Page::$page, w))
                    as fn(&PageValues, &mut Writer<'_>),
            )
        };
    }
    vec![
        page!("motor", motor_page::Metrics, "metrics"),
        page!("motor", motor_page::PositionStatus, "position_status"),
        page!("motor", motor_page::CalibrationState, "calibration_state"),
        page!("motor", motor_page::MovementCounters, "movement_counters"),
        page!("motor", motor_page::GpioStatus, "gpio_status"),
        page!("motor", motor_page::StepTiming, "step_timing"),
        page!("mips", mips_page::Metrics, "metrics"),
        page!("mips", mips_page::MemoryStats, "memory_stats"),
        page!(
            "mips",
            mips_page::RegisterAccessCount,
            "register_access_count"
        ),
        page!("mips", mips_page::FirmwareStatus, "firmware_status"),
        page!(
            "mips",
            mips_page::CommunicationErrors,
            "communication_errors"
        ),
        page!("tvcap", tvcap_page::Metrics, "metrics"),
        page!("tvcap", tvcap_page::CaptureStats, "capture_stats"),
        page!("tvcap", tvcap_page::BufferStatus, "buffer_status"),
        page!("tvcap", tvcap_page::SignalDetection, "signal_detection"),
        page!("tvcap", tvcap_page::FrameMetrics, "frame_metrics"),
    ]
}

/// A recorded page: its text and cuts, owned.
struct Recorded {
    text: Vec<u8>,
    cuts: Vec<Cut>,
}

/// Records `file` with `values`, its self-metric `series` counting
/// `truncations`; `None` if it cannot be replayed.
fn record(
    file: &File,
    series: &Series,
    truncations: &Counter,
    values: &PageValues,
) -> Option<Recorded> {
    let (device, name, render) = *file;
    let mut page = vec![0u8; 4096];
    let mut cuts = vec![Cut::default(); 512];
    let mut w = Writer::recording(&mut page, self_metric_len(device, name), &mut cuts);
    render(values, &mut w);
    w.finish_bounded(&TRUNCATED, series, truncations);
    let (len, n) = w.finish_recording()?;
    Some(Recorded {
        text: page[..len].to_vec(),
        cuts: cuts[..n].to_vec(),
    })
}

/// Replays `recorded` with `values`: the page, or `None` if the page
/// differs from the recorded one.
fn replay(
    file: &File,
    recorded: &Recorded,
    series: &Series,
    truncations: &Counter,
    values: &PageValues,
) -> Option<String> {
    let (device, name, render) = *file;
    let mut page = vec![0u8; 4096];
    let template = Template {
        text: &recorded.text,
        cuts: &recorded.cuts,
    };
    let mut kept = vec![0u64; recorded.cuts.len()];
    let mut w = Writer::replaying(
        &mut page,
        self_metric_len(device, name),
        template,
        &mut kept,
    );
    render(values, &mut w);
    w.finish_bounded(&TRUNCATED, series, truncations);
    let len = w.finish_replay()?;
    Some(String::from_utf8(page[..len].to_vec()).unwrap())
}

/// `file` rendered with `values`, as the show callback serves it.
fn rendered(file: &File, series: &Series, truncations: &Counter, values: &PageValues) -> String {
    let (device, name, render) = *file;
    let mut page = vec![0u8; 4096];
    let mut w = Writer::bounded(&mut page, self_metric_len(device, name));
    render(values, &mut w);
    let len = w.finish_bounded(&TRUNCATED, series, truncations);
    String::from_utf8(page[..len].to_vec()).unwrap()
}

fn self_metric(file: &File) -> Series {
    Series::new(&TRUNCATED, &[(DEVICE, file.0), (FILE, file.1)])
}

/// Value sets of different widths: idle (every value 0), typical, the
/// widest, and typical with a counter moved.
fn value_sets() -> Vec<PageValues> {
    let moved = PageValues::typical();
    moved.motor.movements.add(123_456_789);
    moved.register_writes[2].add(7);
    moved.tvcap.frames_captured.add(99_999);
    vec![
        PageValues::idle(),
        PageValues::typical(),
        PageValues::worst_case(),
        moved,
    ]
}

#[test]
fn every_page_replayed_is_the_page_rendered() {
    for file in files() {
        let series = self_metric(&file);
        let truncations = Counter::new();
        for recorded_with in value_sets() {
            let recorded = record(&file, &series, &truncations, &recorded_with)
                .unwrap_or_else(|| panic!("{}/{} was not recorded", file.0, file.1));
            assert!(
                !recorded.cuts.is_empty() && recorded.text.len() < 4096,
                "{}/{}: {} cuts, {} bytes",
                file.0,
                file.1,
                recorded.cuts.len(),
                recorded.text.len()
            );
            for values in value_sets() {
                let want = rendered(&file, &series, &truncations, &values);
                let got = replay(&file, &recorded, &series, &truncations, &values)
                    .unwrap_or_else(|| panic!("{}/{} was not replayed", file.0, file.1));
                assert_eq!(
                    got, want,
                    "{}/{}: the replayed page differs",
                    file.0, file.1
                );
            }
        }
    }
}

#[test]
fn a_page_with_other_families_is_not_replayed() {
    // The motor's limit switch, read or not: a family more or less.
    let file = files()[0];
    let series = self_metric(&file);
    let truncations = Counter::new();
    let read = PageValues::typical();
    let mut unread = PageValues::typical();
    unread.limit_active = None;
    for (recorded_with, replayed_with) in [(&read, &unread), (&unread, &read)] {
        let recorded = record(&file, &series, &truncations, recorded_with).unwrap();
        assert!(
            replay(&file, &recorded, &series, &truncations, replayed_with).is_none(),
            "a page with another set of families was replayed"
        );
        // Its own values replay.
        assert_eq!(
            replay(&file, &recorded, &series, &truncations, recorded_with).unwrap(),
            rendered(&file, &series, &truncations, recorded_with)
        );
    }
    // Another file's recording does not replay this one.
    let other = files()[1];
    let recorded = record(&other, &self_metric(&other), &truncations, &read).unwrap();
    assert!(replay(&file, &recorded, &series, &truncations, &read).is_none());
}

#[test]
fn a_recording_cut_short_or_without_room_is_refused() {
    let file = files()[0];
    let series = self_metric(&file);
    let truncations = Counter::new();
    let values = PageValues::typical();
    // Too few cuts.
    let mut page = vec![0u8; 4096];
    let mut cuts = vec![Cut::default(); 3];
    let mut w = Writer::recording(&mut page, self_metric_len(file.0, file.1), &mut cuts);
    (file.2)(&values, &mut w);
    w.finish_bounded(&TRUNCATED, &series, &truncations);
    assert!(
        w.finish_recording().is_none(),
        "a recording without room for its cuts was kept"
    );
    // A page too small for the text.
    let mut page = vec![0u8; 1024];
    let mut cuts = vec![Cut::default(); 512];
    let mut w = Writer::recording(&mut page, self_metric_len(file.0, file.1), &mut cuts);
    (file.2)(&values, &mut w);
    w.finish_bounded(&TRUNCATED, &series, &truncations);
    assert!(
        w.finish_recording().is_none(),
        "a recording cut short was kept"
    );
    assert_eq!(truncations.get(), 0, "recording counted a truncation");
}

#[test]
fn a_sample_of_another_family_is_not_replayed() {
    // Two pages with as many values of the same kinds, from other families.
    use hy300_prometheus::Family;
    const TEMPERATURE: Family = Family::gauge("hy300_test_temperature", "Temperature.");
    const VOLTAGE: Family = Family::gauge("hy300_test_voltage", "Voltage.");
    let mut page = vec![0u8; 4096];
    let mut cuts = vec![Cut::default(); 8];
    let mut w = Writer::recording(&mut page, 0, &mut cuts);
    w.gauge(&TEMPERATURE, 40u64);
    let (len, n) = w.finish_recording().unwrap();
    let (text, cuts) = (page[..len].to_vec(), cuts[..n].to_vec());
    assert_eq!(n, 1);
    let template = Template {
        text: &text,
        cuts: &cuts,
    };
    for (family, name, replayed) in [
        (&TEMPERATURE, "hy300_test_temperature", true),
        (&VOLTAGE, "hy300_test_voltage", false),
    ] {
        let mut out = vec![0u8; 4096];
        let mut kept = [0u64; 8];
        let mut w = Writer::replaying(&mut out, 0, template, &mut kept);
        w.gauge(family, 41u64);
        assert_eq!(
            w.finish_replay().is_some(),
            replayed,
            "{name} replayed over the recording of hy300_test_temperature"
        );
    }
}
