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

/// (device, its `metrics` file, its families in topic files only, source).
const PAGES: [(&str, Render, Render, &str); 3] = [
    (
        "motor",
        pages::motor_metrics,
        pages::motor_topic_only,
        "drivers/misc/hy300-keystone-motor/metrics.rs",
    ),
    (
        "mips",
        pages::mips,
        pages::mips_topic_only,
        "drivers/misc/sunxi-mipsloader/metrics.rs",
    ),
    (
        "tvcap",
        pages::tvcap,
        pages::tvcap_topic_only,
        "drivers/media/platform/sunxi/tvcap/metrics.rs",
    ),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `device`'s `metrics` file as its show callback serves it.
fn render(device: &str, page: Render, values: &PageValues) -> String {
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
    for (name, page, _, _) in PAGES {
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

/// `(kind, name, help)` of every `Family::kind("name", "help")` in `source`.
fn declared_families(source: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("Family::") {
        rest = &rest[at + "Family::".len()..];
        let Some(open) = rest.find('(') else { break };
        let kind = rest[..open].trim().to_string();
        if !["counter", "gauge", "histogram"].contains(&kind.as_str()) {
            continue;
        }
        let mut strings = rest[open..].split('"').skip(1).step_by(2);
        let (Some(name), Some(help)) = (strings.next(), strings.next()) else {
            break;
        };
        out.push((kind, name.to_string(), help.to_string()));
    }
    out
}

fn declared_in(source: &str) -> Vec<(String, String, String)> {
    let path = root().join("../..").join(source);
    let source =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    declared_families(&source)
}

/// Every family a driver declares is in its `metrics` file or in the
/// families kept to topic files, once, with the same HELP and TYPE; the
/// self-metric (declared by the class core) ends every page.
#[test]
fn host_pages_declare_the_drivers_families() {
    let typical = PageValues::typical();
    let core = declared_in("rust/hy300/class_device.rs");
    assert_eq!(core.len(), 1, "{core:?}");
    for (name, page, topic_only, source) in PAGES {
        let families = declared_in(source);
        assert!(families.len() >= 10, "{name}: {families:?}");
        let text = render(name, page, &typical) + &render_plain(topic_only, &typical);
        let headers = text.matches("# HELP ").count();
        assert_eq!(headers, families.len() + 1, "{name}: family count");
        for (kind, family, help) in families.iter().chain(&core) {
            let header = format!("# HELP {family} {help}\n# TYPE {family} {kind}\n");
            assert!(text.contains(&header), "{name}: {header:?} not rendered");
        }
    }
}
