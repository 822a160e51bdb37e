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
        Value::Unsigned(v as u64)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Unsigned(v as u64)
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
