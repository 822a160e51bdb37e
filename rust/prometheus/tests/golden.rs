// SPDX-License-Identifier: GPL-2.0
//! Golden pages: the three device `metrics` pages must render byte for byte
//! as recorded in tests/golden/ (recorded with the writer of commit 99db4c1,
//! before the fast paths). `HY300_BLESS=1 cargo test --test golden` rewrites
//! the files; a changed page is then a reviewed diff.

mod pages;

use hy300_prometheus::Writer;
use pages::PageValues;
use std::path::PathBuf;

type Render = fn(&PageValues, &mut Writer<'_>);

const PAGES: [(&str, Render, &str); 3] = [
    (
        "motor",
        pages::motor,
        "drivers/misc/hy300-keystone-motor/metrics.rs",
    ),
    (
        "mips",
        pages::mips,
        "drivers/misc/sunxi-mipsloader/metrics.rs",
    ),
    (
        "tvcap",
        pages::tvcap,
        "drivers/media/platform/sunxi/tvcap/metrics.rs",
    ),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn render(page: Render, values: &PageValues) -> String {
    let mut buf = [0u8; 4096];
    let mut w = Writer::new(&mut buf);
    page(values, &mut w);
    let len = w.finish().expect("a device page fits in 4096 bytes");
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
    for (name, page, _) in PAGES {
        check(&format!("{name}-typical.prom"), &render(page, &typical));
        check(&format!("{name}-worst-case.prom"), &render(page, &worst));
    }
}

#[test]
fn the_motor_page_with_constant_series_is_the_same_page() {
    for (name, values) in [
        ("motor-typical.prom", PageValues::typical()),
        ("motor-worst-case.prom", PageValues::worst_case()),
    ] {
        check(name, &render(pages::motor_with_series, &values));
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

#[test]
fn host_pages_declare_the_drivers_families() {
    let typical = PageValues::typical();
    for (name, page, source) in PAGES {
        let path = root().join("../..").join(source);
        let source =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let families = declared_families(&source);
        assert!(families.len() >= 10, "{name}: {families:?}");
        let text = render(page, &typical);
        let headers = text.matches("# HELP ").count();
        assert_eq!(headers, families.len(), "{name}: family count");
        for (kind, family, help) in families {
            let header = format!("# HELP {family} {help}\n# TYPE {family} {kind}\n");
            assert!(text.contains(&header), "{name}: {header:?} not rendered");
        }
    }
}
