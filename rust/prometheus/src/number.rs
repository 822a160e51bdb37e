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

/// Room for the longest rendering: sign, 20 digits, point, 18 digits.
pub(crate) const NUMBER_CAPACITY: usize = 48;

/// A formatted number on the stack.
pub(crate) struct NumberText {
    buf: [u8; NUMBER_CAPACITY],
    start: usize,
}

impl NumberText {
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.buf.get(self.start..).unwrap_or(&[])
    }
}

/// Two-digit pairs "00".."99", for formatting two digits per division.
const DIGIT_PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Formats a value as Prometheus accepts it: plain decimal, no exponent.
pub(crate) fn format(value: Value) -> NumberText {
    match value {
        Value::Unsigned(v) => fixed(false, v, 0),
        Value::Signed(v) => fixed(v < 0, v.unsigned_abs(), 0),
        Value::Fixed { raw, scale } => fixed(raw < 0, raw.unsigned_abs(), scale),
    }
}

/// Formats `magnitude / 10^scale` with a leading `-` when `negative`;
/// trailing fractional zeros (and a bare point) are dropped.
pub(crate) fn fixed(negative: bool, magnitude: u64, scale: u32) -> NumberText {
    let scale = if scale > MAX_SCALE { MAX_SCALE } else { scale };
    if scale == 0 {
        return integer(negative, magnitude);
    }
    let mut out = NumberText {
        buf: [0; NUMBER_CAPACITY],
        start: NUMBER_CAPACITY,
    };
    let mut push = |c: u8| {
        // Cannot underflow: at most 1 + 20 + 1 + 18 characters are pushed.
        out.start -= 1;
        out.buf[out.start] = c;
    };
    let pow = 10u64.pow(scale);
    let (mut int, mut frac) = (magnitude / pow, magnitude % pow);
    if frac != 0 {
        let mut digits = scale;
        while frac % 10 == 0 {
            frac /= 10;
            digits -= 1;
        }
        for _ in 0..digits {
            push(b'0' + (frac % 10) as u8);
            frac /= 10;
        }
        push(b'.');
    }
    loop {
        push(b'0' + (int % 10) as u8);
        int /= 10;
        if int == 0 {
            break;
        }
    }
    if negative && magnitude != 0 {
        push(b'-');
    }
    out
}

/// Integer fast path: two digits per division, no scaling.
fn integer(negative: bool, mut magnitude: u64) -> NumberText {
    let mut out = NumberText {
        buf: [0; NUMBER_CAPACITY],
        start: NUMBER_CAPACITY,
    };
    let mut start = NUMBER_CAPACITY;
    let zero = magnitude == 0;
    while magnitude >= 100 {
        let pair = (magnitude % 100) as usize * 2;
        magnitude /= 100;
        start -= 2;
        if let (Some(dst), Some(src)) = (
            out.buf.get_mut(start..start + 2),
            DIGIT_PAIRS.get(pair..pair + 2),
        ) {
            dst.copy_from_slice(src);
        }
    }
    if magnitude >= 10 {
        let pair = magnitude as usize * 2;
        start -= 2;
        if let (Some(dst), Some(src)) = (
            out.buf.get_mut(start..start + 2),
            DIGIT_PAIRS.get(pair..pair + 2),
        ) {
            dst.copy_from_slice(src);
        }
    } else {
        start -= 1;
        if let Some(d) = out.buf.get_mut(start) {
            *d = b'0' + magnitude as u8;
        }
    }
    if negative && !zero {
        start -= 1;
        if let Some(d) = out.buf.get_mut(start) {
            *d = b'-';
        }
    }
    out.start = start;
    out
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
