//! Numeric-edited pictures (`ZZ,ZZ9.99CR`, `$$$,$$9.99`, `***9.99`, `-(5)9.99`, `99/99/99`):
//! numbers shown as text, parsed once into a list of character positions and then edited
//! or read back by COBOL's editing rules.
//!
//! Works on text: the caller converts code-page bytes to and from `str`. Offsets in
//! errors are character positions. `DECIMAL-POINT IS COMMA` and a `CURRENCY SIGN` other
//! than `$` ([`EditSymbols`]) are handled at the edges: the picture is rewritten in the
//! standard symbols once, and the editing below works on those; only the characters
//! shown are swapped on the way out and back. `P` is not supported.

use super::{check_len, fit_to_pic, Decimal, DigitBuf, NumericError, MAX_DIGITS};
use crate::dialect::EditSymbols;
use crate::layout::NumericPic;

/// Longest picture we expand (COBOL items are far shorter; this bounds `X(n)` blow-ups).
const MAX_LEN: usize = 1024;

/// One character position of the edited field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pos {
    /// `9`: always a digit.
    Nine,
    /// `Z` or `*`: a digit, replaced by the fill character while it is a leading zero.
    Suppress,
    /// The leftmost symbol of a floating string: shows the symbol or fill, never a digit.
    FloatSym,
    /// Further symbols of a floating string: digits once significance starts.
    FloatDigit,
    /// Simple insertion: `,` `B` (space) `0` `/`.
    Insert(u8),
    /// The actual decimal point `.`.
    Point,
    /// A fixed `+` or `-` at either end.
    Sign(u8),
    /// A fixed `$`.
    Currency,
}

/// What replaces suppressed positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// No suppression: only `9`s.
    None,
    /// `Z`: spaces.
    Zeros,
    /// `*`: check protection asterisks.
    Star,
    /// Floating `$`, `+` or `-`: spaces, and the symbol left of the first digit.
    Float(u8),
}

/// A parsed numeric-edited picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditedPicture {
    positions: Vec<Pos>,
    /// `CR` or `DB` at the right end.
    credit: Option<[u8; 2]>,
    mode: Mode,
    digits: u16,
    scale: i16,
    signed: bool,
    /// The decimal point and currency sign the data shows.
    symbols: EditSymbols,
}

/// Splits a picture into one-character symbols (`CR`/`DB` as `C`/`D`), expanding `x(n)`.
fn expand(standard: &str, picture: &str) -> Result<Vec<u8>, NumericError> {
    let err = |why: String| NumericError::Picture(format!("{why} in {picture:?}"));
    let bytes = standard.trim().as_bytes();
    let mut out: Vec<u8> = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let c = b.to_ascii_uppercase();
        match c {
            b'(' => {
                let inner = bytes.get(i + 1..).unwrap_or_default();
                let close = inner
                    .iter()
                    .position(|&b| b == b')')
                    .ok_or_else(|| err("unclosed '('".into()))?;
                let count: usize = std::str::from_utf8(inner.get(..close).unwrap_or_default())
                    .ok()
                    .and_then(|s| s.trim().parse().ok())
                    .filter(|n| (1..=MAX_LEN).contains(n))
                    .ok_or_else(|| err("bad repeat count".into()))?;
                let &last = out
                    .last()
                    .ok_or_else(|| err("repeat count without a symbol".into()))?;
                if matches!(last, b'C' | b'D') {
                    return Err(err("CR/DB cannot repeat".into()));
                }
                out.resize(out.len() + count - 1, last);
                i += close + 2;
            }
            b'C' | b'D' => {
                let next = bytes.get(i + 1).map(u8::to_ascii_uppercase);
                if (c, next) != (b'C', Some(b'R')) && (c, next) != (b'D', Some(b'B')) {
                    return Err(err(format!("unexpected '{}'", char::from(b))));
                }
                out.push(c);
                i += 2;
            }
            b'9' | b'Z' | b'*' | b'$' | b'+' | b'-' | b'.' | b',' | b'B' | b'0' | b'/' | b'V' => {
                out.push(c);
                i += 1;
            }
            _ => return Err(err(format!("unsupported symbol '{}'", char::from(b)))),
        }
        if out.len() > MAX_LEN {
            return Err(err("picture too long".into()));
        }
    }
    Ok(out)
}

impl EditedPicture {
    /// Parses an edited PIC string as written after PIC, with repetitions expanded or not
    /// (`ZZ,ZZ9.99CR`, `-(5)9.99`, `$$$,$$9.99`, `***9.99`, `+9(4)`, `99/99/99`, `DB`).
    pub fn parse(picture: &str) -> Result<EditedPicture, NumericError> {
        Self::parse_with(picture, EditSymbols::STANDARD)
    }

    /// Parses an edited PIC string written with `symbols` (under DECIMAL-POINT IS COMMA,
    /// `Z.ZZZ.ZZ9,99`; with CURRENCY SIGN IS "£", `£££,££9.99`).
    pub fn parse_with(picture: &str, symbols: EditSymbols) -> Result<EditedPicture, NumericError> {
        let (standard, _) = symbols
            .normalize(picture)
            .map_err(|(_, why)| NumericError::Picture(format!("{why} in {picture:?}")))?;
        let mut p = Self::parse_standard(&standard, picture)?;
        p.symbols = symbols;
        Ok(p)
    }

