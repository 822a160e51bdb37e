// SPDX-License-Identifier: GPL-2.0
//! Cross-check: `promtool check metrics` (the Prometheus project's own parser
//! and linter) accepts every page the writer produces, with no findings.

mod common;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::io::Write;
use std::process::{Command, Stdio};

fn promtool_check(page: &[u8]) -> (bool, String) {
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool not found: scripts/install-deps installs Debian's prometheus package");
    child.stdin.take().unwrap().write_all(page).unwrap();
    let out = child.wait_with_output().unwrap();
    let findings =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    (out.status.success() && findings.trim().is_empty(), findings)
}

#[test]
fn promtool_rejects_a_broken_page() {
    // Proves the check below can fail: a counter without _total and a bad line.
    let (ok, findings) = promtool_check(b"# HELP x y\n# TYPE x counter\nx 1\nbad line here\n");
    assert!(!ok, "{findings}");
}

#[test]
fn promtool_accepts_every_generated_page() {
    let cases: usize = std::env::var("PROMTOOL_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let seed = [7u8; 32];
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed),
    );
    let strategy = common::page(6);
    for case in 0..cases {
        let specs = strategy.new_tree(&mut runner).unwrap().current();
        for size in [64 * 1024, 4096, 700] {
            let mut buf = vec![0u8; size];
            let len = match common::render(&specs, &mut buf) {
                Ok(len) => len,
                Err(t) => t.written,
            };
            let (ok, findings) = promtool_check(&buf[..len]);
            assert!(
                ok,
                "case {case}, buffer {size}: promtool findings:\n{findings}\npage:\n{}",
                String::from_utf8_lossy(&buf[..len])
            );
        }
    }
}
