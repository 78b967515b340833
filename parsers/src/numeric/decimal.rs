//! [`Decimal`]: an exact decimal number (digits and a power of ten) that every numeric
//! codec decodes to and encodes from, plus its JSON text form.
//!
//! It is `Copy` and never allocates, so the per-field decode loop stays on the stack.

use super::{DigitBuf, NumericError};
use std::fmt;

/// Most significant digits a [`Decimal`] holds (COBOL allows 31-38; room to spare).
pub const MAX_DIGITS: usize = 40;

/// An exact decimal number: unscaled digits and a power of ten. Copy, no heap.
///
/// The value is `(-1)^negative * digits * 10^-scale`. Digits are normalised without
/// leading zeros (zero has no digits) but trailing zeros are kept: `1.50` (scale 2) and
/// `1.5` (scale 1) are different `Decimal`s with the same value, because the scale is
/// what a PIC shows. A negative zero is kept too (packed `0D` must round-trip).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Decimal {
    negative: bool,
    len: u8,
    /// Digit values 0-9, most significant first; positions at and past `len` are 0 so the
    /// derived equality compares values only.
    digits: [u8; MAX_DIGITS],
    scale: i16,
}

impl Decimal {
    /// Zero with the given scale (`zero(2)` shows as `0.00`).
    pub fn zero(scale: i16) -> Decimal {
        Decimal {
            negative: false,
            len: 0,
            digits: [0; MAX_DIGITS],
            scale,
        }
    }

    /// Builds from digit values 0-9 (not ASCII), most significant first; leading zeros are
    /// dropped. Error if a digit is above 9 or more than MAX_DIGITS are significant.
    pub fn from_parts(negative: bool, digits: &[u8], scale: i16) -> Result<Decimal, NumericError> {
        let mut buf = DigitBuf::new();
        for (offset, &d) in digits.iter().enumerate() {
            if d > 9 {
                return Err(NumericError::InvalidDigit { offset, byte: d });
            }
            buf.push(d);
        }
        buf.finish(negative, scale)
    }

    /// Builds from digits already free of leading zeros and at most MAX_DIGITS long.
    pub(crate) fn from_normalised(negative: bool, digits: &[u8], scale: i16) -> Decimal {
        let mut d = Decimal::zero(scale);
        d.negative = negative;
        let n = digits.len().min(MAX_DIGITS);
        d.digits[..n].copy_from_slice(&digits[..n]);
        d.len = n as u8;
        d
    }

    /// Takes `len` significant digits at the front of `digits`, whose other slots must be
    /// 0 (as [`DigitBuf`] leaves them): no copy, no re-zeroing.
    #[inline]
    pub(crate) fn from_digit_array(
        negative: bool,
        digits: [u8; MAX_DIGITS],
        len: u8,
        scale: i16,
    ) -> Decimal {
        debug_assert!(digits.iter().skip(usize::from(len)).all(|&d| d == 0));
        Decimal {
            negative,
            len: len.min(MAX_DIGITS as u8),
            digits,
            scale,
        }
    }

    /// The unscaled integer `v` divided by `10^scale`.
    pub fn from_i128(v: i128, scale: i16) -> Decimal {
        let mut tmp = [0u8; MAX_DIGITS];
        let mut n = v.unsigned_abs();
        let mut start = MAX_DIGITS;
        // u128 has at most 39 digits, so `start` never underflows.
        while n > 0 && start > 0 {
            start -= 1;
            tmp[start] = (n % 10) as u8;
            n /= 10;
        }
        Decimal::from_normalised(v < 0, &tmp[start..], scale)
    }

    /// The unscaled integer, if it fits in an `i128` (error Overflow otherwise).
    pub fn to_i128(&self) -> Result<i128, NumericError> {
        let overflow = || NumericError::Overflow {
            digits: u16::from(self.len),
            allowed: 38,
        };
        let mut acc: i128 = 0;
        for &d in self.digits() {
            // Accumulate towards the sign so i128::MIN is reachable.
            let d = i128::from(d);
            acc = acc.checked_mul(10).ok_or_else(overflow)?;
            acc = if self.negative {
                acc.checked_sub(d)
            } else {
                acc.checked_add(d)
            }
            .ok_or_else(overflow)?;
        }
        Ok(acc)
    }

    /// True for values below zero and for negative zero.
    pub fn is_negative(&self) -> bool {
        self.negative
    }

