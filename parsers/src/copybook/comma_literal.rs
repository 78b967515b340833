//! Numeric literals written with a decimal comma (`VALUE 19,6`), which mean 19.6 under
//! DECIMAL-POINT IS COMMA.
//!
//! The entry grammar reads statements before it knows the program's decimal point (a
//! SPECIAL-NAMES paragraph may come anywhere, or `--decimal-point comma` gives it), so the
//! lexer keeps such a literal as written and the tree stage, which knows, turns it into
//! the ordinary `19.6` or refuses it.

use super::lex::Spanned;
use super::CopybookError;
use super::Ctx;
use crate::layout::{ConditionValue, Literal};

/// `[+-]digits,digits`: a number with a decimal comma (a comma followed by a digit is no
/// separator, which needs a space after it).
pub(crate) fn is_comma_number(w: &str) -> bool {
    let body = w.strip_prefix(['+', '-']).unwrap_or(w);
    let Some((int, frac)) = body.split_once(',') else {
        return false;
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    digits(int) && digits(frac) && !frac.is_empty()
}

/// The values with every decimal-comma number rewritten with a point; an error at the
/// VALUE clause when the decimal point is not a comma.
pub(crate) fn normalise(
    ctx: &Ctx<'_>,
    values: &Spanned<Vec<ConditionValue>>,
) -> Result<Vec<ConditionValue>, CopybookError> {
    let one = |l: &Literal| -> Result<Literal, CopybookError> {
        match l {
            Literal::Number(n) if is_comma_number(n) => {
                if ctx.symbols.decimal_comma {
                    Ok(Literal::Number(n.replacen(',', ".", 1)))
                } else {
                    Err(ctx.err(
                        values.rest_len,
                        format!(
                            "the literal {n} has a decimal comma: declare DECIMAL-POINT IS \
                             COMMA (SPECIAL-NAMES, or --decimal-point comma)"
                        ),
                    ))
                }
            }
            other => Ok(other.clone()),
        }
    };
    values
        .value
        .iter()
        .map(|v| {
            Ok(match v {
                ConditionValue::One(l) => ConditionValue::One(one(l)?),
                ConditionValue::Range(a, b) => ConditionValue::Range(one(a)?, one(b)?),
            })
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use super::*;
    use crate::copybook::{parse, parse_all, ParseOptions, SourceFormat};
    use crate::dialect::EditSymbols;
    use crate::layout::Layout;

    const BODY: &str = "01 R.\n 05 RATE PIC S9(3)V9(4) COMP-3 VALUE 19,6.\n 05 CUT PIC 9V99 VALUE -0,05.\n   88 LOW VALUES 0,01 THRU 0,10.\n";

    fn value(l: &Layout, i: usize) -> Option<Literal> {
        l.root.children().get(i).and_then(|f| f.value.clone())
    }

    #[test]
    fn under_decimal_point_comma_a_comma_literal_is_a_decimal() {
        // From SPECIAL-NAMES in the copybook...
        let src = format!("SPECIAL-NAMES. DECIMAL-POINT IS COMMA.\n{BODY}");
        let l = parse_all(&src, SourceFormat::Free).unwrap().remove(0);
        assert_eq!(value(&l, 0), Some(Literal::Number("19.6".into())));
        assert_eq!(value(&l, 1), Some(Literal::Number("-0.05".into())));
        let cond = &l.root.children()[1].conditions[0];
        assert_eq!(
            cond.values,
            vec![ConditionValue::Range(
                Literal::Number("0.01".into()),
                Literal::Number("0.10".into())
            )]
        );
        // ... or from the caller (`--decimal-point comma`).
        let opts = ParseOptions {
            format: SourceFormat::Free,
            symbols: EditSymbols {
                decimal_comma: true,
                ..EditSymbols::STANDARD
            },
            ..ParseOptions::default()
        };
        let l = parse(BODY, &opts).unwrap();
        assert_eq!(value(&l, 0), Some(Literal::Number("19.6".into())));
    }

    #[test]
    fn without_it_a_comma_literal_is_refused_where_it_stands() {
        let e = parse_all(
            "01 R.\n 05 RATE PIC S9(3)V9(4) COMP-3 VALUE 19,6.",
            SourceFormat::Free,
        )
        .unwrap_err();
        assert!(e.to_string().contains("19,6 has a decimal comma"), "{e}");
        assert_eq!((e.line(), e.column()), (Some(2), Some(38)), "{e}");
        // In a level-88 range too.
        let e = parse_all(BODY.replace("19,6", "19").as_str(), SourceFormat::Free).unwrap_err();
        assert!(e.to_string().contains("0,01 has a decimal comma"), "{e}");
        assert_eq!(e.line(), Some(4), "{e}");
    }

    #[test]
    fn comma_numbers() {
        assert!(is_comma_number("19,6"));
        assert!(is_comma_number("-0,05"));
        // No digits after the comma, two commas, letters: not numbers.
        assert!(!is_comma_number("19,"));
        assert!(!is_comma_number("1,2,3"));
        assert!(!is_comma_number("A,5"));
        assert!(!is_comma_number("19.6"));
    }
}
