// SPDX-License-Identifier: GPL-2.0

//! Metric family and label name descriptors, validated at compile time.
//!
//! The constructors are `const fn` and are meant for `const`/`static` items:
//! an invalid name then fails the build instead of producing bad output.
//! Calling them at run time with a bad name would panic, so don't.

/// The Prometheus metric type of a family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricType {
    /// Monotonic count; names end in `_total`.
    Counter,
    /// Value that can go up and down.
    Gauge,
    /// Cumulative buckets plus `_sum` and `_count`.
    Histogram,
}

impl MetricType {
    /// The word used on the `# TYPE` line.
    pub const fn as_str(self) -> &'static str {
        match self {
            MetricType::Counter => "counter",
            MetricType::Gauge => "gauge",
            MetricType::Histogram => "histogram",
        }
    }
}

/// The longest value text: a sign, 19 digits of an `i64` and a point, or
/// `0.` and 18 fraction digits, or 20 digits of a `u64` and a point.
pub const MAX_VALUE_LEN: usize = 21;

/// The longest decimal text of a value of this type, for compile-time page
/// sizes ([`Family::max_page_len_of`]).
pub trait MaxLen {
    /// Bytes of the longest value, e.g. 20 for `u64::MAX`.
    const MAX_LEN: usize;
}

impl MaxLen for bool {
    const MAX_LEN: usize = 1;
}
impl MaxLen for u8 {
    const MAX_LEN: usize = 3;
}
impl MaxLen for u32 {
    const MAX_LEN: usize = 10;
}
impl MaxLen for i32 {
    const MAX_LEN: usize = 11;
}
impl MaxLen for u64 {
    const MAX_LEN: usize = 20;
}
impl MaxLen for i64 {
    const MAX_LEN: usize = 20;
}

/// Room for a family's header block (HELP and TYPE lines and the name):
/// every hy300 family fits; a longer one is rendered piece by piece.
pub(crate) const BLOCK_CAPACITY: usize = 192;

/// A metric family: name, help text and type.
#[derive(Clone, Copy, Debug)]
pub struct Family {
    pub(crate) name: &'static str,
    pub(crate) help: &'static str,
    pub(crate) kind: MetricType,
    /// The HELP text has nothing to escape (decided at compile time).
    pub(crate) help_is_plain: bool,
    /// `# HELP name help\n# TYPE name type\nname`, HELP escaped, assembled
    /// at compile time so that a render copies it in one piece.
    pub(crate) block: [u8; BLOCK_CAPACITY],
    /// Length of the HELP and TYPE lines in `block`.
    pub(crate) head_len: u16,
    /// Length of `block`; 0 when it did not fit (rendered piecewise).
    pub(crate) block_len: u16,
    /// FNV-1a of the name: a [`Series`] names its family by it.
    pub(crate) name_hash: u64,
}

/// FNV-1a, 64 bits, at compile time.
pub(crate) const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    h
}

/// Appends `bytes` (escaping `\\` and newline when `escape`) to `block` at
/// `len`; `None` when it does not fit.
const fn push(
    block: &mut [u8; BLOCK_CAPACITY],
    len: usize,
    bytes: &[u8],
    escape: bool,
) -> Option<usize> {
    let mut len = len;
    let mut i = 0;
    while i < bytes.len() {
        let (a, b) = match bytes[i] {
            b'\\' if escape => (b'\\', Some(b'\\')),
            b'\n' if escape => (b'\\', Some(b'n')),
            c => (c, None),
        };
        if len >= BLOCK_CAPACITY {
            return None;
        }
        block[len] = a;
        len += 1;
        if let Some(b) = b {
            if len >= BLOCK_CAPACITY {
                return None;
            }
            block[len] = b;
            len += 1;
        }
        i += 1;
    }
    Some(len)
}