    /// True for zero of either sign.
    pub fn is_zero(&self) -> bool {
        self.len == 0
    }

    /// The power of ten the unscaled digits are divided by.
    pub fn scale(&self) -> i16 {
        self.scale
    }

    /// Significant digits (values 0-9), most significant first; empty for zero.
    pub fn digits(&self) -> &[u8] {
        &self.digits[..usize::from(self.len)]
    }

    /// The same number with the sign flag set as given (used for negative zero).
    pub fn with_negative(mut self, negative: bool) -> Decimal {
        self.negative = negative;
        self
    }

    /// Parses JSON-number text exactly: optional `-` (or `+`), digits, optional fraction,
    /// optional exponent (`1.5e3`, `2E-2`). `-0.00` keeps its sign and scale; `1.` and `.5`
    /// are accepted. Anything else (NaN, hex, empty) is a Syntax error.
    pub fn parse(text: &str) -> Result<Decimal, NumericError> {
        let n = scan_number(text)?;
        let all = || n.int.bytes().chain(n.frac.bytes());
        let total = n.int.len() + n.frac.len();
        let mut buf = DigitBuf::new();
        all().for_each(|b| buf.push(b - b'0'));
        // Too many digits but ending in zeros ("1" and 50 zeros): fold just enough of the
        // zeros into the scale rather than fail.
        let excess = buf.seen.saturating_sub(MAX_DIGITS);
        let mut scale = n.frac.len() as i64 - n.exp;
        if excess > 0 && all().rev().take(excess).all(|b| b == b'0') {
            buf = DigitBuf::new();
            all().take(total - excess).for_each(|b| buf.push(b - b'0'));
            scale -= excess as i64;
        }
        let scale = i16::try_from(scale)
            .map_err(|_| NumericError::Syntax(format!("exponent out of range in {text:?}")))?;
        buf.finish(n.negative, scale)
    }

    /// Writes exact JSON number text, keeping the scale's trailing zeros: unscaled 123450
    /// scale 2 is `1234.50`, 5 at scale 2 is `0.05`, 12 at scale -3 is `12000`, zero at
    /// scale 2 is `0.00` and negative zero `-0.00`.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        // BLOCK spare bytes so the number text is copied in fixed-size blocks.
        let mut ascii = [0u8; MAX_DIGITS + super::text::BLOCK];
        let digits = self.digits();
        for (a, &d) in ascii.iter_mut().zip(digits) {
            *a = d + b'0';
        }
        super::text::write_number_in(self.negative, &ascii, 0, digits.len(), self.scale, out);
    }

    /// The same value at another scale. Inexact if a non-zero digit would be dropped
    /// (1.25 to scale 1); Overflow if the digits would exceed MAX_DIGITS.
    pub fn rescale(&self, scale: i16) -> Result<Decimal, NumericError> {
        let mut out = *self;
        out.scale = scale;
        if self.is_zero() || scale == self.scale {
            return Ok(out);
        }
        let n = usize::from(self.len);
        if scale > self.scale {
            let grow = (i32::from(scale) - i32::from(self.scale)) as usize;
            let total = n + grow;
            if total > MAX_DIGITS {
                return Err(NumericError::Overflow {
                    digits: u16::try_from(total).unwrap_or(u16::MAX),
                    allowed: MAX_DIGITS as u16,
                });
            }
            // The array is zero past `len`, so appending zeros is just a longer length.
            out.len = total as u8;
        } else {
            let drop = (i32::from(self.scale) - i32::from(scale)) as usize;
            if drop >= n || self.digits[n - drop..n].iter().any(|&d| d != 0) {
                return Err(NumericError::Inexact { scale });
            }
            out.digits[n - drop..n].fill(0);
            out.len = (n - drop) as u8;
        }
        Ok(out)
    }

    /// Digits the unscaled integer needs at the given scale (compare with
    /// `NumericPic::digits`): 1234.5 needs 6 at scale 2 (123450). Errors as [`Self::rescale`].
    pub fn precision_at(&self, scale: i16) -> Result<u16, NumericError> {
        Ok(u16::from(self.rescale(scale)?.len))
    }
}

impl fmt::Display for Decimal {
    /// Same text as [`Decimal::write_json`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = Vec::with_capacity(usize::from(self.len) + 4);
        self.write_json(&mut buf);
        f.write_str(std::str::from_utf8(&buf).map_err(|_| fmt::Error)?)
    }
}

