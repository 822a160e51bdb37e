// SPDX-License-Identifier: GPL-2.0
//! Reads exposition text on stdin and parses it with the strict
//! `openmetrics-parser` (an implementation independent of promtool's).
//! Exit 0 if it parses (empty input is valid), 1 with the error otherwise.

use std::io::Read;

fn main() {
    let mut text = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut text) {
        eprintln!("strict_check: input is not UTF-8 text: {e}");
        std::process::exit(1);
    }
    if text.is_empty() {
        return;
    }
    if !text.ends_with('\n') {
        eprintln!("strict_check: missing final newline");
        std::process::exit(1);
    }
    match openmetrics_parser::prometheus::parse_prometheus(&text) {
        Ok(parsed) => println!("strict_check: {} families", parsed.families.len()),
        Err(e) => {
            eprintln!("strict_check: {e:?}");
            std::process::exit(1);
        }
    }
}
