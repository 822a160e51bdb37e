// SPDX-License-Identifier: GPL-2.0
//! Random but valid metric pages for the writer tests and the fuzzer.
#![allow(dead_code)]

use hy300_prometheus::{Family, Histogram, LabelName, Value, Writer};
use proptest::prelude::*;

/// A family description that the tests render and then check.
#[derive(Clone, Debug)]
pub enum Samples {
    Counter(Vec<u64>),
    Gauge(Vec<Value>),
    Histogram(Vec<Vec<u64>>),
}

#[derive(Clone, Debug)]
pub struct FamilySpec {
    pub name: String,
    pub help: String,
    pub label: Option<String>,
    /// One label value per series (unique within the family).
    pub label_values: Vec<String>,
    pub samples: Samples,
}

pub static BOUNDS: [u64; 5] = [1_000, 10_000, 100_000, 1_000_000, 1_000_000_000];

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

impl FamilySpec {
    pub fn family(&self) -> Family {
        let (name, help) = (leak(&self.name), leak(&self.help));
        match self.samples {
            Samples::Counter(_) => Family::counter(name, help),
            Samples::Gauge(_) => Family::gauge(name, help),
            Samples::Histogram(_) => Family::histogram(name, help),
        }
    }

    pub fn series(&self) -> usize {
        match &self.samples {
            Samples::Counter(v) => v.len(),
            Samples::Gauge(v) => v.len(),
            Samples::Histogram(v) => v.len(),
        }
    }
}

/// Renders `specs` in order into `buf`, returning the writer's result.
pub fn render(specs: &[FamilySpec], buf: &mut [u8]) -> Result<usize, hy300_prometheus::Truncated> {
    let mut w = Writer::new(buf);
    for spec in specs {
        let family = spec.family();
        let label = spec.label.as_deref().map(|l| LabelName::new(leak(l)));
        w.family(&family, |f| {
            for i in 0..spec.series() {
                let labels_storage;
                let labels: &[(LabelName, &str)] = match label {
                    Some(l) => {
                        labels_storage = [(l, spec.label_values[i].as_str())];
                        &labels_storage
                    }
                    None => &[],
                };
                match &spec.samples {
                    Samples::Counter(v) => f.sample(labels, v[i]),
                    Samples::Gauge(v) => f.sample(labels, v[i]),
                    Samples::Histogram(v) => {
                        let h = Histogram::new(&BOUNDS, 9);
                        for &x in &v[i] {
                            h.observe(x);
                        }
                        f.histogram(labels, &h.snapshot());
                    }
                }
            }
        });
    }
    w.finish()
}

/// Any sample value: integers of both signs and fixed-point of every scale.
pub fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<u64>().prop_map(Value::Unsigned),
        any::<i64>().prop_map(Value::Signed),
        (any::<i64>(), 0u32..=18).prop_map(|(raw, scale)| Value::Fixed { raw, scale }),
    ]
}

fn samples(series: usize) -> impl Strategy<Value = Samples> {
    prop_oneof![
        prop::collection::vec(any::<u64>(), series).prop_map(Samples::Counter),
        prop::collection::vec(value(), series).prop_map(Samples::Gauge),
        prop::collection::vec(prop::collection::vec(0u64..2_000_000_000, 0..20), series)
            .prop_map(Samples::Histogram),
    ]
}

/// Label values with every character class that needs escaping.
fn label_value() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 _.\\-\"\\\\\n/é]{0,12}"
}

/// Name words that promtool's linter has nothing to say about.
const WORDS: &[&str] = &[
    "frames", "steps", "region", "queue", "signal", "firmware", "motor", "x9", "ab_cd",
];

fn family_spec(index: usize) -> impl Strategy<Value = FamilySpec> {
    (
        prop::collection::vec(prop::sample::select(WORDS), 1..4).prop_map(|w| w.join("_")),
        "[ -~\n\\\\]{1,40}",
        proptest::option::of("[a-z][a-z0-9_]{0,8}".prop_filter("le is reserved", |l| l != "le")),
        1usize..5,
    )
        .prop_flat_map(move |(stem, help, label, series)| {
            let series = if label.is_some() { series } else { 1 };
            (
                Just(stem),
                Just(help),
                Just(label),
                prop::collection::hash_set(label_value(), series),
                samples(series),
            )
        })
        .prop_map(move |(stem, help, label, values, samples)| {
            let suffix = if matches!(samples, Samples::Counter(_)) {
                "_total"
            } else {
                ""
            };
            FamilySpec {
                // The index keeps family names unique within a page.
                name: format!("hy300_{stem}_f{index}{suffix}"),
                help,
                label,
                label_values: values.into_iter().collect(),
                samples,
            }
        })
}

/// A page of up to `max` families with unique names.
pub fn page(max: usize) -> impl Strategy<Value = Vec<FamilySpec>> {
    (1..=max).prop_flat_map(|n| (0..n).map(family_spec).collect::<Vec<_>>())
}
