// SPDX-License-Identifier: GPL-2.0
//! Behaviour of the writer: exact output, escaping, overflow, strict parsing.

mod common;

use common::{page, render, Samples};
use hy300_prometheus::{
    ConstFamily, Counter, Family, Gauge, Histogram, LabelName, MetricType, Series, Value, Writer,
};
use openmetrics_parser::prometheus::parse_prometheus;
use proptest::prelude::*;

const FRAMES: Family = Family::counter("hy300_test_frames_total", "Frames captured.");
const RATIO: Family = Family::gauge("hy300_test_buffer_usage_ratio", "Share of buffers in use.");
const LATENCY: Family = Family::histogram("hy300_test_step_duration_seconds", "Step time.");
const REGISTER: LabelName = LabelName::new("register");
const STAGE: LabelName = LabelName::new("stage");
static LATENCY_BOUNDS: [u64; 3] = [1_000_000, 10_000_000, 100_000_000];

fn text(buf: &[u8], len: usize) -> &str {
    std::str::from_utf8(&buf[..len]).unwrap()
}

#[test]
fn renders_the_exact_exposition_text() {
    let frames = Counter::new();
    frames.add(15678);
    let h = Histogram::new(&LATENCY_BOUNDS, 9);
    for ns in [500_000, 2_000_000, 2_000_000, 1_000_000_000] {
        h.observe(ns);
    }
    let mut buf = [0u8; 4096];
    let mut w = Writer::new(&mut buf);
    w.counter(&FRAMES, &frames);
    w.gauge(&RATIO, Value::Fixed { raw: 750, scale: 3 });
    w.histogram(&LATENCY, &h);
    let len = w.finish().unwrap();
    assert_eq!(
        text(&buf, len),
        "# HELP hy300_test_frames_total Frames captured.\n\
         # TYPE hy300_test_frames_total counter\n\
         hy300_test_frames_total 15678\n\
         # HELP hy300_test_buffer_usage_ratio Share of buffers in use.\n\
         # TYPE hy300_test_buffer_usage_ratio gauge\n\
         hy300_test_buffer_usage_ratio 0.75\n\
         # HELP hy300_test_step_duration_seconds Step time.\n\
         # TYPE hy300_test_step_duration_seconds histogram\n\
         hy300_test_step_duration_seconds_bucket{le=\"0.001\"} 1\n\
         hy300_test_step_duration_seconds_bucket{le=\"0.01\"} 3\n\
         hy300_test_step_duration_seconds_bucket{le=\"0.1\"} 3\n\
         hy300_test_step_duration_seconds_bucket{le=\"+Inf\"} 4\n\
         hy300_test_step_duration_seconds_sum 1.0045\n\
         hy300_test_step_duration_seconds_count 4\n"
    );
}

#[test]
fn escapes_label_values_and_help() {
    const F: Family = Family::gauge("hy300_test_escape", "back\\slash\nnewline \"quotes\" stay");
    let mut buf = [0u8; 512];
    let mut w = Writer::new(&mut buf);
    w.family(&F, |f| f.sample(&[(REGISTER, "a\"b\\c\nd")], 1u64));
    let len = w.finish().unwrap();
    assert_eq!(
        text(&buf, len),
        "# HELP hy300_test_escape back\\\\slash\\nnewline \"quotes\" stay\n\
         # TYPE hy300_test_escape gauge\n\
         hy300_test_escape{register=\"a\\\"b\\\\c\\nd\"} 1\n"
    );
    let parsed = parse_prometheus(text(&buf, len)).unwrap();
    assert!(parsed.families.contains_key("hy300_test_escape"));
}

/// The exposition format's escaping, written independently of the writer:
/// `\\` and newline always, `"` inside label values only.
fn escape(s: &str, quote: bool) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '"' if quote => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out
}

/// Values made of nothing but the characters that need escaping, alone,
/// repeated and mixed, next to plain text: the writer's check for "nothing
/// to escape" must not let any of them through unescaped.
const TRICKY: &[&str] = &[
    "", "plain", "\\", "\\\\", "\n", "\n\n", "\"", "\"\"", "\\\n\"", "a\\", "\"a", "a\nb",
];