    /// Parses `standard` (the picture in standard symbols); messages quote `picture`.
    fn parse_standard(standard: &str, picture: &str) -> Result<EditedPicture, NumericError> {
        let err = |why: &str| NumericError::Picture(format!("{why} in {picture:?}"));
        let mut syms = expand(standard, picture)?;
        if syms.is_empty() {
            return Err(err("empty picture"));
        }
        let mut credit = None;
        if let Some(&c @ (b'C' | b'D')) = syms.last() {
            credit = Some(if c == b'C' { *b"CR" } else { *b"DB" });
            syms.pop();
        }
        if syms.iter().any(|&c| matches!(c, b'C' | b'D')) {
            return Err(err("CR/DB must be last"));
        }
        let mut positions = Vec::with_capacity(syms.len());
        let mut body = &syms[..];
        // A fixed sign or currency at the left: one symbol not followed by the same one.
        let mut lead_sign = None;
        // Insertion characters between repeats do not end a float: `-,---,--9.99` floats.
        let single_at = |s: &[u8], c: &[u8]| {
            s.first().is_some_and(|f| c.contains(f))
                && s.iter().skip(1).find(|x| !b",B0/".contains(x)) != s.first()
        };
        if let Some((&c, rest)) = body.split_first().filter(|_| single_at(body, b"+-")) {
            lead_sign = Some(c);
            positions.push(Pos::Sign(c));
            body = rest;
        }
        if let Some((_, rest)) = body.split_first().filter(|_| single_at(body, b"$")) {
            positions.push(Pos::Currency);
            body = rest;
        }
        // A fixed sign at the right, after the digits.
        let mut trail_sign = None;
        if let Some((&c @ (b'+' | b'-'), rest)) = body.split_last() {
            if rest.last() != Some(&c)
                && !rest.is_empty()
                && lead_sign.is_none()
                && credit.is_none()
            {
                trail_sign = Some(c);
                body = rest;
            }
        }
        let float = body
            .iter()
            .copied()
            .find(|c| b"9Z*$+-".contains(c))
            .filter(|c| b"$+-".contains(c));
        let mut mode = match float {
            Some(c) => Mode::Float(c),
            None => Mode::None,
        };
        let (mut digits, mut frac, mut point, mut seen_nine, mut float_count) =
            (0u16, 0i16, false, false, 0);
        for &c in body {
            let pos = match c {
                b'9' => {
                    seen_nine = true;
                    Pos::Nine
                }
                b'Z' | b'*' => {
                    let m = if c == b'Z' { Mode::Zeros } else { Mode::Star };
                    if seen_nine || !matches!(mode, Mode::None) && mode != m {
                        return Err(err("Z or * after 9, or mixed with another editing kind"));
                    }
                    mode = m;
                    Pos::Suppress
                }
                b'$' | b'+' | b'-' if Some(c) == float => {
                    if seen_nine {
                        return Err(err("floating symbol after 9"));
                    }
                    float_count += 1;
                    if float_count == 1 {
                        positions.push(Pos::FloatSym);
                        continue;
                    }
                    Pos::FloatDigit
                }
                b'.' | b'V' => {
                    if point {
                        return Err(err("more than one decimal point"));
                    }
                    point = true;
                    if c == b'V' {
                        continue;
                    }
                    Pos::Point
                }
                b',' | b'B' | b'0' | b'/' => Pos::Insert(if c == b'B' { b' ' } else { c }),
                _ => return Err(err(&format!("misplaced '{}'", char::from(c)))),
            };
            if matches!(pos, Pos::Nine | Pos::Suppress | Pos::FloatDigit) {
                digits += 1;
                if point {
                    frac += 1;
                }
            }
            positions.push(pos);
        }
        if float.is_some() && float_count < 2 {
            return Err(err("a lone currency or sign symbol inside the picture"));
        }
        if float.is_some_and(|f| f != b'$')
            && (lead_sign.is_some() || trail_sign.is_some() || credit.is_some())
        {
            return Err(err("more than one sign"));
        }
        if usize::from(digits) > MAX_DIGITS {
            return Err(err("too many digit positions"));
        }
        if let Some(c) = trail_sign {
            positions.push(Pos::Sign(c));
        }
        let signed = lead_sign.is_some()
            || trail_sign.is_some()
            || credit.is_some()
            || matches!(mode, Mode::Float(b'+' | b'-'));
        Ok(EditedPicture {
            positions,
            credit,
            mode,
            digits,
            scale: frac,
            signed,
            symbols: EditSymbols::STANDARD,
        })
    }

    /// Characters (and bytes) the field occupies.
    pub fn len(&self) -> usize {
        self.positions.len() + if self.credit.is_some() { 2 } else { 0 }
    }