/// The pieces of JSON-number text: ASCII digit strings and a decimal exponent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NumberText<'a> {
    pub negative: bool,
    /// Digits before the point (may be empty when a fraction follows).
    pub int: &'a str,
    /// Digits after the point (may be empty).
    pub frac: &'a str,
    /// The exponent after `e`/`E`, clamped to +-10^12 (far beyond any format's range).
    pub exp: i64,
}

/// Splits number text per JSON's grammar, leniently: a leading `+`, `1.` and `.5` pass.
pub(crate) fn scan_number(text: &str) -> Result<NumberText<'_>, NumericError> {
    let syntax = |why: &str| NumericError::Syntax(format!("{why} in {text:?}"));
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let digits_end = |s: &str| {
        s.bytes()
            .position(|b| !b.is_ascii_digit())
            .unwrap_or(s.len())
    };
    let i = digits_end(rest);
    let (int, mut rest) = rest.split_at(i);
    let mut frac = "";
    if let Some(r) = rest.strip_prefix('.') {
        let j = digits_end(r);
        frac = &r[..j];
        rest = &r[j..];
    }
    if int.is_empty() && frac.is_empty() {
        return Err(syntax("no digits"));
    }
    let mut exp: i64 = 0;
    if let Some(r) = rest.strip_prefix(['e', 'E']) {
        let (eneg, r) = match r.as_bytes().first() {
            Some(b'-') => (true, &r[1..]),
            Some(b'+') => (false, &r[1..]),
            _ => (false, r),
        };
        let j = digits_end(r);
        if j == 0 {
            return Err(syntax("no exponent digits"));
        }
        for b in r[..j].bytes() {
            exp = (exp * 10 + i64::from(b - b'0')).min(1_000_000_000_000);
        }
        if eneg {
            exp = -exp;
        }
        rest = &r[j..];
    }
    if !rest.is_empty() {
        return Err(syntax("unexpected characters"));
    }
    Ok(NumberText {
        negative,
        int,
        frac,
        exp,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn json(d: &Decimal) -> String {
        let mut v = Vec::new();
        d.write_json(&mut v);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn writes_json_keeping_scale() {
        // Unscaled 123450 at scale 2.
        assert_eq!(json(&Decimal::from_i128(123_450, 2)), "1234.50");
        // Fewer digits than the scale get a leading "0.".
        assert_eq!(json(&Decimal::from_i128(5, 2)), "0.05");
        // Negative scale (P positions) writes zeros.
        assert_eq!(json(&Decimal::from_i128(12, -3)), "12000");
        // Zero keeps its scale, and its sign.
        assert_eq!(json(&Decimal::zero(2)), "0.00");
        assert_eq!(json(&Decimal::zero(2).with_negative(true)), "-0.00");
        assert_eq!(json(&Decimal::zero(-2)), "0");
        assert_eq!(Decimal::from_i128(-7, 1).to_string(), "-0.7");
    }

    #[test]
    fn parses_json_numbers() {
        // Fraction digits become the scale.
        assert_eq!(
            Decimal::parse("1234.50").unwrap(),
            Decimal::from_i128(123_450, 2)
        );
        // Exponents move the scale.
        assert_eq!(Decimal::parse("1.5e3").unwrap(), Decimal::from_i128(15, -2));
        assert_eq!(Decimal::parse("2E-2").unwrap(), Decimal::from_i128(2, 2));
        // An exponent may carry a '+' sign.
        assert_eq!(
            Decimal::parse("1.5e+3").unwrap(),
            Decimal::from_i128(15, -2)
        );
        // Negative zero keeps sign and scale; leading zeros and '+' are fine.
        let z = Decimal::parse("-0.00").unwrap();
        assert!(z.is_zero() && z.is_negative() && z.scale() == 2);
        assert_eq!(Decimal::parse("+007").unwrap(), Decimal::from_i128(7, 0));
        assert_eq!(Decimal::parse(".5").unwrap(), Decimal::from_i128(5, 1));
    }

    #[test]
    fn rejects_non_numbers() {
        // Each of these is not JSON number text.
        for bad in [
            "", "-", "NaN", "0x1F", "1e", "1.2.3", "1 ", "e5", "--1", "Infinity",
        ] {
            assert!(
                matches!(Decimal::parse(bad), Err(NumericError::Syntax(_))),
                "{bad}"
            );
        }
        // 41 significant digits do not fit.
        let long = "1".repeat(41);
        assert!(matches!(
            Decimal::parse(&long),
            Err(NumericError::Overflow { .. })
        ));
        // Trailing zeros beyond MAX_DIGITS fold into the scale instead.
        let tens = format!("1{}", "0".repeat(50));
        let mut expect = [0u8; 40];
        expect[0] = 1;
        assert_eq!(
            Decimal::parse(&tens).unwrap(),
            Decimal::from_parts(false, &expect, -11).unwrap()
        );
        // An exponent pushing the scale past i16.
        assert!(matches!(
            Decimal::parse("1e-40000"),
            Err(NumericError::Syntax(_))
        ));
    }

    #[test]
    fn from_parts_drops_leading_zeros_and_checks_digits() {
        // Leading zeros vanish; zero has no digits.
        let d = Decimal::from_parts(false, &[0, 0, 1, 2], 1).unwrap();
        assert_eq!(d.digits(), &[1, 2]);
        assert!(Decimal::from_parts(true, &[0, 0], 0).unwrap().is_zero());
        // 10 is not a digit value.
        assert_eq!(
            Decimal::from_parts(false, &[1, 10], 0),
            Err(NumericError::InvalidDigit {
                offset: 1,
                byte: 10
            })
        );
    }

    #[test]
    fn i128_round_trips_and_overflows() {
        // Extremes of i128 survive.
        for v in [0, 1, -1, i128::MAX, i128::MIN] {
            assert_eq!(Decimal::from_i128(v, 0).to_i128().unwrap(), v);
        }
        // 40 nines do not fit an i128.
        let big = Decimal::from_parts(false, &[9; 40], 0).unwrap();
        assert!(matches!(big.to_i128(), Err(NumericError::Overflow { .. })));
    }

    #[test]
    fn rescale_is_exact_or_fails() {
        // Adding zeros is always exact.
        assert_eq!(
            Decimal::from_i128(125, 2).rescale(4).unwrap(),
            Decimal::from_i128(12_500, 4)
        );
        // Dropping zeros is exact, dropping a 5 is not.
        assert_eq!(
            Decimal::from_i128(1_250, 3).rescale(2).unwrap(),
            Decimal::from_i128(125, 2)
        );
        assert_eq!(
            Decimal::from_i128(125, 2).rescale(1),
            Err(NumericError::Inexact { scale: 1 })
        );
        // Scaling 1 to more than MAX_DIGITS digits.
        assert!(matches!(
            Decimal::from_i128(1, 0).rescale(40),
            Err(NumericError::Overflow { .. })
        ));
        // Zero rescales freely.
        assert_eq!(Decimal::zero(5).rescale(-3).unwrap(), Decimal::zero(-3));
    }

    #[test]
    fn rescale_reaches_exactly_max_digits() {
        // 1 grown to scale 39 is 40 digits: exactly MAX_DIGITS, still fits.
        let d = Decimal::from_i128(1, 0).rescale(39).unwrap();
        assert_eq!(d.digits().len(), MAX_DIGITS);
        assert_eq!(d.precision_at(39).unwrap(), 40);
        // One more digit does not.
        assert!(matches!(
            d.rescale(40),
            Err(NumericError::Overflow {
                digits: 41,
                allowed: 40
            })
        ));
    }

    #[test]
    fn precision_counts_stored_digits() {
        // 1234.5 at scale 2 is 123450: 6 digits.
        assert_eq!(Decimal::from_i128(12_345, 1).precision_at(2).unwrap(), 6);
        // 12000 at scale -3 is 12.
        assert_eq!(Decimal::from_i128(12_000, 0).precision_at(-3).unwrap(), 2);
        // 12001 cannot be shown at scale -3.
        assert!(Decimal::from_i128(12_001, 0).precision_at(-3).is_err());
    }

    fn any_decimal() -> impl Strategy<Value = Decimal> {
        (
            any::<bool>(),
            proptest::collection::vec(0u8..10, 0..=MAX_DIGITS),
            -50i16..50,
        )
            .prop_map(|(neg, d, s)| Decimal::from_parts(neg, &d, s).unwrap())
    }

    proptest! {
        #[test]
        fn json_text_round_trips(d in any_decimal()) {
            let back = Decimal::parse(&json(&d)).unwrap();
            // Text has no negative scale: "12000" parses at scale 0, the same value.
            if d.scale() >= 0 {
                prop_assert_eq!(back, d);
            } else {
                prop_assert_eq!(back.rescale(d.scale()).unwrap(), d);
            }
        }
    }
}