#[test]
fn escaping_matches_the_format_for_every_special_character() {
    for &value in TRICKY {
        let mut buf = [0u8; 512];
        let mut w = Writer::new(&mut buf);
        w.family(&RATIO, |f| f.sample(&[(REGISTER, value)], 1u64));
        let len = w.finish().unwrap();
        let expected = format!(
            "hy300_test_buffer_usage_ratio{{register=\"{}\"}} 1\n",
            escape(value, true)
        );
        assert!(
            text(&buf, len).ends_with(&expected),
            "{value:?}: {}",
            text(&buf, len)
        );
        // The help text takes the same escaping without the quote.
        if value.is_empty() {
            continue; // every family needs HELP text
        }
        let help: &'static str = Box::leak(value.to_owned().into_boxed_str());
        let family = Family::gauge("hy300_test_escape", help);
        let mut buf = [0u8; 512];
        let mut w = Writer::new(&mut buf);
        w.gauge(&family, 0u64);
        let len = w.finish().unwrap();
        let expected = format!("# HELP hy300_test_escape {}\n", escape(help, false));
        assert!(
            text(&buf, len).starts_with(&expected),
            "{help:?}: {}",
            text(&buf, len)
        );
    }
}

#[test]
fn several_labels_are_comma_separated_in_order() {
    let h = Histogram::new(&LATENCY_BOUNDS, 9);
    h.observe(5);
    let mut buf = [0u8; 2048];
    let mut w = Writer::new(&mut buf);
    w.family(&RATIO, |f| {
        f.sample(&[(REGISTER, "cmd"), (STAGE, "load")], 1u64)
    });
    w.family(&LATENCY, |f| {
        f.histogram(&[(REGISTER, "cmd"), (STAGE, "load")], &h.snapshot())
    });
    let len = w.finish().unwrap();
    let out = text(&buf, len);
    assert!(
        out.contains("hy300_test_buffer_usage_ratio{register=\"cmd\",stage=\"load\"} 1\n"),
        "{out}"
    );
    assert!(
        out.contains("_bucket{register=\"cmd\",stage=\"load\",le=\"+Inf\"} 1\n"),
        "{out}"
    );
    let parsed = parse_prometheus(out).unwrap();
    let ratio = &parsed.families["hy300_test_buffer_usage_ratio"];
    let sample = ratio.iter_samples().next().unwrap();
    let labels = sample.get_labelset().unwrap();
    assert_eq!(labels.get_label_value("register"), Some("cmd"));
    assert_eq!(labels.get_label_value("stage"), Some("load"));
}

#[test]
fn gauge_cell_writes_the_cell_value() {
    let g = Gauge::new();
    g.set(-42);
    let mut cell = [0u8; 512];
    let mut w = Writer::new(&mut cell);
    w.gauge_cell(&RATIO, &g);
    let len = w.finish().unwrap();
    let out = text(&cell, len);
    assert!(
        out.ends_with(&format!("\nhy300_test_buffer_usage_ratio {}\n", g.get())),
        "{out}"
    );
    // The same page as writing the value read from the cell.
    let mut value = [0u8; 512];
    let mut w = Writer::new(&mut value);
    w.gauge(&RATIO, g.get());
    assert_eq!(w.finish(), Ok(len));
    assert_eq!(value, cell);
}