    /// True for a picture with no positions (never produced by [`Self::parse`]).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Digits and scale the picture can show, signed if it has `+`, `-`, `CR` or `DB`.
    pub fn numeric_pic(&self) -> NumericPic {
        NumericPic {
            digits: self.digits,
            scale: self.scale,
            signed: self.signed,
        }
    }

    /// Whether a zero is shown as fill alone (blanks, or asterisks and the point): every
    /// digit position is suppressible. Only then is all-fill text a value encode writes,
    /// so decode reads it as zero for these pictures only.
    fn zero_is_fill(&self) -> bool {
        self.mode != Mode::None && self.positions.iter().all(|p| !matches!(p, Pos::Nine))
    }

    /// The character a floating symbol shows for this sign.
    fn float_char(sym: u8, negative: bool) -> u8 {
        match (sym, negative) {
            (b'$', _) => b'$',
            (_, true) => b'-',
            (b'+', false) => b'+',
            _ => b' ',
        }
    }

    /// Edits `value` by COBOL's rules into exactly [`Self::len`] characters. The value is
    /// rescaled to the picture's scale (Inexact/Overflow as for any PIC); a negative value
    /// for a picture without a sign is refused rather than shown without its sign.
    pub fn encode(&self, value: &Decimal) -> Result<String, NumericError> {
        let v = fit_to_pic(value, &self.numeric_pic())?;
        if v.is_negative() && !self.signed && !v.is_zero() {
            return Err(NumericError::Negative);
        }
        let negative = v.is_negative() && self.signed;
        let is_digit = |p: &Pos| matches!(p, Pos::Nine | Pos::Suppress | Pos::FloatDigit);
        let mut out = vec![b' '; self.len()];
        // All digit positions suppressible and the value zero: the whole field is blank
        // (or asterisks except the point for check protection).
        if v.is_zero() && self.zero_is_fill() {
            if self.mode == Mode::Star {
                for (o, p) in out
                    .iter_mut()
                    .zip(self.positions.iter().chain([Pos::Nine, Pos::Nine].iter()))
                {
                    *o = if *p == Pos::Point { b'.' } else { b'*' };
                }
            }
            return Ok(self.shown(&out));
        }
        // Digits right-aligned in the digit positions.
        let mut ds = [0u8; MAX_DIGITS];
        let pad = usize::from(self.digits) - v.digits().len();
        ds.iter_mut()
            .skip(pad)
            .zip(v.digits())
            .for_each(|(o, d)| *o = *d);
        // Significance starts at the first non-zero digit, a 9, or the decimal point.
        let mut k = 0;
        let mut sig = self.len();
        for (i, p) in self.positions.iter().enumerate() {
            let nonzero = is_digit(p) && ds.get(k).is_some_and(|&d| d != 0);
            if nonzero || matches!(p, Pos::Nine | Pos::Point) {
                sig = i;
                break;
            }
            k += usize::from(is_digit(p));
        }
        let supp_start = self
            .positions
            .iter()
            .position(|p| matches!(p, Pos::Suppress | Pos::FloatSym));
        let fill = if self.mode == Mode::Star { b'*' } else { b' ' };
        let mut k = 0;
        for (i, (o, p)) in out.iter_mut().zip(&self.positions).enumerate() {
            *o = match *p {
                Pos::Nine | Pos::Suppress | Pos::FloatDigit => {
                    let d = ds.get(k).copied().unwrap_or(0);
                    k += 1;
                    if i >= sig {
                        b'0' + d
                    } else {
                        fill
                    }
                }
                Pos::Insert(c) => {
                    if supp_start.is_some_and(|s| s < i) && i < sig {
                        fill
                    } else {
                        c
                    }
                }
                Pos::Point => b'.',
                Pos::FloatSym => fill,
                Pos::Sign(b'+') => {
                    if negative {
                        b'-'
                    } else {
                        b'+'
                    }
                }
                Pos::Sign(_) => {
                    if negative {
                        b'-'
                    } else {
                        b' '
                    }
                }
                Pos::Currency => b'$',
            };
        }
        if let Mode::Float(sym) = self.mode {
            if let Some(o) = sig.checked_sub(1).and_then(|i| out.get_mut(i)) {
                *o = Self::float_char(sym, negative);
            }
        }
        if let (Some(cr), true) = (self.credit, negative) {
            let at = self.positions.len();
            if let Some(tail) = out.get_mut(at..at + 2) {
                tail.copy_from_slice(&cr);
            }
        }
        Ok(self.shown(&out))
    }

