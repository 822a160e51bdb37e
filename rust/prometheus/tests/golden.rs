// SPDX-License-Identifier: GPL-2.0
//! Golden pages: the three device `metrics` pages, served as the show
//! callback serves them (a bounded page and its self-metric), must render
//! byte for byte as recorded in tests/golden/ (recorded with the writer of
//! commit 99db4c1, before the fast paths; re-recorded when the pages got
//! their self-metric and lost the families kept to topic files).
//! `HY300_BLESS=1 cargo test --test golden` rewrites the files; a changed
//! page is then a reviewed diff.

mod pages;

use hy300_prometheus::{Counter, Writer};
use pages::PageValues;
use std::path::PathBuf;

type Render = fn(&PageValues, &mut Writer<'_>);

/// (device, its `metrics` file): the drivers' own page layouts
/// (drivers/*/page.rs, included by tests/pages/mod.rs).
const PAGES: [(&str, Render); 3] = [
    ("motor", pages::motor_metrics),
    ("mips", pages::mips),
    ("tvcap", pages::tvcap),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `device`'s `metrics` file as its show callback serves it.
fn render(device: &'static str, page: Render, values: &PageValues) -> String {
    let mut buf = [0u8; 4096];
    let truncations = Counter::new();
    let len = pages::served(&mut buf, device, "metrics", &truncations, |w| {
        page(values, w)
    });
    assert_eq!(truncations.get(), 0, "{device}: cut short");
    String::from_utf8(buf[..len].to_vec()).unwrap()
}

/// Rendered whole with a plain writer (no self-metric).
fn render_plain(page: Render, values: &PageValues) -> String {
    let mut buf = [0u8; 4096];
    let mut w = Writer::new(&mut buf);
    page(values, &mut w);
    let len = w.finish().expect("fits in 4096 bytes");
    String::from_utf8(buf[..len].to_vec()).unwrap()
}

fn check(name: &str, text: &str) {
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("HY300_BLESS").is_some() {
        std::fs::write(&path, text).unwrap();
        return;
    }
    let golden = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (HY300_BLESS=1 records it)", path.display()));
    if golden != text {
        let line = golden
            .lines()
            .zip(text.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(golden.lines().count().min(text.lines().count()));
        panic!(
            "{name} differs from {} at line {}:\n golden: {:?}\n now:    {:?}",
            path.display(),
            line + 1,
            golden.lines().nth(line),
            text.lines().nth(line)
        );
    }
}

#[test]
fn device_pages_match_their_golden_files() {
    let typical = PageValues::typical();
    let worst = PageValues::worst_case();
    for (name, page) in PAGES {
        check(
            &format!("{name}-typical.prom"),
            &render(name, page, &typical),
        );
        check(
            &format!("{name}-worst-case.prom"),
            &render(name, page, &worst),
        );
    }
}

/// The motor page (constant series, as the driver) is the page its
/// labels given at run time make.
#[test]
fn the_motor_page_with_run_time_labels_is_the_same_page() {
    for values in [PageValues::typical(), PageValues::worst_case()] {
        assert_eq!(
            render_plain(pages::motor_with_labels, &values),
            render_plain(pages::motor, &values)
        );
    }
}