#[test]
fn accessors_agree_with_finish() {
    let frames = Counter::new();
    let mut full = [0u8; 4096];
    let mut w = Writer::new(&mut full);
    assert!(w.is_empty());
    assert_eq!(w.len(), 0);
    assert_eq!(w.as_bytes(), b"");
    assert!(!w.is_truncated());
    w.counter(&FRAMES, &frames);
    let first = w.as_bytes().to_vec();
    assert_eq!(w.len(), first.len());
    assert!(!w.is_empty());
    assert!(!w.is_truncated());
    w.gauge(&RATIO, 1u64);
    let both = w.as_bytes().to_vec();
    assert_eq!(w.finish(), Ok(both.len()));
    assert_eq!(w.len(), both.len());
    assert_eq!(&full[..both.len()], &both[..]);
    assert!(both.starts_with(&first) && both.len() > first.len());

    // Room for the first family only: the accessors report that prefix.
    let mut buf = vec![0u8; both.len() - 1];
    let mut w = Writer::new(&mut buf);
    w.counter(&FRAMES, &frames);
    w.gauge(&RATIO, 1u64);
    assert!(w.is_truncated());
    assert!(!w.is_empty());
    assert_eq!(w.len(), first.len());
    assert_eq!(w.as_bytes(), &first[..]);
    assert_eq!(w.finish().unwrap_err().written, first.len());
}

#[test]
fn labelled_histogram_puts_le_last() {
    let h = Histogram::new(&LATENCY_BOUNDS, 9);
    h.observe(5);
    let mut buf = [0u8; 1024];
    let mut w = Writer::new(&mut buf);
    w.family(&LATENCY, |f| {
        f.histogram(&[(REGISTER, "cmd")], &h.snapshot())
    });
    let len = w.finish().unwrap();
    let out = text(&buf, len);
    assert!(
        out.contains("_bucket{register=\"cmd\",le=\"+Inf\"} 1\n"),
        "{out}"
    );
    assert!(
        out.contains("_sum{register=\"cmd\"} 0.000000005\n"),
        "{out}"
    );
}

#[test]
fn type_mismatched_samples_are_not_written() {
    let h = Histogram::new(&LATENCY_BOUNDS, 9);
    let mut buf = [0u8; 1024];
    let mut w = Writer::new(&mut buf);
    w.family(&FRAMES, |f| {
        f.histogram(&[], &h.snapshot());
        f.sample(&[], -5i64);
    });
    w.family(&LATENCY, |f| f.sample(&[], 3u64));
    let len = w.finish().unwrap();
    let out = text(&buf, len);
    assert!(out.contains("hy300_test_frames_total 0\n"), "{out}");
    assert!(!out.contains("_bucket"), "{out}");
    assert!(!out.contains("hy300_test_step_duration_seconds 3"), "{out}");
}