    /// Reads edited text back to its value at the picture's scale: `" 1,234.50CR"` with
    /// `ZZ,ZZ9.99CR` is -1234.50. An all-blank field (BLANK WHEN ZERO, or a suppressed
    /// zero) and an all-asterisk check-protected zero read as 0 where the picture shows a
    /// zero that way (no `9` position); elsewhere a blank `9` is an invalid digit, as the
    /// text is none that encode writes (BLANK WHEN ZERO is the caller's: the item's clause).
    pub fn decode(&self, text: &str) -> Result<Decimal, NumericError> {
        if self.symbols.is_standard() {
            return self.decode_standard(text.as_bytes());
        }
        // Back to the standard characters; a character these symbols never show becomes
        // a byte no position accepts, and the error then names what was really there.
        let shown: Vec<char> = text.chars().collect();
        let standard: Vec<u8> = shown
            .iter()
            .map(|&c| self.symbols.standard(c).unwrap_or(0x80))
            .collect();
        let original = |offset: usize| {
            let mut buf = [0u8; 4];
            shown.get(offset).map_or(0, |c| {
                c.encode_utf8(&mut buf)
                    .as_bytes()
                    .first()
                    .copied()
                    .unwrap_or(0)
            })
        };
        self.decode_standard(&standard).map_err(|e| match e {
            NumericError::InvalidDigit { offset, .. } => NumericError::InvalidDigit {
                offset,
                byte: original(offset),
            },
            NumericError::InvalidSign { offset, .. } => NumericError::InvalidSign {
                offset,
                byte: original(offset),
            },
            other => other,
        })
    }

    /// The characters the data shows for the standard-symbol text `standard`.
    fn shown(&self, standard: &[u8]) -> String {
        standard.iter().map(|&b| self.symbols.show(b)).collect()
    }