/// The header block of a family: `(block, head_len, block_len)`, with
/// `block_len` 0 when it does not fit in [`BLOCK_CAPACITY`].
const fn header_block(
    name: &str,
    help: &str,
    kind: MetricType,
) -> ([u8; BLOCK_CAPACITY], u16, u16) {
    let mut b = [0u8; BLOCK_CAPACITY];
    let pieces: [(&[u8], bool); 8] = [
        (b"# HELP ", false),
        (name.as_bytes(), false),
        (b" ", false),
        (help.as_bytes(), true),
        (b"\n# TYPE ", false),
        (name.as_bytes(), false),
        (b" ", false),
        (kind.as_str().as_bytes(), false),
    ];
    let mut len = 0;
    let mut i = 0;
    while i < pieces.len() {
        len = match push(&mut b, len, pieces[i].0, pieces[i].1) {
            Some(len) => len,
            None => return ([0; BLOCK_CAPACITY], 0, 0),
        };
        i += 1;
    }
    let head = match push(&mut b, len, b"\n", false) {
        Some(head) => head,
        None => return ([0; BLOCK_CAPACITY], 0, 0),
    };
    match push(&mut b, head, name.as_bytes(), false) {
        // Both fit in BLOCK_CAPACITY (< u16::MAX).
        Some(end) => (b, head as u16, end as u16),
        None => ([0; BLOCK_CAPACITY], 0, 0),
    }
}

impl Family {
    /// A counter family. The name must end in `_total`.
    pub const fn counter(name: &'static str, help: &'static str) -> Self {
        assert!(ends_with(name, "_total"), "counter names end in _total");
        Self::new(name, help, MetricType::Counter)
    }

    /// A gauge family.
    pub const fn gauge(name: &'static str, help: &'static str) -> Self {
        Self::new(name, help, MetricType::Gauge)
    }

    /// A histogram family; `_bucket`, `_sum` and `_count` are appended.
    pub const fn histogram(name: &'static str, help: &'static str) -> Self {
        Self::new(name, help, MetricType::Histogram)
    }

    const fn new(name: &'static str, help: &'static str, kind: MetricType) -> Self {
        assert!(is_metric_name(name), "metric names are lower snake_case");
        assert!(
            !has_segment(name, DISCOURAGED_SEGMENTS),
            "metric names use base units spelled out (seconds, bytes) and do not name their type"
        );
        assert!(!help.is_empty(), "every family needs HELP text");
        if !matches!(kind, MetricType::Counter) {
            assert!(!ends_with(name, "_total"), "only counters end in _total");
        }
        assert!(
            !ends_with(name, "_bucket") && !ends_with(name, "_sum") && !ends_with(name, "_count"),
            "_bucket, _sum and _count are reserved for histogram series"
        );
        let (block, head_len, block_len) = header_block(name, help, kind);
        Family {
            name,
            help,
            kind,
            help_is_plain: !contains_any(help.as_bytes(), b"\\\n"),
            block,
            head_len,
            block_len,
            name_hash: fnv1a(name.as_bytes()),
        }
    }

    /// Bytes of the HELP and TYPE lines (HELP escaped).
    pub const fn header_len(&self) -> usize {
        let mut help = 0;
        let b = self.help.as_bytes();
        let mut i = 0;
        while i < b.len() {
            help += if b[i] == b'\\' || b[i] == b'\n' { 2 } else { 1 };
            i += 1;
        }
        "# HELP ".len()
            + self.name.len()
            + 1
            + help
            + "\n# TYPE ".len()
            + self.name.len()
            + 1
            + self.kind.as_str().len()
            + 1
    }

    /// The longest line of one counter or gauge sample of this family whose
    /// label pairs (`a="x",b="y"`, see [`LabelName::pair_len`]) take
    /// `labels` bytes (0: no labels).
    pub const fn max_sample_len(&self, labels: usize) -> usize {
        let braces = if labels > 0 { labels + 2 } else { 0 };
        self.name.len() + braces + 1 + MAX_VALUE_LEN + 1
    }

    /// The longest text of this counter or gauge family with `samples`
    /// samples whose label pairs take at most `labels` bytes each.
    pub const fn max_page_len(&self, samples: usize, labels: usize) -> usize {
        self.header_len() + samples * self.max_sample_len(labels)
    }

    /// [`max_page_len`](Self::max_page_len) for samples whose values are
    /// of type `T` (e.g. `bool`: one digit; `u64`: 20), not any [`Value`].
    ///
    /// [`Value`]: super::number::Value
    pub const fn max_page_len_of<T: MaxLen>(&self, samples: usize, labels: usize) -> usize {
        self.header_len() + samples * (self.max_sample_len(labels) - MAX_VALUE_LEN + T::MAX_LEN)
    }

    /// The family name.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The HELP text (unescaped).
    pub const fn help(&self) -> &'static str {
        self.help
    }

    /// The family type.
    pub const fn kind(&self) -> MetricType {
        self.kind
    }
}

