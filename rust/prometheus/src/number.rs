// SPDX-License-Identifier: GPL-2.0

//! Integer and fixed-point decimal formatting (no floating point: the kernel
//! has none).

/// Largest number of fractional digits a fixed-point value may carry.
pub const MAX_SCALE: u32 = 18;

/// A sample value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    /// An unsigned integer.
    Unsigned(u64),
    /// A signed integer.
    Signed(i64),
    /// `raw / 10^scale`, e.g. `Fixed { raw: 750, scale: 3 }` is `0.75`.
    /// Scales above [`MAX_SCALE`] are clamped to it.
    Fixed { raw: i64, scale: u32 },
}

impl From<u64> for Value {
    fn from(v: u64) -> Self {
        Value::Unsigned(v)
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Signed(v)
    }
}

impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Value::Unsigned(u64::from(v))
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Unsigned(u64::from(v))
    }
}

/// Room for the longest line tail: a 4-byte prefix, sign, 20 digits, point,
/// 18 digits, newline.
pub(crate) const NUMBER_CAPACITY: usize = 64;

/// Two-digit pairs "00".."99": two digits per division by 100.
const DIGIT_PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Powers of ten up to 10^MAX_SCALE.
const POW10: [u64; MAX_SCALE as usize + 1] = {
    let mut p = [1u64; MAX_SCALE as usize + 1];
    let mut i = 1;
    while i < p.len() {
        p[i] = p[i - 1] * 10;
        i += 1;
    }
    p
};

/// Writes the decimal digits of `v` into `out`, right-aligned and padded
/// with leading zeros to `out.len()` (the caller sizes `out` with
/// [`digit_count`]). Two digits per division; the pairs are written through
/// `rchunks_exact_mut` and `DIGIT_PAIRS` is indexed below 200 by
/// construction, so there is no per-digit bounds check.
#[inline(always)]
fn write_digits(mut v: u64, out: &mut [u8]) {
    let mut pairs = out.rchunks_exact_mut(2);
    for pair in &mut pairs {
        let d = (v % 100) as usize * 2;
        v /= 100;
        pair.copy_from_slice(&DIGIT_PAIRS[d..d + 2]);
    }
    if let [first] = pairs.into_remainder() {
        *first = b'0' + (v % 10) as u8;
    }
}

/// 10^0 ..= 10^19: every power of ten a `u64` holds.
const POW10_U64: [u64; 20] = {
    let mut p = [1u64; 20];
    let mut i = 1;
    while i < p.len() {
        p[i] = p[i - 1] * 10;
        i += 1;
    }
    p
};

/// Number of decimal digits of `v` (1 for 0): from its bit length, the
/// digit count of its smallest power of two (`bits * log10(2)`, as
/// `(bits * 1233) >> 12`, exact for 1..=64 bits), plus one if `v` reaches
/// the next power of ten. A count of leading zeros, a multiply and one
/// compare, where `ilog10` takes a chain of them.
#[inline(always)]
fn digit_count(v: u64) -> usize {
    let v = v | 1;
    let bits = u64::BITS - v.leading_zeros();
    let guess = ((bits * 1233) >> 12) as usize;
    guess + usize::from(v >= POW10_U64.get(guess).copied().unwrap_or(u64::MAX))
}

/// Where a line tail is being written: `out[..at]` is done.
struct Cursor<'a> {
    out: &'a mut [u8; NUMBER_CAPACITY],
    at: usize,
}

