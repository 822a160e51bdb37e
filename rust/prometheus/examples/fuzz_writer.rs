// SPDX-License-Identifier: GPL-2.0
//! Time-bounded random testing ("fuzzing") of the writer on stable Rust:
//!
//!     cargo run --release --example fuzz_writer -- [--seconds N] [--seed S]
//!     cargo run --release --example fuzz_writer -- --execs N [--seed S]
//!
//! `--seconds` (default 20) bounds the run in time: the test run's short
//! version. `--execs` bounds it in executions instead, however long that
//! takes: the documented long run (10 million, Documentation/hy300/
//! testing.rst).
//!
//! Each execution renders a random page (random families, label values with
//! every character class that needs escaping, extreme values, histograms)
//! into a random-size buffer and checks: nothing past the buffer, the output
//! is a prefix of the unbounded rendering ending at a family boundary, it
//! ends with a newline, it parses with the strict openmetrics-parser, and
//! every histogram's `_count` equals its `+Inf` bucket. Prints executions
//! and findings; exits 1 on the first finding with the seed to replay it.

use hy300_prometheus::{Family, Histogram, LabelName, Value, Writer};
use openmetrics_parser::prometheus::parse_prometheus;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const KINDS: usize = 3;
const POOL: usize = 16;
static BOUNDS: [u64; 4] = [1_000, 1_000_000, 1_000_000_000, u64::MAX / 2];
const LABEL: LabelName = LabelName::new("label");
const PIECES: [&str; 12] = [
    "a", "Z", "0", " ", "\\", "\"", "\n", "é", "日本", "{", "}", "=",
];

/// Families with unique names, made once (names must be 'static).
fn families() -> Vec<Vec<Family>> {
    let help = ["plain help", "with \\ backslash", "two\nlines", "ünïcödé"];
    (0..KINDS)
        .map(|kind| {
            (0..POOL)
                .map(|i| {
                    let h = help[i % help.len()];
                    match kind {
                        0 => Family::counter(
                            Box::leak(format!("hy300_fuzz_c{i}_total").into_boxed_str()),
                            h,
                        ),
                        1 => {
                            Family::gauge(Box::leak(format!("hy300_fuzz_g{i}").into_boxed_str()), h)
                        }
                        _ => Family::histogram(
                            Box::leak(format!("hy300_fuzz_h{i}").into_boxed_str()),
                            h,
                        ),
                    }
                })
                .collect()
        })
        .collect()
}

fn label_value(rng: &mut Rng) -> String {
    (0..rng.below(6))
        .map(|_| PIECES[rng.below(PIECES.len() as u64) as usize])
        .collect()
}

fn value(rng: &mut Rng) -> Value {
    match rng.below(4) {
        0 => Value::Unsigned(rng.next()),
        1 => Value::Signed(rng.next() as i64),
        2 => Value::Fixed {
            raw: rng.next() as i64,
            scale: rng.below(25) as u32,
        },
        _ => Value::Unsigned([0, 1, u64::MAX][rng.below(3) as usize]),
    }
}

/// Renders one random page (deterministic in `seed`) into `buf`.
fn render(seed: u64, fams: &[Vec<Family>], buf: &mut [u8]) -> Result<usize, usize> {
    let mut rng = Rng(seed | 1);
    let mut w = Writer::new(buf);
    let count = 1 + rng.below(8) as usize;
    let start = rng.below(POOL as u64) as usize;
    for n in 0..count {
        let kind = rng.below(KINDS as u64) as usize;
        let family = &fams[kind][(start + n) % POOL];
        let series = 1 + rng.below(4);
        // Unique label values within the family.
        let values: Vec<String> = (0..series)
            .map(|i| format!("{i}{}", label_value(&mut rng)))
            .collect();
        let hists: Vec<Histogram<4>> = values
            .iter()
            .map(|_| {
                let h = Histogram::new(&BOUNDS, 9);
                for _ in 0..rng.below(20) {
                    h.observe(rng.next() >> rng.below(64));
                }
                h
            })
            .collect();
        let samples: Vec<Value> = values.iter().map(|_| value(&mut rng)).collect();
        w.family(family, |f| {
            for ((v, h), s) in values.iter().zip(&hists).zip(&samples) {
                let labels = [(LABEL, v.as_str())];
                if kind == 2 {
                    f.histogram(&labels, &h.snapshot());
                } else {
                    f.sample(&labels, *s);
                }
            }
        });
    }
    w.finish().map_err(|t| t.written)
}

fn check(seed: u64, fams: &[Vec<Family>], rng: &mut Rng) -> Result<(), String> {
    let mut full = vec![0u8; 1 << 16];
    let full_len =
        render(seed, fams, &mut full).map_err(|_| "64 KiB was not enough".to_string())?;
    let size = rng.below(full_len as u64 + 64) as usize;
    let mut buf = vec![0xA5u8; size + 32];
    let len = match render(seed, fams, &mut buf[..size]) {
        Ok(len) if len == full_len => len,
        Ok(len) => {
            return Err(format!(
                "complete render of {len} bytes, expected {full_len}"
            ))
        }
        Err(written) => written,
    };
    if len > size || buf[size..].iter().any(|&b| b != 0xA5) {
        return Err(format!("wrote past a {size}-byte buffer"));
    }
    if buf[..len] != full[..len] {
        return Err("output is not a prefix of the full rendering".into());
    }
    if len > 0 && buf[len - 1] != b'\n' {
        return Err("output does not end at a line boundary".into());
    }
    if len < full_len && !full[len..].starts_with(b"# HELP ") {
        return Err("truncated in the middle of a family".into());
    }
    if len == 0 {
        return Ok(());
    }
    let text = std::str::from_utf8(&buf[..len]).map_err(|e| format!("not UTF-8: {e}"))?;
    parse_prometheus(text).map_err(|e| format!("strict parser: {e:?}\n{text}"))?;
    // Each histogram series is written as its buckets (+Inf last), _sum,
    // then _count: every _count must repeat the +Inf bucket just before it.
    let mut last_inf: Option<&str> = None;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (series, v) = line.rsplit_once(' ').ok_or("no value")?;
        if series.contains("_bucket") && series.ends_with("le=\"+Inf\"}") {
            last_inf = Some(v);
        } else if series.starts_with("hy300_fuzz_h")
            && (series.contains("_count{") || series.ends_with("_count"))
        {
            if last_inf != Some(v) {
                return Err(format!("{series}: _count {v} != +Inf bucket {last_inf:?}"));
            }
            last_inf = None;
        }
    }
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str, default: u64| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let seconds = arg("--seconds", 20);
    let max_execs = arg("--execs", 0);
    let seed = arg("--seed", 0x9E37_79B9_7F4A_7C15);
    let mut rng = Rng(seed);
    let fams = families();
    let start = std::time::Instant::now();
    let mut executions = 0u64;
    let more = |executions: u64| {
        if max_execs > 0 {
            executions < max_execs
        } else {
            start.elapsed().as_secs() < seconds
        }
    };
    while more(executions) {
        let page = rng.next();
        if let Err(finding) = check(page, &fams, &mut rng) {
            println!(
                "fuzz_writer: FINDING after {executions} executions (--seed {seed}, page seed {page:#x}): {finding}"
            );
            std::process::exit(1);
        }
        executions += 1;
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "fuzz_writer: {executions} executions in {elapsed:.0} s ({:.0}/s, --seed {seed}), 0 findings",
        executions as f64 / elapsed
    );
}
