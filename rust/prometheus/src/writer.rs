// SPDX-License-Identifier: GPL-2.0

//! Renders metric families into a fixed buffer.
//!
//! Overflow contract: a family (HELP, TYPE and all its samples) is written
//! whole or not at all. When one does not fit, the writer rolls back to the
//! end of the previous family, writes nothing more, and [`Writer::finish`]
//! reports [`Truncated`]. The committed bytes are always complete lines of
//! valid exposition text; nothing is ever written past the buffer.

use super::desc::{Family, LabelName, MetricType};
use super::metric::{Counter, Gauge, Histogram, HistogramSnapshot};
use super::number::{self, Value};

/// One label: a compile-time checked name and a value (escaped on output).
pub type Label<'v> = (LabelName, &'v str);

/// The output did not fit; `written` bytes of whole families are valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Truncated {
    /// Bytes of complete families in the buffer.
    pub written: usize,
}

/// Writes exposition text into a caller-provided buffer.
pub struct Writer<'b> {
    buf: &'b mut [u8],
    /// End of the last complete family.
    committed: usize,
    /// End of the family being written.
    cursor: usize,
    /// The family being written did not fit.
    overflow: bool,
    /// A family was dropped; nothing more is written.
    truncated: bool,
}

impl<'b> Writer<'b> {
    /// A writer over `buf` (e.g. the PAGE_SIZE sysfs buffer).
    pub fn new(buf: &'b mut [u8]) -> Self {
        Writer {
            buf,
            committed: 0,
            cursor: 0,
            overflow: false,
            truncated: false,
        }
    }