impl Cursor<'_> {
    /// The next `len` bytes (empty if they do not fit, which the callers'
    /// sizes rule out: at most 45 of the 64 bytes are used).
    #[inline(always)]
    fn take(&mut self, len: usize) -> &mut [u8] {
        let start = self.at;
        self.at = start.saturating_add(len);
        self.out.get_mut(start..self.at).unwrap_or(&mut [])
    }

    #[inline(always)]
    fn bytes(&mut self, bytes: &[u8]) {
        let dst = self.take(bytes.len());
        if dst.len() == bytes.len() {
            dst.copy_from_slice(bytes);
        }
    }

    #[inline(always)]
    fn byte(&mut self, b: u8) {
        if let Some(d) = self.take(1).first_mut() {
            *d = b;
        }
    }

    #[inline(always)]
    fn u64(&mut self, v: u64) {
        // One or two digits (most error counters, every flag): no digit
        // count.
        if v < 10 {
            self.byte(b'0' + v as u8);
            return;
        }
        if v < 100 {
            let d = v as usize * 2;
            self.bytes(DIGIT_PAIRS.get(d..d + 2).unwrap_or(b"00"));
            return;
        }
        write_digits(v, self.take(digit_count(v)));
    }

    /// `magnitude / 10^scale`, a leading `-` when `negative`; trailing
    /// fractional zeros (and a bare point) are dropped.
    #[inline(always)]
    fn fixed(&mut self, negative: bool, magnitude: u64, scale: u32) {
        if negative && magnitude != 0 {
            self.byte(b'-');
        }
        let scale = if scale > MAX_SCALE { MAX_SCALE } else { scale };
        let pow = POW10[scale as usize];
        let (int, mut frac) = (magnitude / pow, magnitude % pow);
        self.u64(int);
        if frac != 0 {
            let mut width = scale as usize;
            while frac % 10 == 0 {
                frac /= 10;
                width -= 1;
            }
            self.byte(b'.');
            // Padded with the fraction's leading zeros.
            write_digits(frac, self.take(width));
        }
    }

    #[inline(always)]
    fn value(&mut self, value: Value) {
        match value {
            Value::Unsigned(v) => self.u64(v),
            Value::Signed(v) => {
                if v < 0 {
                    self.byte(b'-');
                }
                self.u64(v.unsigned_abs());
            }
            Value::Fixed { raw, scale } => self.fixed(raw < 0, raw.unsigned_abs(), scale),
        }
    }
}

/// Writes the end of a sample line into `out`: `prefix` (at most 4 bytes:
/// the space, or the closing `"} ` of the labels), the value and a newline;
/// returns its length (at most 45).
#[inline(always)]
pub(crate) fn write_tail(out: &mut [u8; NUMBER_CAPACITY], prefix: &[u8], value: Value) -> usize {
    let mut c = Cursor { out, at: 0 };
    c.bytes(prefix);
    c.value(value);
    c.byte(b'\n');
    c.at
}

/// [`write_tail`] of the fixed-point `magnitude / 10^scale`.
#[inline(always)]
pub(crate) fn write_tail_fixed(
    out: &mut [u8; NUMBER_CAPACITY],
    prefix: &[u8],
    magnitude: u64,
    scale: u32,
) -> usize {
    let mut c = Cursor { out, at: 0 };
    c.bytes(prefix);
    c.fixed(false, magnitude, scale);
    c.byte(b'\n');
    c.at
}

/// Formatted text on the stack.
pub(crate) struct NumberText {
    buf: [u8; NUMBER_CAPACITY],
    len: usize,
}

impl NumberText {
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }
}

/// A line tail on the stack (for the end of the buffer, where
/// [`write_tail`] cannot write in place).
pub(crate) fn line_tail(prefix: &[u8], value: Value) -> NumberText {
    let mut buf = [0; NUMBER_CAPACITY];
    let len = write_tail(&mut buf, prefix, value);
    NumberText { buf, len }
}

/// [`line_tail`] of a fixed-point value.
pub(crate) fn line_tail_fixed(prefix: &[u8], magnitude: u64, scale: u32) -> NumberText {
    let mut buf = [0; NUMBER_CAPACITY];
    let len = write_tail_fixed(&mut buf, prefix, magnitude, scale);
    NumberText { buf, len }
}

/// Formats a value as Prometheus accepts it: plain decimal, no exponent
/// (the writer writes line tails; this is for the tests).
#[cfg(test)]
pub(crate) fn format(value: Value) -> NumberText {
    let mut t = line_tail(b"", value);
    t.len -= 1;
    t
}

/// Formats `magnitude / 10^scale` with a leading `-` when `negative` (tests).
#[cfg(test)]
pub(crate) fn fixed(negative: bool, magnitude: u64, scale: u32) -> NumberText {
    let mut buf = [0; NUMBER_CAPACITY];
    let mut c = Cursor {
        out: &mut buf,
        at: 0,
    };
    c.fixed(negative, magnitude, scale);
    let len = c.at;
    NumberText { buf, len }
}