/// A label name, checked at compile time.
#[derive(Clone, Copy, Debug)]
pub struct LabelName(&'static str);

impl LabelName {
    /// A label name: `[a-z_][a-z0-9_]*`, not `le`, not starting with `__`.
    pub const fn new(name: &'static str) -> Self {
        let b = name.as_bytes();
        assert!(!b.is_empty(), "empty label name");
        assert!(
            !(b.len() >= 2 && b[0] == b'_' && b[1] == b'_'),
            "__ prefix is reserved"
        );
        assert!(
            !(b.len() == 2 && b[0] == b'l' && b[1] == b'e'),
            "le is reserved for buckets"
        );
        assert!(is_snake(b), "label names are lower snake_case");
        LabelName(name)
    }

    /// Bytes of the pair `name="value"` with `value` escaped.
    pub const fn pair_len(&self, value: &str) -> usize {
        let b = value.as_bytes();
        let mut n = self.0.len() + 3;
        let mut i = 0;
        while i < b.len() {
            n += if b[i] == b'\\' || b[i] == b'\n' || b[i] == b'"' {
                2
            } else {
                1
            };
            i += 1;
        }
        n
    }

    /// The longest [`pair_len`](Self::pair_len) of `values`.
    pub const fn max_pair_len(&self, values: &[&str]) -> usize {
        let mut max = 0;
        let mut i = 0;
        while i < values.len() {
            let n = self.pair_len(values[i]);
            if n > max {
                max = n;
            }
            i += 1;
        }
        max
    }

    /// The label name.
    pub const fn as_str(&self) -> &'static str {
        self.0
    }
}

/// Room for a [`Series`] block: `name{label="value",...}` and a space.
pub(crate) const SERIES_CAPACITY: usize = 160;

/// A sample series with constant labels: `name{label="value",...} `
/// assembled, and its label values escaped, at compile time, so that
/// [`FamilyWriter::series`](super::writer::FamilyWriter::series) copies it in
/// one piece. Made in a `const` item; a block that does not fit is a build
/// error.
#[derive(Clone, Copy, Debug)]
pub struct Series {
    /// The family's name hash ([`Family`]'s `name_hash`).
    pub(crate) family: u64,
    pub(crate) block: [u8; SERIES_CAPACITY],
    pub(crate) len: u16,
}

