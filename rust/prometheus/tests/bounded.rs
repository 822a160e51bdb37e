// SPDX-License-Identifier: GPL-2.0
//! Bounded pages (Writer::bounded / finish_bounded) and the compile-time
//! worst-case size of a page.

mod pages;

use hy300_prometheus::{Counter, Family, Histogram, Series, Writer};
use openmetrics_parser::prometheus::parse_prometheus;
use pages::*;

/// Room for the self-metric of the motor's `metrics` file.
const RESERVE: usize = self_metric_len("motor", "metrics");

/// The motor `metrics` file's longest text, computed at compile time from
/// its families, label values, value types and buckets by the driver's own
/// page table (drivers/misc/hy300-keystone-motor/page.rs: PAGES).
const MOTOR_MAX: usize = motor_page::PAGES[0].2;
const _: () = assert!(matches!(motor_page::PAGES[0].0, motor_page::Page::Metrics));

/// The step histogram's longest series.
const STEP_MAX: usize = Histogram::new(&STEP_BOUNDS, 9).max_series_len(&STEP_DURATION, 0);

// The page and its self-metric leave 10% of a 4096-byte page free (the
// driver asserts the same at build time).
const _: () = assert!(MOTOR_MAX + RESERVE <= PAGE_BUDGET);

fn render(page: &mut [u8], values: &PageValues) -> String {
    let mut w = Writer::new(page);
    motor_metrics(values, &mut w);
    let len = w.finish().unwrap();
    String::from_utf8(page[..len].to_vec()).unwrap()
}

#[test]
fn the_motor_worst_case_is_within_its_compile_time_bound() {
    let text = render(&mut [0u8; 4096], &PageValues::worst_case());
    assert!(text.len() <= MOTOR_MAX, "{} > {MOTOR_MAX}", text.len());
    println!(
        "motor page: worst case rendered {} bytes, compile-time bound {MOTOR_MAX}, self-metric reserve {RESERVE}, budget {PAGE_BUDGET}",
        text.len()
    );
    // Each family's text is within its own bound too.
    let header = TRUNCATED.header_len();
    assert_eq!(
        header,
        "# HELP hy300_metrics_truncated_total Reads cut short to fit a page.\n\
         # TYPE hy300_metrics_truncated_total counter\n"
            .len()
    );
    let step = text
        .lines()
        .filter(|l| l.starts_with("hy300_motor_step_duration_seconds"))
        .map(|l| l.len() + 1)
        .sum::<usize>();
    assert!(step <= STEP_MAX);
    let line = "hy300_motor_steps_total{direction=\"counter_clockwise\"} 18446744073709551615\n";
    assert!(text.contains(line));
    assert_eq!(
        line.len(),
        STEPS.max_page_len_of::<u64>(1, DIRECTION.pair_len("counter_clockwise"))
            - STEPS.header_len()
    );
    // The self-metric at its widest fills its reserve exactly.
    let mut page = [0u8; 4096];
    let huge = Counter::new();
    huge.add(u64::MAX - 1);
    let mut w = Writer::bounded(&mut page[..RESERVE + 1], RESERVE);
    let series = Series::new(&TRUNCATED, &[(DEVICE, "motor"), (FILE, "metrics")]);
    let len = w.finish_bounded(&TRUNCATED, &series, &huge);
    assert_eq!(len, RESERVE);
}

#[test]
fn escaped_label_values_and_help_are_counted_escaped() {
    assert_eq!(
        FILE.pair_len("a\"b\\c\nd"),
        "file=\"a\\\"b\\\\c\\nd\"".len()
    );
    const F: Family = Family::gauge("hy300_test_x", "back\\slash\nnewline");
    assert_eq!(
        F.header_len(),
        "# HELP hy300_test_x back\\\\slash\\nnewline\n# TYPE hy300_test_x gauge\n".len()
    );
}

/// Every page size: the output is below the page size, whole lines of the
/// full page followed by the self-metric, parses strictly, keeps each
/// histogram whole, and the truncation is counted when the page is cut.
#[test]
fn a_bounded_page_drops_whole_samples_and_counts_the_truncation() {
    let values = PageValues::typical();
    let full = render(&mut [0u8; 4096], &values);
    let truncations = Counter::new();
    let mut page = vec![0u8; 4096];
    for size in 0..=full.len() + RESERVE + 2 {
        let before = truncations.get();
        let len = served(&mut page[..size], "motor", "metrics", &truncations, |w| {
            motor_metrics(&values, w)
        });
        let cut = truncations.get() != before;
        assert!(len < size.max(1), "size {size}: {len} bytes");
        let text = std::str::from_utf8(&page[..len]).unwrap();
        let (body, self_metric) = match text.find("# HELP hy300_metrics_truncated_total") {
            Some(at) => text.split_at(at),
            None => (text, ""),
        };
        assert!(full.starts_with(body), "size {size}: not a prefix");
        assert!(body.is_empty() || body.ends_with('\n'));
        if size > RESERVE {
            assert!(
                self_metric.ends_with(&format!(
                    "hy300_metrics_truncated_total{{device=\"motor\",file=\"metrics\"}} {}\n",
                    truncations.get()
                )),
                "size {size}: {self_metric:?}"
            );
        }
        assert_eq!(cut, body.len() < full.len(), "size {size}");
        assert!(truncations.get() - before <= 1, "size {size}");
        if body.contains("_bucket{") {
            assert!(body.contains("hy300_motor_step_duration_seconds_count "));
        }
        if text.is_empty() {
            continue;
        }
        parse_prometheus(text).unwrap_or_else(|e| panic!("size {size}: {e:?}\n{text}"));
    }
}
