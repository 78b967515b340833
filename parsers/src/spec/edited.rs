//! Just enough of a numeric-edited PICTURE scanner to size a field: its length in bytes,
//! the digit positions it shows and its scale.
//!
//! The full edited codec (`numeric::edited::EditedPicture`) lives elsewhere; once it
//! exists, [`edited_shape`] is the one function to swap for it.

use crate::layout::NumericPic;

/// Most digit positions an edited picture may show (as for zoned and packed numbers).
const MAX_DIGITS: u16 = 31;

/// What the layout needs to know about an edited picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct EditedShape {
    /// Characters (= bytes) the edited text takes.
    pub len: usize,
    /// Digit positions, scale, and whether the picture can show a sign.
    pub pic: NumericPic,
}

/// Sizes a numeric-edited picture such as `ZZ,ZZ9.99-`, `$$$,$$9.99CR` or `Z(5)9.99`.
///
/// Symbols: `9 Z *` (digit positions), `$ + -` (a floating string: every occurrence but
/// the first is a digit position), `. V` (decimal point, `V` takes no byte),
/// `, B 0 /` (insertion), `CR DB` (two-byte signs), and `(n)` repeats the symbol before
/// it. A decimal comma (DECIMAL-POINT IS COMMA) and `P` scaling are not supported.
pub(super) fn edited_shape(picture: &str) -> Result<EditedShape, String> {
    let symbols = expand(picture)?;
    let count = |c: char| symbols.iter().filter(|&&s| s == c).count();
    // A floating symbol written once is a plain insertion character.
    let floating: Vec<char> = ['$', '+', '-']
        .into_iter()
        .filter(|&c| count(c) >= 2)
        .collect();
    let mut len = 0usize;
    let mut digits = 0u32;
    let mut scale = 0u32;
    let mut seen_floating = [false; 3];
    let mut point = false;
    for &s in &symbols {
        let is_digit = match s {
            '9' | 'Z' | '*' => true,
            '$' | '+' | '-' if floating.contains(&s) => {
                let slot = usize::from(s == '+') + 2 * usize::from(s == '-');
                let first = !seen_floating.get(slot).copied().unwrap_or(true);
                if let Some(seen) = seen_floating.get_mut(slot) {
                    *seen = true;
                }
                !first
            }
            '.' | 'V' => {
                if point {
                    return Err("has more than one decimal point".into());
                }
                point = true;
                false
            }
            _ => false,
        };
        len += match s {
            'V' => 0,
            'c' | 'd' => 2, // CR, DB
            _ => 1,
        };
        if is_digit {
            digits += 1;
            scale += u32::from(point);
        }
    }
    if digits == 0 {
        return Err("shows no digit positions (9, Z, * or a floating $ + -)".into());
    }
    let digits = u16::try_from(digits)
        .ok()
        .filter(|&d| d <= MAX_DIGITS)
        .ok_or_else(|| format!("shows {digits} digit positions, at most {MAX_DIGITS} allowed"))?;
    let signed = symbols.iter().any(|&s| matches!(s, '+' | '-' | 'c' | 'd'));
    Ok(EditedShape {
        len,
        pic: NumericPic {
            digits,
            scale: i16::try_from(scale).unwrap_or(i16::MAX),
            signed,
        },
    })
}

/// Upper-cases the picture and expands `X(n)` repeats into single symbols; `CR` and `DB`
/// become one symbol each (`c`, `d`).
fn expand(picture: &str) -> Result<Vec<char>, String> {
    const MAX_LEN: usize = 4096;
    let text = picture.trim().to_ascii_uppercase();
    if text.is_empty() {
        return Err("is empty".into());
    }
    let mut out: Vec<char> = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '9' | 'Z' | '*' | '$' | '+' | '-' | '.' | 'V' | ',' | 'B' | '0' | '/' => out.push(c),
            'C' | 'D' => {
                let second = if c == 'C' { 'R' } else { 'B' };
                if chars.next() != Some(second) {
                    return Err(format!("has `{c}` not followed by `{second}`"));
                }
                out.push(if c == 'C' { 'c' } else { 'd' });
            }
            '(' => {
                let mut n = String::new();
                for d in chars.by_ref() {
                    if d == ')' {
                        break;
                    }
                    n.push(d);
                }
                let times: usize = n
                    .parse()
                    .ok()
                    .filter(|&t| (1..=MAX_LEN).contains(&t))
                    .ok_or_else(|| format!("has a bad repeat count `({n})`"))?;
                let sym = *out.last().ok_or("starts with a repeat count")?;
                if matches!(sym, 'c' | 'd' | '.' | 'V') {
                    return Err("repeats a symbol that cannot repeat".into());
                }
                for _ in 1..times {
                    out.push(sym);
                }
            }
            other => {
                return Err(format!(
                    "has `{other}`, which is not a numeric-edited symbol"
                ))
            }
        }
        if out.len() > MAX_LEN {
            return Err(format!("is longer than {MAX_LEN} characters"));
        }
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use super::*;

    fn shape(p: &str) -> (usize, u16, i16, bool) {
        let s = edited_shape(p).unwrap();
        (s.len, s.pic.digits, s.pic.scale, s.pic.signed)
    }

    #[test]
    fn sizes_common_pictures() {
        // Zero suppression with a comma, two decimals and a trailing sign.
        assert_eq!(shape("ZZ,ZZ9.99-"), (10, 7, 2, true));
        // Floating currency: the first `$` is not a digit; CR takes two bytes.
        assert_eq!(shape("$$$,$$9.99CR"), (12, 7, 2, true));
        // Repeat counts and an implied point that takes no byte.
        assert_eq!(shape("Z(5)9V99"), (8, 8, 2, false));
        // A date mask with slash insertion.
        assert_eq!(shape("99/99/9999"), (10, 8, 0, false));
        // A single leading `+` is a fixed sign, not a digit.
        assert_eq!(shape("+ZZ9"), (4, 3, 0, true));
        // Floating minus sign: two of three are digit positions.
        assert_eq!(shape("---9"), (4, 3, 0, true));
        // Cheque protection and lower case.
        assert_eq!(shape("***,**9.99db"), (12, 8, 2, true));
    }

    #[test]
    fn rejects_bad_pictures() {
        // No digit positions at all.
        assert!(edited_shape("$,.").unwrap_err().contains("no digit"));
        // Letters that are not edited symbols.
        assert!(edited_shape("ZZX9").unwrap_err().contains("`X`"));
        // Two decimal points.
        assert!(edited_shape("9.9V9").unwrap_err().contains("more than one"));
        // A repeat count that is not a number, or zero.
        assert!(edited_shape("Z(a)9").unwrap_err().contains("repeat count"));
        assert!(edited_shape("Z(0)9").unwrap_err().contains("repeat count"));
        // A repeat count with nothing before it.
        assert!(edited_shape("(3)9").is_err());
        // `C` without `R`.
        assert!(edited_shape("99C").is_err());
        // Empty.
        assert!(edited_shape("  ").is_err());
        // Too many digits.
        assert!(edited_shape("9(32)").unwrap_err().contains("at most 31"));
    }
}