#[test]
fn overflow_keeps_whole_families_only() {
    let frames = Counter::new();
    let mut full = [0u8; 4096];
    let mut w = Writer::new(&mut full);
    w.counter(&FRAMES, &frames);
    w.gauge(&RATIO, 1u64);
    let full_len = w.finish().unwrap();
    let first_family_len = text(&full, full_len)
        .find("# HELP hy300_test_buffer")
        .unwrap();

    for size in 0..=full_len + 2 {
        let mut buf = vec![0xAAu8; size + 8];
        let mut w = Writer::new(&mut buf[..size]);
        w.counter(&FRAMES, &frames);
        w.gauge(&RATIO, 1u64);
        // Once truncated, later (even tiny) families are not written either.
        w.gauge(&Family::gauge("z", "z"), 0u64);
        let result = w.finish();
        let expect = if size >= full_len + "# HELP z z\n# TYPE z gauge\nz 0\n".len() {
            continue;
        } else if size >= full_len {
            full_len
        } else if size >= first_family_len {
            first_family_len
        } else {
            0
        };
        assert_eq!(result.unwrap_err().written, expect, "size {size}");
        assert_eq!(&buf[..expect], &full[..expect]);
        assert!(
            buf[size..].iter().all(|&b| b == 0xAA),
            "wrote past the buffer at size {size}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Every page parses strictly and carries exactly the families rendered.
    #[test]
    fn pages_parse_strictly(specs in page(6)) {
        let mut buf = vec![0u8; 64 * 1024];
        let len = render(&specs, &mut buf).unwrap();
        let out = std::str::from_utf8(&buf[..len]).unwrap();
        let parsed = parse_prometheus(out).map_err(|e| TestCaseError::fail(format!("{e:?}\n{out}")))?;
        prop_assert_eq!(parsed.families.len(), specs.len());
        for spec in &specs {
            let fam = &parsed.families[&spec.name];
            prop_assert_eq!(fam.iter_samples().count(), spec.series());
            prop_assert_eq!(&fam.help, &spec.help);
        }
    }

    /// In any buffer size the output is a prefix of whole families that
    /// parses, ends at a line boundary, and never exceeds the buffer.
    #[test]
    fn any_buffer_size_yields_a_valid_prefix(specs in page(4), size in 0usize..3000) {
        let mut full = vec![0u8; 64 * 1024];
        let full_len = render(&specs, &mut full).unwrap();
        let mut buf = vec![0u8; size];
        let len = match render(&specs, &mut buf) {
            Ok(len) => { prop_assert_eq!(len, full_len); len }
            Err(t) => { prop_assert!(size < full_len); t.written }
        };
        prop_assert!(len <= size);
        prop_assert_eq!(&buf[..len], &full[..len]);
        prop_assert!(len == 0 || buf[len - 1] == b'\n');
        // An empty page is valid exposition text; the strict parser wants a family.
        if len > 0 {
            parse_prometheus(std::str::from_utf8(&buf[..len]).unwrap())
                .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        }
    }

    /// A counter writes a non-negative value exactly as a gauge does and a
    /// negative one as 0, whatever the value's kind.
    #[test]
    fn counters_clamp_only_negative_values(value in common::value()) {
        let sample_line = |family: &Family| {
            let mut buf = [0u8; 512];
            let mut w = Writer::new(&mut buf);
            w.family(family, |f| f.sample(&[], value));
            let len = w.finish().unwrap();
            let out = text(&buf, len).to_owned();
            out.lines().last().unwrap().rsplit_once(' ').unwrap().1.to_owned()
        };
        let negative = match value {
            Value::Unsigned(_) => false,
            Value::Signed(v) => v < 0,
            Value::Fixed { raw, .. } => raw < 0,
        };
        let counter = sample_line(&FRAMES);
        prop_assert_eq!(FRAMES.kind(), MetricType::Counter);
        if negative {
            prop_assert_eq!(counter, "0");
        } else {
            prop_assert_eq!(counter, sample_line(&RATIO));
        }
    }

    /// Histogram `_count` equals the `+Inf` bucket and buckets are monotonic.
    #[test]
    fn histogram_series_are_consistent(obs in prop::collection::vec(any::<u64>().prop_map(|v| v % 4_000_000_000), 0..200)) {
        let spec = common::FamilySpec {
            name: "hy300_observed_steps".into(), help: "h".into(), label: None,
            label_values: vec![String::new()], samples: Samples::Histogram(vec![obs.clone()]),
        };
        let mut buf = vec![0u8; 4096];
        let len = render(std::slice::from_ref(&spec), &mut buf).unwrap();
        let out = std::str::from_utf8(&buf[..len]).unwrap();
        let mut last = 0u64;
        let mut inf = None;
        let mut count = None;
        for line in out.lines().filter(|l| !l.starts_with('#')) {
            let (series, value) = line.rsplit_once(' ').unwrap();
            let value: u64 = value.parse().unwrap_or(0);
            if series.contains("_bucket") {
                prop_assert!(value >= last);
                last = value;
                if series.contains("+Inf") { inf = Some(value); }
            } else if series.ends_with("_count") {
                count = Some(value);
            }
        }
        prop_assert_eq!(inf, Some(obs.len() as u64));
        prop_assert_eq!(count, inf);
    }
}

#[test]
fn a_constant_series_writes_what_sample_writes() {
    const F: Family = Family::counter("hy300_test_series_total", "Series.");
    const G: Family = Family::gauge("hy300_test_other", "Other.");
    // Escaped at compile time: every character that needs it.
    const ODD: Series = Series::new(&F, &[(REGISTER, "a\"b\\c\nd"), (STAGE, "x")]);
    const PLAIN: Series = Series::new(&F, &[]);
    const OTHER: Series = Series::new(&G, &[(STAGE, "y")]);
    let mut a = [0u8; 512];
    let mut wa = Writer::new(&mut a);
    wa.family(&F, |f| {
        f.series(&ODD, 7u64);
        f.series(&PLAIN, -3i64);
        // Another family's series is not written.
        f.series(&OTHER, 1u64);
    });
    let mut b = [0u8; 512];
    let mut wb = Writer::new(&mut b);
    wb.family(&F, |f| {
        f.sample(&[(REGISTER, "a\"b\\c\nd"), (STAGE, "x")], 7u64);
        f.sample(&[], -3i64);
    });
    assert_eq!(wa.as_bytes(), wb.as_bytes());
    assert_eq!(
        std::str::from_utf8(wa.as_bytes()).unwrap(),
        "# HELP hy300_test_series_total Series.\n\
         # TYPE hy300_test_series_total counter\n\
         hy300_test_series_total{register=\"a\\\"b\\\\c\\nd\",stage=\"x\"} 7\n\
         hy300_test_series_total 0\n"
    );
}

/// A page of constant series writes what the same samples with labels
/// (written piece by piece) write, at every buffer size, in a plain and in
/// a bounded writer: the one-check line path falls back near the end.
#[test]
fn constant_series_write_what_samples_write_at_every_size() {
    const G: Family = Family::gauge("hy300_test_level", "Level.");
    const A: Series = Series::new(&FRAMES, &[(STAGE, "input")]);
    const B: Series = Series::new(&FRAMES, &[(REGISTER, "a\"b"), (STAGE, "out")]);
    const L: Series = Series::new(&G, &[(STAGE, "0")]);
    fn series(w: &mut Writer<'_>) {
        w.family(&FRAMES, |f| {
            f.series(&A, 1_234_567u64);
            f.series(&B, u64::MAX);
        });
        w.family(&G, |f| {
            f.series(&L, -7i64);
            f.series(&L, 0u64);
        });
    }
    fn samples(w: &mut Writer<'_>) {
        w.family(&FRAMES, |f| {
            f.sample(&[(STAGE, "input")], 1_234_567u64);
            f.sample(&[(REGISTER, "a\"b"), (STAGE, "out")], u64::MAX);
        });
        w.family(&G, |f| {
            f.sample(&[(STAGE, "0")], -7i64);
            f.sample(&[(STAGE, "0")], 0u64);
        });
    }
    let mut whole = [0u8; 1024];
    let mut w = Writer::new(&mut whole);
    series(&mut w);
    let len = w.finish().unwrap();
    for size in 0..=len + 200 {
        for bounded in [false, true] {
            let (mut a, mut b) = (vec![0u8; size], vec![0u8; size]);
            let (mut wa, mut wb) = if bounded {
                (Writer::bounded(&mut a, 0), Writer::bounded(&mut b, 0))
            } else {
                (Writer::new(&mut a), Writer::new(&mut b))
            };
            series(&mut wa);
            samples(&mut wb);
            assert_eq!(wa.finish(), wb.finish(), "size {size} bounded {bounded}");
            assert_eq!(
                wa.as_bytes(),
                wb.as_bytes(),
                "size {size} bounded {bounded}"
            );
        }
    }
}

/// A histogram (its lines written after one bounds check each) is
/// written whole or not at all at every buffer size, after the families
/// before it, in a plain and in a bounded writer (where its one series is
/// one sample, and a family without a sample that fits is left out).
#[test]
fn histograms_are_whole_at_every_size() {
    let h = Histogram::new(&LATENCY_BOUNDS, 9);
    for ns in [500_000, 2_000_000, 2_000_000, 1_000_000_000] {
        h.observe(ns);
    }
    let frames = Counter::new();
    frames.add(42);
    let render = |w: &mut Writer<'_>| {
        w.counter(&FRAMES, &frames);
        w.histogram(&LATENCY, &h);
    };
    let mut whole = [0u8; 1024];
    let mut w = Writer::new(&mut whole);
    render(&mut w);
    let len = w.finish().unwrap();
    let text = whole[..len].to_vec();
    // The counter family ends where the histogram's header starts.
    let first = text.windows(7).rposition(|x| x == b"# HELP ").unwrap();
    for size in 0..=len + 200 {
        for bounded in [false, true] {
            let mut buf = vec![0u8; size];
            let mut w = if bounded {
                Writer::bounded(&mut buf, 0)
            } else {
                Writer::new(&mut buf)
            };
            render(&mut w);
            let room = if bounded {
                size.saturating_sub(1)
            } else {
                size
            };
            let expected: &[u8] = if room >= len {
                &text
            } else if room >= first {
                &text[..first]
            } else {
                &[]
            };
            assert_eq!(
                w.as_bytes(),
                expected,
                "size {size} bounded {bounded}: {}",
                String::from_utf8_lossy(w.as_bytes())
            );
            assert_eq!(w.is_truncated(), room < len, "size {size}");
        }
    }
}

/// `counter` and `gauge` write what `family` with one unlabelled sample
/// writes: for a counter, a gauge, a histogram family (its header only),
/// a family whose header did not fit its compile-time block, and a
/// negative counter value (0), at every buffer size.
#[test]
fn one_sample_families_write_what_family_writes() {
    const LONG: Family = Family::gauge(
        "hy300_test_long_help",
        "A help text longer than the compile-time header block: it is written piece by piece, \
         with a backslash \\ and a newline \n escaped, so that the one-sample path must fall \
         back to the general one.",
    );
    let cases: [(Family, Value); 6] = [
        (FRAMES, Value::Unsigned(7)),
        (FRAMES, Value::Signed(-3)),
        (
            RATIO,
            Value::Fixed {
                raw: -1250,
                scale: 3,
            },
        ),
        (LATENCY, Value::Unsigned(5)),
        (LONG, Value::Signed(-42)),
        (LONG, Value::Unsigned(u64::MAX)),
    ];
    for (family, value) in cases {
        let mut whole = [0u8; 1024];
        let mut w = Writer::new(&mut whole);
        w.family(&family, |f| f.sample(&[], value));
        let expected = w.finish().map(|len| whole[..len].to_vec());
        // Up to past the room the one-sample path needs (block + 64).
        for size in 0..=expected.as_ref().map_or(0, Vec::len) + 300 {
            let mut a = vec![0u8; size];
            let mut b = vec![0u8; size];
            let mut wa = Writer::new(&mut a);
            wa.family(&family, |f| f.sample(&[], value));
            let mut wb = Writer::new(&mut b);
            match value {
                Value::Unsigned(v) if family.kind() == MetricType::Counter => {
                    let c = Counter::new();
                    c.add(v);
                    wb.counter(&family, &c);
                }
                v => wb.gauge(&family, v),
            }
            assert_eq!(wa.finish(), wb.finish(), "{} size {size}", family.name());
            assert_eq!(
                wa.as_bytes(),
                wb.as_bytes(),
                "{} size {size}",
                family.name()
            );
        }
        let text = String::from_utf8(expected.unwrap()).unwrap();
        match family.kind() {
            MetricType::Histogram => assert!(
                !text.contains("\nhy300_test_step_duration_seconds "),
                "{text}"
            ),
            _ => assert!(
                text.lines().last().unwrap().starts_with(family.name()),
                "{text}"
            ),
        }
    }
}

/// After `finish_bounded`, `is_truncated` still tells that the page was cut
/// (the caller logs on it), and only then.
#[test]
fn a_bounded_page_reports_its_truncation_after_the_self_metric() {
    const TRUNCATED: Family = Family::counter("hy300_metrics_truncated_total", "Cut reads.");
    const FILE: LabelName = LabelName::new("file");
    let reserve = TRUNCATED.max_page_len_of::<u64>(1, FILE.pair_len("x"));
    for (size, cut) in [(reserve + 60, true), (reserve + 400, false)] {
        let mut page = vec![0u8; size];
        let count = Counter::new();
        let mut w = Writer::bounded(&mut page, reserve);
        w.family(&FRAMES, |f| {
            for i in 0..3u64 {
                f.sample(&[(STAGE, "s")], i);
            }
        });
        let len = w.finish_bounded(&TRUNCATED, &Series::new(&TRUNCATED, &[(FILE, "x")]), &count);
        assert!(len < size);
        assert_eq!(w.is_truncated(), cut, "size {size}");
        assert_eq!(count.get(), u64::from(cut), "size {size}");
    }
}

/// Twenty label values: more than `Writer::each` unrolls (16).
const MANY: [&str; 20] = [
    "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "r13", "r14",
    "r15", "r16", "r17", "r18", "r19",
];
const ACCESS: Family = Family::counter("hy300_test_register_access_total", "Accesses.");
const SIZE: Family = Family::gauge("hy300_test_region_size_bytes", "Region sizes.");
const MANY_SERIES: [Series; 20] = Series::each(&ACCESS, REGISTER, &MANY);
const FEW_SERIES: [Series; 3] = Series::each(&ACCESS, REGISTER, &["cmd", "status", "data"]);
const SIZES: ConstFamily = ConstFamily::each(
    &SIZE,
    REGISTER,
    &["boot", "firmware", "debug", "frame"],
    &[0, 9, 4096, u64::MAX],
);

/// The family through `family` and one `series` per value.
fn by_series<const N: usize>(family: &Family, series: &[Series; N], values: [u64; N]) -> String {
    let mut buf = [0u8; 4096];
    let mut w = Writer::new(&mut buf);
    w.family(family, |f| {
        for (s, v) in series.iter().zip(values) {
            f.series(s, v);
        }
    });
    let len = w.finish().unwrap();
    text(&buf, len).to_string()
}

#[test]
fn each_writes_what_the_series_write() {
    let many: [u64; 20] = std::array::from_fn(|i| (i as u64) * 1_000_003);
    for (series, values) in [
        (&MANY_SERIES[..], &many[..]),
        (&FEW_SERIES[..], &[7, 0, u64::MAX][..]),
    ] {
        let mut buf = [0u8; 4096];
        let mut w = Writer::new(&mut buf);
        match series.len() {
            20 => w.each(&ACCESS, &MANY_SERIES, many),
            _ => w.each(&ACCESS, &FEW_SERIES, [7u64, 0, u64::MAX]),
        }
        let len = w.finish().unwrap();
        let expected = match series.len() {
            20 => by_series(&ACCESS, &MANY_SERIES, many),
            _ => by_series(&ACCESS, &FEW_SERIES, [7, 0, u64::MAX]),
        };
        assert_eq!(
            text(&buf, len),
            expected,
            "each: {} series differ from family + series",
            values.len()
        );
        assert_eq!(
            expected.lines().count(),
            2 + values.len(),
            "each: a line per series"
        );
    }
}

#[test]
fn a_constant_family_is_its_series_text() {
    let mut buf = [0u8; 4096];
    let mut w = Writer::new(&mut buf);
    w.constant(&SIZES);
    let len = w.finish().unwrap();
    let series: [Series; 4] =
        Series::each(&SIZE, REGISTER, &["boot", "firmware", "debug", "frame"]);
    assert_eq!(
        text(&buf, len),
        by_series(&SIZE, &series, [0, 9, 4096, u64::MAX]),
        "constant family: not the text of its series"
    );
    // Written whole or not at all: one byte short leaves nothing.
    let mut small = vec![0u8; len - 1];
    let mut w = Writer::new(&mut small);
    w.counter(&FRAMES, &Counter::new());
    let before = w.len();
    w.constant(&SIZES);
    assert_eq!(
        w.finish(),
        Err(hy300_prometheus::Truncated { written: before }),
        "constant family: a family that does not fit is dropped whole"
    );
}