impl Series {
    /// The series of `family` with `labels` (constant values).
    pub const fn new(family: &Family, labels: &[(LabelName, &'static str)]) -> Self {
        let mut block = [0u8; SERIES_CAPACITY];
        let mut len = 0;
        len = series_push(&mut block, len, family.name.as_bytes(), false);
        if !labels.is_empty() {
            len = series_push(&mut block, len, b"{", false);
        }
        let mut i = 0;
        while i < labels.len() {
            if i > 0 {
                len = series_push(&mut block, len, b",", false);
            }
            len = series_push(&mut block, len, labels[i].0.as_str().as_bytes(), false);
            len = series_push(&mut block, len, b"=\"", false);
            len = series_push(&mut block, len, labels[i].1.as_bytes(), true);
            len = series_push(&mut block, len, b"\"", false);
            i += 1;
        }
        if !labels.is_empty() {
            len = series_push(&mut block, len, b"}", false);
        }
        len = series_push(&mut block, len, b" ", false);
        Series {
            family: family.name_hash,
            block,
            // len <= SERIES_CAPACITY < u16::MAX.
            len: len as u16,
        }
    }

    /// The series of `family` with `label` set to each of `values`, in
    /// order, made at compile time: one block each.
    pub const fn each<const N: usize>(
        family: &Family,
        label: LabelName,
        values: &[&'static str; N],
    ) -> [Series; N] {
        let mut out = [Series::new(family, &[]); N];
        let mut i = 0;
        while i < N {
            out[i] = Series::new(family, &[(label, values[i])]);
            i += 1;
        }
        out
    }
}

/// Appends `bytes` to a series block, escaping a label value (`\\`,
/// newline, `"`) when `escape`; a block that does not fit fails the build.
/// Room for a [`ConstFamily`]: the header and every line.
pub(crate) const CONST_FAMILY_CAPACITY: usize = 512;

/// A gauge or counter family whose every sample is constant (its labels
/// and its values are known at compile time, e.g. the sizes of a memory
/// layout): the whole text, HELP, TYPE and every line, made at compile
/// time, so that [`Writer::constant`](super::writer::Writer::constant)
/// copies it in one piece. Made in a `const` item; a text that does not
/// fit is a build error.
#[derive(Clone, Copy, Debug)]
pub struct ConstFamily {
    pub(crate) block: [u8; CONST_FAMILY_CAPACITY],
    pub(crate) len: u16,
}

impl ConstFamily {
    /// `family` with one sample per label value, `label="values[i]"` with
    /// the value `numbers[i]`, the bytes
    /// [`FamilyWriter::series`](super::writer::FamilyWriter::series) would
    /// write for [`Series::each`] and these numbers.
    pub const fn each<const N: usize>(
        family: &Family,
        label: LabelName,
        values: &[&'static str; N],
        numbers: &[u64; N],
    ) -> Self {
        assert!(
            !matches!(family.kind, MetricType::Histogram),
            "a constant family is a counter or a gauge"
        );
        assert!(
            family.block_len != 0,
            "the family's header did not fit its block"
        );
        let mut block = [0u8; CONST_FAMILY_CAPACITY];
        let mut len = 0;
        while len < family.head_len as usize {
            block[len] = family.block[len];
            len += 1;
        }
        let mut i = 0;
        while i < N {
            let series = Series::new(family, &[(label, values[i])]);
            let mut j = 0;
            while j < series.len as usize {
                assert!(len < CONST_FAMILY_CAPACITY, "constant family too long");
                block[len] = series.block[j];
                len += 1;
                j += 1;
            }
            // The number, most significant digit first, and a newline.
            let v = numbers[i];
            let mut digits = 1;
            let mut rest = v / 10;
            while rest != 0 {
                digits += 1;
                rest /= 10;
            }
            assert!(
                len + digits < CONST_FAMILY_CAPACITY,
                "constant family too long"
            );
            let mut k = digits;
            let mut rest = v;
            while k > 0 {
                block[len + k - 1] = b'0' + (rest % 10) as u8;
                rest /= 10;
                k -= 1;
            }
            len += digits;
            block[len] = b'\n';
            len += 1;
            i += 1;
        }
        ConstFamily {
            block,
            len: len as u16,
        }
    }

    /// The text.
    pub fn as_bytes(&self) -> &[u8] {
        self.block.get(..usize::from(self.len)).unwrap_or(&[])
    }
}

const fn series_push(
    block: &mut [u8; SERIES_CAPACITY],
    len: usize,
    bytes: &[u8],
    escape: bool,
) -> usize {
    let mut len = len;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let escaped: &[u8] = match c {
            b'\\' if escape => b"\\\\",
            b'\n' if escape => b"\\n",
            b'"' if escape => b"\\\"",
            _ => &[],
        };
        if escaped.is_empty() {
            assert!(len < SERIES_CAPACITY, "series labels too long");
            block[len] = c;
            len += 1;
        } else {
            assert!(len + 1 < SERIES_CAPACITY, "series labels too long");
            block[len] = escaped[0];
            block[len + 1] = escaped[1];
            len += 2;
        }
        i += 1;
    }
    len
}

/// Name segments that `promtool check metrics` lints: abbreviated or
/// non-base units, and metric type names.
const DISCOURAGED_SEGMENTS: &[&str] = &[
    "s",
    "ms",
    "us",
    "ns",
    "sec",
    "b",
    "kb",
    "mb",
    "gb",
    "tb",
    "pb",
    "m",
    "h",
    "d",
    "milliseconds",
    "microseconds",
    "nanoseconds",
    "minutes",
    "hours",
    "days",
    "weeks",
    "bits",
    "kilobytes",
    "megabytes",
    "counter",
    "gauge",
    "histogram",
    "summary",
];

/// Whether any `_`-separated segment after the first is in `words`.
const fn has_segment(name: &str, words: &[&str]) -> bool {
    let b = name.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i <= b.len() {
        if i == b.len() || b[i] == b'_' {
            if start > 0 {
                let mut w = 0;
                while w < words.len() {
                    if bytes_eq(b, start, i, words[w].as_bytes()) {
                        return true;
                    }
                    w += 1;
                }
            }
            start = i + 1;
        }
        i += 1;
    }
    false
}

const fn bytes_eq(b: &[u8], start: usize, end: usize, word: &[u8]) -> bool {
    if end - start != word.len() {
        return false;
    }
    let mut i = 0;
    while i < word.len() {
        if b[start + i] != word[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn is_metric_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty() && is_snake(b)
}

// `[a-z_][a-z0-9_]*`: a strict subset of what Prometheus allows, which also
// satisfies promtool's snake_case lint.
const fn is_snake(b: &[u8]) -> bool {
    if b.is_empty() || b[0].is_ascii_digit() {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_') {
            return false;
        }
        i += 1;
    }
    true
}

const fn contains_any(s: &[u8], set: &[u8]) -> bool {
    let mut i = 0;
    while i < s.len() {
        let mut k = 0;
        while k < set.len() {
            if s[i] == set[k] {
                return true;
            }
            k += 1;
        }
        i += 1;
    }
    false
}

const fn ends_with(s: &str, suffix: &str) -> bool {
    let s = s.as_bytes();
    let x = suffix.as_bytes();
    if x.len() > s.len() {
        return false;
    }
    let off = s.len() - x.len();
    let mut i = 0;
    while i < x.len() {
        if s[off + i] != x[i] {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_metric_name("hy300_motor_position_steps"));
        assert!(!is_metric_name("Hy300"));
        assert!(!is_metric_name("9lives"));
        assert!(!is_metric_name("a-b"));
        assert!(!is_metric_name(""));
        assert!(ends_with("x_total", "_total"));
        assert!(!ends_with("total", "_total"));
        assert!(has_segment("hy300_step_ms", DISCOURAGED_SEGMENTS));
        assert!(has_segment("hy300_m_x", DISCOURAGED_SEGMENTS));
        assert!(has_segment("hy300_x_counter_total", DISCOURAGED_SEGMENTS));
        assert!(!has_segment("hy300_step_seconds", DISCOURAGED_SEGMENTS));
        assert!(!has_segment("s_x", DISCOURAGED_SEGMENTS));
    }

    #[test]
    fn accessors_return_what_the_constructor_was_given() {
        const FAMILIES: [(Family, &str, MetricType); 3] = [
            (
                Family::counter("hy300_x_frames_total", "h"),
                "hy300_x_frames_total",
                MetricType::Counter,
            ),
            (
                Family::gauge("hy300_x_ratio", "h"),
                "hy300_x_ratio",
                MetricType::Gauge,
            ),
            (
                Family::histogram("hy300_x_seconds", "h"),
                "hy300_x_seconds",
                MetricType::Histogram,
            ),
        ];
        for (family, name, kind) in FAMILIES {
            assert_eq!(family.name(), name);
            assert_eq!(family.help(), "h");
            assert_eq!(family.kind(), kind);
        }
        assert_eq!(LabelName::new("stage").as_str(), "stage");
        assert_eq!(
            LabelName::new("line").max_pair_len(&["0", "10", "2"]),
            "line=\"10\"".len()
        );
    }

    #[test]
    fn max_len_is_the_longest_value_text() {
        use std::string::ToString;
        assert_eq!(<bool as MaxLen>::MAX_LEN, "1".len());
        assert_eq!(<u8 as MaxLen>::MAX_LEN, u8::MAX.to_string().len());
        assert_eq!(<u32 as MaxLen>::MAX_LEN, u32::MAX.to_string().len());
        assert_eq!(<i32 as MaxLen>::MAX_LEN, i32::MIN.to_string().len());
        assert_eq!(<u64 as MaxLen>::MAX_LEN, u64::MAX.to_string().len());
        assert_eq!(<i64 as MaxLen>::MAX_LEN, i64::MIN.to_string().len());
        const F: Family = Family::gauge("hy300_x_on", "h");
        assert_eq!(
            F.max_page_len_of::<bool>(2, 0),
            "# HELP hy300_x_on h\n# TYPE hy300_x_on gauge\nhy300_x_on 1\nhy300_x_on 0\n".len()
        );
    }

    #[test]
    #[should_panic(expected = "base units")]
    fn abbreviated_unit_is_rejected() {
        let _ = Family::gauge("hy300_delay_ms", "delay");
    }

    #[test]
    #[should_panic(expected = "_total")]
    fn counter_without_total_is_rejected() {
        let _ = Family::counter("hy300_frames", "frames");
    }

    #[test]
    #[should_panic(expected = "only counters")]
    fn gauge_with_total_is_rejected() {
        let _ = Family::gauge("hy300_frames_total", "frames");
    }

    #[test]
    #[should_panic(expected = "reserved for histogram series")]
    fn reserved_suffix_as_the_whole_name_is_rejected() {
        // The suffix check must also hold when nothing precedes the suffix.
        let _ = Family::gauge("_count", "count");
    }

    #[test]
    #[should_panic(expected = "le is reserved")]
    fn le_label_is_rejected() {
        let _ = LabelName::new("le");
    }
}