    /// The bytes of complete families written so far.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.committed).unwrap_or(&[])
    }

    /// Length of the complete families written so far.
    pub fn len(&self) -> usize {
        self.committed
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.committed == 0
    }

    /// Whether a family had to be dropped.
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }

    /// The length of valid output, or [`Truncated`] if a family was dropped.
    pub fn finish(&self) -> Result<usize, Truncated> {
        if self.truncated {
            Err(Truncated {
                written: self.committed,
            })
        } else {
            Ok(self.committed)
        }
    }

    /// Writes one family: its HELP and TYPE lines, then the samples that
    /// `samples` adds. Rolled back whole if it does not fit.
    pub fn family(&mut self, family: &Family, samples: impl FnOnce(&mut FamilyWriter<'_, 'b>)) {
        if self.truncated {
            return;
        }
        self.cursor = self.committed;
        self.overflow = false;
        self.put(b"# HELP ");
        self.put(family.name.as_bytes());
        self.put(b" ");
        if family.help_is_plain {
            self.put(family.help.as_bytes());
        } else {
            self.put_escaped(family.help.as_bytes(), false);
        }
        self.put(b"\n# TYPE ");
        self.put(family.name.as_bytes());
        self.put(b" ");
        self.put(family.kind.as_str().as_bytes());
        self.put(b"\n");
        samples(&mut FamilyWriter {
            w: self,
            family: *family,
        });
        if self.overflow {
            self.truncated = true;
        } else {
            self.committed = self.cursor;
        }
    }

    /// A counter family with a single unlabelled sample.
    pub fn counter(&mut self, family: &Family, counter: &Counter) {
        self.family(family, |f| f.sample(&[], counter.get()));
    }

    /// A gauge family with a single unlabelled sample.
    pub fn gauge(&mut self, family: &Family, value: impl Into<Value>) {
        let value = value.into();
        self.family(family, |f| f.sample(&[], value));
    }

    /// A gauge family with a single unlabelled sample read from `gauge`.
    pub fn gauge_cell(&mut self, family: &Family, gauge: &Gauge) {
        self.gauge(family, gauge.get());
    }

    /// A histogram family with a single unlabelled series.
    pub fn histogram<const N: usize>(&mut self, family: &Family, histogram: &Histogram<N>) {
        let snapshot = histogram.snapshot();
        self.family(family, |f| f.histogram(&[], &snapshot));
    }

    fn put(&mut self, bytes: &[u8]) {
        if self.overflow {
            return;
        }
        let end = match self.cursor.checked_add(bytes.len()) {
            Some(end) if end <= self.buf.len() => end,
            _ => {
                self.overflow = true;
                return;
            }
        };
        if let Some(dst) = self.buf.get_mut(self.cursor..end) {
            if bytes.len() <= 16 {
                // Most pieces are a few bytes: a loop beats a memcpy call.
                for (d, s) in dst.iter_mut().zip(bytes) {
                    *d = *s;
                }
            } else {
                dst.copy_from_slice(bytes);
            }
            self.cursor = end;
        } else {
            self.overflow = true;
        }
    }

    /// Escapes `\` and newline (HELP), plus `"` for label values.
    fn put_escaped(&mut self, bytes: &[u8], quote: bool) {
        if !bytes
            .iter()
            .any(|&c| c == b'\\' || c == b'\n' || (quote && c == b'"'))
        {
            self.put(bytes);
            return;
        }
        let mut start = 0;
        for (i, &c) in bytes.iter().enumerate() {
            let escape: &[u8] = match c {
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'"' if quote => b"\\\"",
                _ => continue,
            };
            self.put(bytes.get(start..i).unwrap_or(&[]));
            self.put(escape);
            start = i + 1;
        }
        self.put(bytes.get(start..).unwrap_or(&[]));
    }

    fn put_labels(&mut self, labels: &[Label<'_>], le: Option<&[u8]>) {
        if labels.is_empty() && le.is_none() {
            return;
        }
        self.put(b"{");
        for (i, (name, value)) in labels.iter().enumerate() {
            if i > 0 {
                self.put(b",");
            }
            self.put(name.as_str().as_bytes());
            self.put(b"=\"");
            self.put_escaped(value.as_bytes(), true);
            self.put(b"\"");
        }
        if let Some(le) = le {
            if !labels.is_empty() {
                self.put(b",");
            }
            self.put(b"le=\"");
            self.put(le);
            self.put(b"\"");
        }
        self.put(b"}");
    }

    /// One sample line; `value` is already formatted (`number::format`).
    fn put_line(
        &mut self,
        name: &str,
        suffix: &str,
        labels: &[Label<'_>],
        le: Option<&[u8]>,
        value: &[u8],
    ) {
        self.put(name.as_bytes());
        self.put(suffix.as_bytes());
        self.put_labels(labels, le);
        self.put(b" ");
        self.put(value);
        self.put(b"\n");
    }
}

/// Adds samples to the family being written by [`Writer::family`].
pub struct FamilyWriter<'w, 'b> {
    w: &'w mut Writer<'b>,
    family: Family,
}

impl FamilyWriter<'_, '_> {
    /// One sample of a counter or gauge family. Counters take unsigned
    /// values; a negative value for a counter is written as 0 (counters
    /// cannot go below zero), a histogram family ignores plain samples.
    pub fn sample(&mut self, labels: &[Label<'_>], value: impl Into<Value>) {
        let mut value = value.into();
        match self.family.kind {
            MetricType::Histogram => return,
            MetricType::Counter => {
                value = match value {
                    Value::Signed(v) if v < 0 => Value::Unsigned(0),
                    Value::Fixed { raw, .. } if raw < 0 => Value::Unsigned(0),
                    v => v,
                }
            }
            MetricType::Gauge => {}
        }
        let value = number::format(value);
        self.w
            .put_line(self.family.name, "", labels, None, value.as_bytes());
    }

    /// One series of a histogram family (ignored for other families).
    pub fn histogram<const N: usize>(&mut self, labels: &[Label<'_>], s: &HistogramSnapshot<N>) {
        if self.family.kind != MetricType::Histogram {
            return;
        }
        let name = self.family.name;
        for (&bound, &cumulative) in s.bounds.iter().zip(s.cumulative.iter()) {
            let le = number::fixed(false, bound, s.scale);
            let count = number::format(Value::Unsigned(cumulative));
            self.w.put_line(
                name,
                "_bucket",
                labels,
                Some(le.as_bytes()),
                count.as_bytes(),
            );
        }
        let count = number::format(Value::Unsigned(s.count));
        self.w
            .put_line(name, "_bucket", labels, Some(b"+Inf"), count.as_bytes());
        let sum = number::fixed(false, s.sum, s.scale);
        self.w.put_line(name, "_sum", labels, None, sum.as_bytes());
        self.w
            .put_line(name, "_count", labels, None, count.as_bytes());
    }
}