/// Room for `magnitude / 10^scale` of a `u64`: 20 digits and a point.
pub(crate) const FIXED_CAPACITY: usize = 21;

/// [`fixed`] at compile time, for the `le` labels of histogram buckets:
/// the text and its length.
pub(crate) const fn const_fixed(magnitude: u64, scale: u32) -> ([u8; FIXED_CAPACITY], usize) {
    let scale = if scale > MAX_SCALE { MAX_SCALE } else { scale };
    let pow = POW10[scale as usize];
    let (mut int, mut frac) = (magnitude / pow, magnitude % pow);
    // Right-aligned, then moved to the front.
    let mut r = [0u8; FIXED_CAPACITY];
    let mut at = FIXED_CAPACITY;
    if frac != 0 {
        let mut width = scale;
        while frac % 10 == 0 {
            frac /= 10;
            width -= 1;
        }
        while width > 0 {
            at -= 1;
            r[at] = b'0' + (frac % 10) as u8;
            frac /= 10;
            width -= 1;
        }
        at -= 1;
        r[at] = b'.';
    }
    loop {
        at -= 1;
        r[at] = b'0' + (int % 10) as u8;
        int /= 10;
        if int == 0 {
            break;
        }
    }
    let mut out = [0u8; FIXED_CAPACITY];
    let mut i = 0;
    while at + i < FIXED_CAPACITY {
        out[i] = r[at + i];
        i += 1;
    }
    (out, i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::{String, ToString};

    fn s(v: Value) -> String {
        String::from_utf8(format(v).as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn integers() {
        assert_eq!(s(Value::Unsigned(0)), "0");
        assert_eq!(s(Value::Unsigned(u64::MAX)), "18446744073709551615");
        assert_eq!(s(Value::Signed(i64::MIN)), "-9223372036854775808");
        assert_eq!(s(Value::Signed(-7)), "-7");
    }

    #[test]
    fn fixed_point() {
        assert_eq!(s(Value::Fixed { raw: 750, scale: 3 }), "0.75");
        assert_eq!(s(Value::Fixed { raw: -5, scale: 3 }), "-0.005");
        assert_eq!(
            s(Value::Fixed {
                raw: 1000,
                scale: 3
            }),
            "1"
        );
        assert_eq!(s(Value::Fixed { raw: 0, scale: 9 }), "0");
        assert_eq!(
            s(Value::Fixed {
                raw: 29970,
                scale: 3
            }),
            "29.97"
        );
        assert_eq!(
            s(Value::Fixed {
                raw: i64::MIN,
                scale: 18
            }),
            "-9.223372036854775808"
        );
        assert_eq!(
            s(Value::Fixed { raw: 1, scale: 99 }),
            "0.000000000000000001"
        );
    }

    /// A xorshift generator: a million values without a dependency.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        /// Uniform over bit lengths, so every digit count is frequent.
        fn spread(&mut self) -> u64 {
            let bits = self.next() % 65;
            self.next().checked_shr(64 - bits as u32).unwrap_or(0)
        }
    }

    /// Every edge of the u64 and i64 ranges and of each digit count.
    fn edges() -> std::vec::Vec<u64> {
        let mut v: std::vec::Vec<u64> = (0..=1000).collect();
        for k in 0..=19 {
            let p = 10u64.pow(k);
            v.extend([p - 1, p, p + 1, p.wrapping_mul(10).wrapping_sub(1)]);
        }
        for d in 0..=1000 {
            v.push(u64::MAX - d);
            v.push(i64::MAX as u64 - d);
            v.push(i64::MAX as u64 + d);
        }
        v
    }

    #[test]
    fn digit_counts_match_core_at_every_edge() {
        for u in edges() {
            assert_eq!(digit_count(u), u.to_string().len(), "{u}");
        }
        for bits in 0..64 {
            for u in [1u64 << bits, (1u64 << bits) - 1, (1u64 << bits) + 1] {
                assert_eq!(digit_count(u), u.to_string().len(), "{u}");
            }
        }
    }

    #[test]
    fn integers_match_core_at_every_edge() {
        for u in edges() {
            assert_eq!(s(Value::Unsigned(u)), u.to_string());
            let i = u as i64;
            assert_eq!(s(Value::Signed(i)), i.to_string());
            assert_eq!(
                s(Value::Signed(i.wrapping_neg())),
                i.wrapping_neg().to_string()
            );
        }
    }

    #[test]
    fn a_million_random_integers_match_core() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..1_000_000 {
            let u = rng.spread();
            assert_eq!(s(Value::Unsigned(u)), u.to_string());
            let i = rng.spread() as i64;
            assert_eq!(s(Value::Signed(i)), i.to_string());
        }
    }

    /// `raw / 10^scale` through i128 arithmetic and core's formatter.
    fn reference_fixed(raw: i64, scale: u32) -> String {
        let scale = scale.min(MAX_SCALE);
        let pow = 10i128.pow(scale);
        let r = raw as i128;
        let (int, frac) = (r.abs() / pow, r.abs() % pow);
        let sign = if r < 0 { "-" } else { "" };
        if frac == 0 {
            return std::format!("{sign}{int}");
        }
        let frac = std::format!("{frac:0width$}", width = scale as usize);
        std::format!("{sign}{int}.{}", frac.trim_end_matches('0'))
    }

    #[test]
    fn a_million_random_fixed_point_values_match_the_reference() {
        let mut rng = Rng(0xD1B5_4A32_D192_ED03);
        for n in 0..1_000_000u32 {
            let raw = rng.spread() as i64;
            let scale = n % 20;
            assert_eq!(s(Value::Fixed { raw, scale }), reference_fixed(raw, scale));
        }
        for u in edges() {
            for scale in [1, 3, 9, 18] {
                let raw = u as i64;
                assert_eq!(s(Value::Fixed { raw, scale }), reference_fixed(raw, scale));
            }
        }
    }

    #[test]
    fn compile_time_fixed_matches_run_time_fixed() {
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        let values = edges()
            .into_iter()
            .chain((0..100_000).map(|_| rng.spread()));
        for (n, v) in values.enumerate() {
            let scale = n as u32 % 20;
            let (text, len) = const_fixed(v, scale);
            assert_eq!(
                &text[..len],
                fixed(false, v, scale).as_bytes(),
                "{v} {scale}"
            );
        }
    }

    #[test]
    fn line_tails_are_prefix_value_newline() {
        let t = line_tail(b"\"} ", Value::Signed(-12));
        assert_eq!(t.as_bytes(), b"\"} -12\n");
        let t = line_tail(b" ", Value::Unsigned(u64::MAX));
        assert_eq!(t.as_bytes(), b" 18446744073709551615\n");
        let t = line_tail_fixed(b" ", 279_968_050_000, 9);
        assert_eq!(t.as_bytes(), b" 279.96805\n");
        let t = line_tail(
            b"\"} ",
            Value::Fixed {
                raw: i64::MIN,
                scale: 1,
            },
        );
        assert_eq!(t.as_bytes(), b"\"} -922337203685477580.8\n");
    }

    proptest::proptest! {
        #[test]
        fn integers_match_std(v in proptest::num::i64::ANY, u in proptest::num::u64::ANY) {
            proptest::prop_assert_eq!(s(Value::Signed(v)), v.to_string());
            proptest::prop_assert_eq!(s(Value::Unsigned(u)), u.to_string());
            for p in [0u64, 9, 10, 99, 100, 101, 999, 1000] {
                proptest::prop_assert_eq!(s(Value::Unsigned(p)), p.to_string());
            }
        }

        #[test]
        fn fixed_matches_decimal_arithmetic(raw in proptest::num::i64::ANY, scale in 0u32..=18) {
            let text = s(Value::Fixed { raw, scale });
            // Recompute through i128 arithmetic and compare exactly.
            let (int, frac) = match text.trim_start_matches('-').split_once('.') {
                Some((i, f)) => (i.to_string(), f.to_string()),
                None => (text.trim_start_matches('-').to_string(), String::new()),
            };
            proptest::prop_assert!(!frac.ends_with('0'));
            let mut padded = frac.clone();
            while (padded.len() as u32) < scale { padded.push('0'); }
            let digits = std::format!("{int}{padded}");
            let mag: i128 = digits.parse().unwrap();
            let signed = if text.starts_with('-') { -mag } else { mag };
            proptest::prop_assert_eq!(signed, raw as i128);
            proptest::prop_assert!(text.parse::<f64>().is_ok());
        }
    }
}