    /// [`Self::decode`] of text in the standard symbols, one byte per position.
    fn decode_standard(&self, bytes: &[u8]) -> Result<Decimal, NumericError> {
        check_len(self.len(), bytes.len())?;
        if self.zero_is_fill()
            && (bytes.iter().all(|&b| b == b' ')
                || (self.mode == Mode::Star && bytes.iter().all(|&b| b == b'*' || b == b'.')))
        {
            return Ok(Decimal::zero(self.scale));
        }
        let float = match self.mode {
            Mode::Float(s) => Some(s),
            _ => None,
        };
        // Characters a floating symbol may have left behind, and whether they mean minus.
        let float_mark = |b: u8| match float {
            Some(b'$') => b == b'$',
            Some(_) => b == b'+' || b == b'-',
            None => false,
        };
        let mut buf = DigitBuf::new();
        let mut negative = false;
        let mut digits = 0;
        // Once a digit, a 9 or the point has been shown, editing shows every later digit
        // and insertion character: a blank or fill there is text no MOVE writes (and
        // read leniently, "  1 " in ZZZZ as 10, it would re-encode to other bytes).
        let mut significant = false;
        for (offset, (&b, p)) in bytes.iter().zip(&self.positions).enumerate() {
            let bad = || NumericError::InvalidDigit { offset, byte: b };
            match *p {
                Pos::Nine if b.is_ascii_digit() => {
                    buf.push(b - b'0');
                    significant = true;
                }
                Pos::Nine => return Err(bad()),
                Pos::Suppress | Pos::FloatDigit if significant && !b.is_ascii_digit() => {
                    return Err(bad())
                }
                Pos::Insert(c) if significant && b != c => return Err(bad()),
                Pos::Suppress | Pos::FloatDigit => {
                    let d = match b {
                        b'0'..=b'9' => {
                            significant = true;
                            b - b'0'
                        }
                        b' ' | b'*' => 0,
                        _ if *p == Pos::FloatDigit && float_mark(b) => {
                            negative |= b == b'-';
                            0
                        }
                        _ => return Err(bad()),
                    };
                    buf.push(d);
                }
                Pos::FloatSym => match b {
                    b' ' | b'*' => {}
                    _ if float_mark(b) => negative |= b == b'-',
                    _ => return Err(bad()),
                },
                Pos::Insert(c) => match b {
                    _ if b == c || b == b' ' || b == b'*' => {}
                    _ if float_mark(b) => negative |= b == b'-',
                    _ => return Err(bad()),
                },
                Pos::Point if b == b'.' => significant = true,
                Pos::Point => return Err(bad()),
                Pos::Sign(s) => match b {
                    b'-' => negative = true,
                    // A fixed `+` shows `+` or `-`, never a blank.
                    b'+' => {}
                    b' ' if s == b'-' => {}
                    _ => return Err(NumericError::InvalidSign { offset, byte: b }),
                },
                Pos::Currency if b == b'$' || b == b' ' => {}
                Pos::Currency => return Err(bad()),
            }
            digits += usize::from(matches!(p, Pos::Nine | Pos::Suppress | Pos::FloatDigit));
        }
        if let Some(cr) = self.credit {
            let at = self.positions.len();
            let tail = bytes.get(at..at + 2).unwrap_or_default();
            if tail.eq_ignore_ascii_case(&cr) {
                negative = true;
            } else if tail != b"  " {
                let (offset, byte) = tail
                    .iter()
                    .enumerate()
                    .find(|(i, b)| !b.eq_ignore_ascii_case(&cr[*i]))
                    .map_or((at, b' '), |(i, b)| (at + i, *b));
                return Err(NumericError::InvalidSign { offset, byte });
            }
        }
        debug_assert_eq!(digits, usize::from(self.digits));
        buf.finish(negative, self.scale)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn enc(pic: &str, v: i128, scale: i16) -> String {
        EditedPicture::parse(pic)
            .unwrap()
            .encode(&Decimal::from_i128(v, scale))
            .unwrap()
    }

    fn dec(pic: &str, text: &str) -> Decimal {
        EditedPicture::parse(pic).unwrap().decode(text).unwrap()
    }

    #[test]
    fn parses_shapes() {
        // Lengths, digits, scale and signedness.
        let cases: [(&str, usize, u16, i16, bool); 10] = [
            ("ZZ,ZZ9.99CR", 11, 7, 2, true),
            ("-(5)9.99", 9, 7, 2, true),
            ("$$$,$$9.99", 10, 7, 2, false),
            ("***9.99", 7, 6, 2, false),
            ("+9(4)", 5, 4, 0, true),
            ("99/99/99", 8, 6, 0, false),
            ("9(3)B9(3)", 7, 6, 0, false),
            ("ZZZ.ZZ", 6, 5, 2, false),
            ("DB", 2, 0, 0, true),
            ("ZZ9V99", 5, 5, 2, false),
        ];
        for (pic, len, digits, scale, signed) in cases {
            let p = EditedPicture::parse(pic).unwrap();
            assert_eq!(p.len(), len, "{pic}");
            assert_eq!(
                p.numeric_pic(),
                NumericPic {
                    digits,
                    scale,
                    signed
                },
                "{pic}"
            );
        }
    }

    #[test]
    fn rejects_bad_pictures() {
        // Each is not a valid numeric-edited picture.
        for bad in [
            "", "X(5)", "9Z", "ZZ**", "99.9.9", "CR99", "Z(0)", "9(", "$9$9", "+$$$9-", "9P",
        ] {
            assert!(
                matches!(EditedPicture::parse(bad), Err(NumericError::Picture(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn zero_suppression() {
        // Z replaces leading zeros and the commas between them.
        assert_eq!(enc("ZZ,ZZ9.99CR", -123_450, 2), " 1,234.50CR");
        assert_eq!(enc("ZZ,ZZ9.99CR", 5, 2), "     0.05  ");
        // Suppression stops at the decimal point.
        assert_eq!(enc("ZZZ.ZZ", 5, 2), "   .05");
        // All Z and zero: all blank.
        assert_eq!(enc("ZZZ.ZZ", 0, 2), "      ");
        assert_eq!(enc("ZZZ.99", 0, 2), "   .00");
    }

    #[test]
    fn check_protection() {
        // Asterisks replace leading zeros and insertion characters.
        assert_eq!(enc("**,**9.99", 1234, 2), "****12.34");
        // All asterisks and zero: asterisks except the point.
        assert_eq!(enc("***.**", 0, 2), "***.**");
        assert_eq!(dec("***.**", "***.**"), Decimal::zero(2));
    }

    #[test]
    fn floating_insertion() {
        // The symbol sits left of the first significant digit.
        assert_eq!(enc("$$$,$$9.99", 1234, 2), "    $12.34");
        assert_eq!(enc("$$$,$$9.99", 9_999_999, 2), "$99,999.99");
        // It may take a comma's place.
        assert_eq!(enc("$$,$$9", 100, 0), "  $100");
        // Floating minus: blank for positive.
        assert_eq!(enc("-(5)9.99", -1234, 2), "   -12.34");
        assert_eq!(enc("-(5)9.99", 1234, 2), "    12.34");
        assert_eq!(enc("++++9", 12, 0), "  +12");
        // A grouping comma right after the first floating symbol.
        assert_eq!(enc("-,--9.99", -1234, 2), "  -12.34");
        assert_eq!(enc("-,--9.99", -12_345, 2), " -123.45");
        // Fraction below one: symbol before the point.
        assert_eq!(enc("$$$.99", 50, 2), "  $.50");
        // A float whose first repeat follows a comma (report writers' `-,---,--9.99`).
        assert_eq!(enc("-,---,--9.99", -123_456, 2), "   -1,234.56");
        assert_eq!(enc("-,---,--9.99", 123_456, 2), "    1,234.56");
        assert_eq!(enc("$,$$9", 100, 0), " $100");
    }

    #[test]
    fn fixed_signs_and_insertion() {
        // Fixed leading plus, trailing minus, DB.
        assert_eq!(enc("+9(4)", -12, 0), "-0012");
        assert_eq!(enc("+9(4)", 12, 0), "+0012");
        assert_eq!(enc("9(4)-", 12, 0), "0012 ");
        assert_eq!(enc("9(4)DB", -12, 0), "0012DB");
        // Slash, B and 0 insertion.
        assert_eq!(enc("99/99/99", 311_224, 0), "31/12/24");
        assert_eq!(enc("9(3)B9(3)", 123_456, 0), "123 456");
        assert_eq!(enc("0999", 7, 0), "0007");
        // Fixed currency before suppression.
        assert_eq!(enc("$ZZ9.99", 5, 2), "$  0.05");
    }

    #[test]
    fn encode_refusals() {
        let p = EditedPicture::parse("ZZ9.99").unwrap();
        // Too many integer digits.
        assert_eq!(
            p.encode(&Decimal::from_i128(1000, 0)),
            Err(NumericError::Overflow {
                digits: 4,
                allowed: 3
            })
        );
        // Three decimals into two.
        assert_eq!(
            p.encode(&Decimal::from_i128(1, 3)),
            Err(NumericError::Inexact { scale: 2 })
        );
        // No sign symbol for a negative value.
        assert_eq!(
            p.encode(&Decimal::from_i128(-1, 0)),
            Err(NumericError::Negative)
        );
    }

    #[test]
    fn decodes_edited_text() {
        // Credit sign, commas, suppressed zeros.
        assert_eq!(
            dec("ZZ,ZZ9.99CR", " 1,234.50CR"),
            Decimal::from_i128(-123_450, 2)
        );
        assert_eq!(
            dec("ZZ,ZZ9.99CR", " 1,234.50  "),
            Decimal::from_i128(123_450, 2)
        );
        // All blank: zero where the picture shows zero so (every digit suppressible).
        assert_eq!(dec("ZZ,ZZZ.ZZCR", "           "), Decimal::zero(2));
        assert_eq!(dec("ZZZZ", "    "), Decimal::zero(0));
        // Floating minus.
        assert_eq!(dec("-(5)9.99", "   -12.34"), Decimal::from_i128(-1234, 2));
        assert_eq!(dec("$$,$$9", "  $100"), Decimal::from_i128(100, 0));
        // Lower-case db.
        assert_eq!(dec("9(4)DB", "0012db"), Decimal::from_i128(-12, 0));
    }

    #[test]
    fn decode_rejects_bad_text() {
        let p = EditedPicture::parse("ZZ9.99CR").unwrap();
        // A letter in a digit position.
        assert_eq!(
            p.decode("  X.00  "),
            Err(NumericError::InvalidDigit {
                offset: 2,
                byte: b'X'
            })
        );
        // Something other than CR or blanks.
        assert_eq!(
            p.decode("  1.00XY"),
            Err(NumericError::InvalidSign {
                offset: 6,
                byte: b'X'
            })
        );
        // Wrong length.
        assert_eq!(
            p.decode("1.00"),
            Err(NumericError::BadLength {
                expected: 8,
                got: 4
            })
        );
        // A 9 position holding a blank.
        assert!(EditedPicture::parse("99").unwrap().decode(" 1").is_err());
        // A blank among shown digits: "  1 " is no ZZZZ text (10 shows "  10").
        assert_eq!(
            EditedPicture::parse("ZZZZ").unwrap().decode("  1 "),
            Err(NumericError::InvalidDigit {
                offset: 3,
                byte: b' '
            })
        );
        assert!(EditedPicture::parse("ZZ,ZZ9")
            .unwrap()
            .decode("  1 23")
            .is_err());
        assert!(EditedPicture::parse("ZZZ.ZZ")
            .unwrap()
            .decode("   .5 ")
            .is_err());
        // Leading zeros in suppressed positions are still read (12).
        assert_eq!(
            EditedPicture::parse("ZZZ9").unwrap().decode("0012"),
            Ok(Decimal::from_i128(12, 0))
        );
        // A fixed + shows + or -, a fixed - shows - or a blank.
        assert_eq!(
            EditedPicture::parse("ZZ9+").unwrap().decode(" 12 "),
            Err(NumericError::InvalidSign {
                offset: 3,
                byte: b' '
            })
        );
        assert!(EditedPicture::parse("ZZ9-").unwrap().decode(" 12 ").is_ok());
        // All blank where zero shows a digit (encode writes "     0.00  "): the first 9
        // holds a blank. Read as 0 it would re-encode to other bytes.
        assert_eq!(
            EditedPicture::parse("ZZ,ZZ9.99CR")
                .unwrap()
                .decode("           "),
            Err(NumericError::InvalidDigit {
                offset: 5,
                byte: b' '
            })
        );
        assert!(EditedPicture::parse("ZZZ9")
            .unwrap()
            .decode("    ")
            .is_err());
        // Check protection: all asterisks only where zero is shown so.
        assert!(EditedPicture::parse("***9.99")
            .unwrap()
            .decode("****.**")
            .is_err());
    }

    #[test]
    fn picture_length_is_bounded_at_max_len() {
        // 1024 symbols is the longest picture expanded; one more is refused, also when a
        // repeat jumps past the bound (a check for equality alone would miss that).
        let p = EditedPicture::parse("9B(1023)").unwrap();
        assert_eq!(p.len(), MAX_LEN);
        for long in ["99B(1023)", "9B(1024)", "9B(1023)9"] {
            assert!(
                matches!(EditedPicture::parse(long), Err(NumericError::Picture(m)) if m.contains("too long")),
                "{long}"
            );
        }
    }

    #[test]
    fn only_the_floating_symbol_floats() {
        // A sign or currency symbol inside the picture that is not the floating one (nor a
        // fixed symbol at an end) is misplaced: `Z+Z9` has no float, `$$+$$9` floats `$`.
        for bad in ["Z+Z9", "$$+$$9", "ZZ$Z9", "++$+9"] {
            assert!(
                matches!(EditedPicture::parse(bad), Err(NumericError::Picture(m)) if m.contains("misplaced")),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_float_needs_two_symbols() {
        // A floating string is at least two symbols: `$$9` floats (one digit position
        // more), a single `$` or `+` after an insertion character is refused.
        let p = EditedPicture::parse("$$9").unwrap();
        assert_eq!((p.len(), p.numeric_pic().digits), (3, 2));
        assert_eq!(enc("$$9", 5, 0), " $5");
        assert_eq!(enc("$$9", 15, 0), "$15");
        for bad in ["B$99", "0+99"] {
            assert!(
                matches!(EditedPicture::parse(bad), Err(NumericError::Picture(m)) if m.contains("lone")),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_floating_sign_is_the_only_sign() {
        // A floating + or - shows the sign; a fixed sign before or after it, or CR/DB,
        // would be a second one.
        for bad in ["+---9", "---9+", "---9-", "+++9CR", "---9DB"] {
            assert!(
                matches!(EditedPicture::parse(bad), Err(NumericError::Picture(m)) if m.contains("more than one sign")),
                "{bad}"
            );
        }
        // A floating $ with a fixed sign is fine.
        assert_eq!(enc("$$$9-", -12, 0), " $12-");
    }

    #[test]
    fn digit_positions_are_bounded_by_max_digits() {
        // As many digit positions as a Decimal holds, and not one more.
        let most = format!("9({MAX_DIGITS})");
        assert_eq!(
            EditedPicture::parse(&most).unwrap().numeric_pic().digits,
            u16::try_from(MAX_DIGITS).unwrap()
        );
        let over = format!("9({})", MAX_DIGITS + 1);
        assert!(
            matches!(EditedPicture::parse(&over), Err(NumericError::Picture(m)) if m.contains("too many digit")),
        );
    }

    #[test]
    fn is_empty_means_no_characters() {
        // Every parsed picture has a position; only a picture of none is empty.
        assert!(!EditedPicture::parse("9").unwrap().is_empty());
        assert!(!EditedPicture::parse("DB").unwrap().is_empty());
        let none = EditedPicture {
            positions: Vec::new(),
            credit: None,
            mode: Mode::None,
            digits: 0,
            scale: 0,
            signed: false,
            symbols: EditSymbols::STANDARD,
        };
        assert!(none.is_empty());
    }

    #[test]
    fn decode_checks_insertion_and_point_after_significance() {
        // Once digits show, editing shows every insertion character: a blank or an
        // asterisk where the comma belongs is no text a MOVE writes.
        let p = EditedPicture::parse("9,999").unwrap();
        assert_eq!(p.decode("1,234"), Ok(Decimal::from_i128(1234, 0)));
        for (text, byte) in [("1 234", b' '), ("1*234", b'*'), ("1.234", b'.')] {
            assert_eq!(
                p.decode(text),
                Err(NumericError::InvalidDigit { offset: 1, byte }),
                "{text}"
            );
        }
        // The decimal point position holds the point and nothing else.
        let p = EditedPicture::parse("ZZ9.99").unwrap();
        assert_eq!(
            p.decode(" 12,34"),
            Err(NumericError::InvalidDigit {
                offset: 3,
                byte: b','
            })
        );
    }

    #[test]
    fn leftmost_floating_symbol_never_holds_a_digit() {
        // `$$$9` shows at most three digits ("$999"); the first position is the symbol
        // or a blank, so a digit or another character there is refused.
        let p = EditedPicture::parse("$$$9").unwrap();
        assert_eq!(p.decode("$999"), Ok(Decimal::from_i128(999, 0)));
        for (text, byte) in [("1234", b'1'), ("+123", b'+'), ("x 12", b'x')] {
            assert_eq!(
                p.decode(text),
                Err(NumericError::InvalidDigit { offset: 0, byte }),
                "{text}"
            );
        }
    }

    #[test]
    fn floating_minus_in_a_commas_place_reads_negative() {
        // -123.45 in `-,---,--9.99`: the minus floats into the second comma's place.
        assert_eq!(enc("-,---,--9.99", -12_345, 2), "     -123.45");
        assert_eq!(
            dec("-,---,--9.99", "     -123.45"),
            Decimal::from_i128(-12_345, 2)
        );
        assert_eq!(
            dec("-,---,--9.99", "      123.45"),
            Decimal::from_i128(12_345, 2)
        );
    }

    #[test]
    fn credit_sign_error_names_the_bad_byte() {
        // "CX" for CR: the second character is the bad one, at its own offset.
        assert_eq!(
            EditedPicture::parse("ZZ9.99CR").unwrap().decode("  1.00CX"),
            Err(NumericError::InvalidSign {
                offset: 7,
                byte: b'X'
            })
        );
    }

    fn comma() -> EditSymbols {
        EditSymbols {
            decimal_comma: true,
            ..EditSymbols::STANDARD
        }
    }

    fn with(pic: &str, symbols: EditSymbols) -> EditedPicture {
        EditedPicture::parse_with(pic, symbols).unwrap()
    }

    #[test]
    fn decimal_point_is_comma() {
        // `Z.ZZZ.ZZ9,99` of 1234567.89 is "1.234.567,89", and back.
        let p = with("Z.ZZZ.ZZ9,99", comma());
        assert_eq!(
            (p.len(), p.numeric_pic().scale, p.numeric_pic().digits),
            (12, 2, 9)
        );
        let v = Decimal::from_i128(123_456_789, 2);
        assert_eq!(p.encode(&v).unwrap(), "1.234.567,89");
        assert_eq!(p.decode("1.234.567,89").unwrap(), v);
        // Suppressed grouping points and a small value.
        assert_eq!(p.encode(&Decimal::from_i128(5, 2)).unwrap(), "        0,05");
        assert_eq!(p.decode("        0,05").unwrap(), Decimal::from_i128(5, 2));
        // Check protection, floating minus and CR keep working.
        assert_eq!(
            with("**.**9,99", comma())
                .encode(&Decimal::from_i128(1234, 2))
                .unwrap(),
            "****12,34"
        );
        assert_eq!(
            with("-(4)9,99", comma())
                .encode(&Decimal::from_i128(-1234, 2))
                .unwrap(),
            "  -12,34"
        );
        assert_eq!(
            with("ZZ.ZZ9,99CR", comma()).decode(" 1.234,50CR").unwrap(),
            Decimal::from_i128(-123_450, 2)
        );
        // The standard reading of the same text is refused: a point where the comma
        // (the decimal point) must be, and the other way round.
        assert_eq!(
            p.decode("1,234,567.89"),
            Err(NumericError::InvalidDigit {
                offset: 1,
                byte: b','
            })
        );
        // Two commas are two decimal points under DECIMAL-POINT IS COMMA.
        assert!(EditedPicture::parse_with("Z,ZZ9,99", comma()).is_err());
    }

    #[test]
    fn currency_signs() {
        // `£££,££9.99` with CURRENCY SIGN IS "£": a floating pound sign.
        let pound = EditSymbols::STANDARD.with_currency("£", None).unwrap();
        let p = with("£££,££9.99", pound);
        assert_eq!((p.len(), p.numeric_pic().digits), (10, 7));
        let v = Decimal::from_i128(123_456, 2);
        assert_eq!(p.encode(&v).unwrap(), " £1,234.56");
        assert_eq!(p.decode(" £1,234.56").unwrap(), v);
        assert_eq!(
            p.encode(&Decimal::from_i128(9_999_999, 2)).unwrap(),
            "£99,999.99"
        );
        // A dollar sign is not this field's currency sign.
        assert_eq!(
            p.decode(" $1,234.56"),
            Err(NumericError::InvalidDigit {
                offset: 1,
                byte: b'$'
            })
        );
        // WITH PICTURE SYMBOL "E" for the euro, and both settings together: a fixed
        // sign before the digits, `,` as the decimal point.
        let euro = comma().with_currency("€", Some("U")).unwrap();
        let p = with("UZ.ZZ9,99", euro);
        assert_eq!(
            p.encode(&Decimal::from_i128(123_456, 2)).unwrap(),
            "€1.234,56"
        );
        assert_eq!(p.decode("€    0,05").unwrap(), Decimal::from_i128(5, 2));
        // A character no position accepts is reported as found (its first UTF-8 byte).
        assert_eq!(
            p.decode("£1.234,56"),
            Err(NumericError::InvalidDigit {
                offset: 0,
                byte: 0xC2
            })
        );
        // `$` in a picture when another symbol is declared.
        assert!(matches!(
            EditedPicture::parse_with("$$9.99", pound),
            Err(NumericError::Picture(m)) if m.contains("not the currency symbol")
        ));
    }

    const PICTURES: [&str; 16] = [
        "ZZ,ZZ9.99CR",
        "-(5)9.99",
        "$$$,$$9.99",
        "***9.99",
        "+9(4)",
        "99/99/99",
        "9(3)B9(3)",
        "ZZZ.ZZ",
        "DB",
        "**,***.**DB",
        "$$,$$$.$$",
        "+(6).99",
        "$ZZZ9V99-",
        "ZZ9",
        "-$$$9.99",
        "Z(3),Z(3),Z(3),Z(3),Z(2)9.9(4)+",
    ];

    proptest! {
        #[test]
        fn round_trips(i in 0..PICTURES.len(), neg: bool, seed in proptest::collection::vec(0u8..10, 40)) {
            let p = EditedPicture::parse(PICTURES[i]).unwrap();
            let np = p.numeric_pic();
            let v = Decimal::from_parts(neg && np.signed, &seed[..usize::from(np.digits)], np.scale).unwrap();
            let text = p.encode(&v).unwrap();
            prop_assert_eq!(text.len(), p.len());
            let back = p.decode(&text).unwrap();
            // A blanked zero loses the sign of a negative zero; values must agree.
            let norm = |d: Decimal| if d.is_zero() { d.with_negative(false) } else { d };
            prop_assert_eq!(norm(back), norm(v), "{} as {:?}", PICTURES[i], text);
        }
    }
}
