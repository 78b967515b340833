//! Compiler dialects: the same copybook means different bytes on different compilers.
//!
//! IBM Enterprise COBOL writes COMP-5 big-endian and COMP-1/2 as IBM hexadecimal
//! floating point; GnuCOBOL and Micro Focus on x86 write COMP-5 and floats little-endian
//! IEEE, and their own ASCII sign conventions for zoned numbers. Each setting can be
//! overridden on its own.

use serde::Serialize;

/// Byte order of a binary item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Endian {
    Big,
    Little,
}

/// How COMP-1/COMP-2 items are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FloatFormat {
    /// IBM System/360 hexadecimal floating point (always big-endian).
    IbmHex,
    /// IEEE 754 binary32/binary64 in the given byte order.
    Ieee(Endian),
}

/// How a negative trailing/leading overpunched zoned digit is written in an ASCII code page.
/// (In EBCDIC the zone nibble carries the sign: C positive, D negative, F unsigned.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AsciiSign {
    /// IBM's letters mapped to ASCII: `{ A-I` positive 0-9, `} J-R` negative 0-9.
    Letters,
    /// GnuCOBOL / Micro Focus: positive is the plain digit, negative is `p`-`y` (0x70-0x79).
    Lowercase,
}

/// Everything that differs between compilers for one copybook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Dialect {
    /// Byte order of COMP-5 (native binary). COMP/COMP-4/BINARY are always big-endian.
    pub comp5_endian: Endian,
    /// Representation of COMP-1/COMP-2.
    pub float_format: FloatFormat,
    /// Sign convention written for overpunched zoned numbers in ASCII code pages
    /// (decode accepts both).
    pub ascii_sign: AsciiSign,
    /// Bytes of a USAGE POINTER, FUNCTION-POINTER or PROGRAM-POINTER item: the address
    /// width the program was compiled for (IBM Enterprise COBOL 31-bit, `LP(32)`: 4;
    /// GnuCOBOL and Micro Focus on 64-bit: 8). Unlike the other settings this one moves
    /// offsets, so it is given when a layout is loaded (`ParseOptions::dialect`).
    pub pointer_bytes: u8,
    /// Bytes of a USAGE PROCEDURE-POINTER item (IBM: 8, an entry address and a second
    /// word, under `LP(32)`; GnuCOBOL 64-bit: 8, one address).
    pub procedure_pointer_bytes: u8,
}

impl Dialect {
    pub const IBM: Dialect = Dialect {
        comp5_endian: Endian::Big,
        float_format: FloatFormat::IbmHex,
        ascii_sign: AsciiSign::Letters,
        pointer_bytes: 4,
        procedure_pointer_bytes: 8,
    };
    pub const GNUCOBOL: Dialect = Dialect {
        comp5_endian: Endian::Little,
        float_format: FloatFormat::Ieee(Endian::Little),
        ascii_sign: AsciiSign::Lowercase,
        pointer_bytes: 8,
        procedure_pointer_bytes: 8,
    };
    /// As GnuCOBOL (x86-64, little-endian, 8-byte pointers); not checked against a Micro
    /// Focus compiler.
    pub const MICROFOCUS: Dialect = Dialect::GNUCOBOL;

    /// `ibm`, `gnucobol` or `microfocus` (case-insensitive).
    pub fn by_name(name: &str) -> Option<Dialect> {
        match name.to_ascii_lowercase().as_str() {
            "ibm" => Some(Dialect::IBM),
            "gnucobol" | "gnu" | "opencobol" => Some(Dialect::GNUCOBOL),
            "microfocus" | "mf" => Some(Dialect::MICROFOCUS),
            _ => None,
        }
    }
}

/// How binary items relate to their PICTURE digits: IBM Enterprise COBOL's `TRUNC`
/// compiler option (GnuCOBOL's `binary-truncate`). It decides which values a binary item
/// (COMP, COMP-4, BINARY, Micro Focus COMP-X) may hold beyond the digits its PIC names, and
/// Ferrule applies the same rule to the pad nibble of a packed item with an even digit
/// count and of a COMP-6 item with an odd one (the other places bytes hold more digits
/// than the PIC). Decode and encode always agree: a value one side refuses, the other
/// refuses too, so whatever decodes encodes back.
///
/// COMP-5 items ignore it: IBM handles them as under `TRUNC(BIN)` whatever the option says.
/// So do pointers and indexes, which are addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Trunc {
    /// `TRUNC(STD)`: the host truncates binary results to the PIC's digits when it stores
    /// them, so a value beyond them is not one it wrote: decode and encode refuse it
    /// (`value needs 5 integer digits, the PIC allows 4`).
    Std,
    /// `TRUNC(OPT)`: the host assumes its data conforms to the PIC and gives unpredictable
    /// results when it does not, so values are held to the PIC exactly as under `Std`.
    Opt,
    /// `TRUNC(BIN)`: the whole halfword, fullword or doubleword is the value. Decode reads
    /// it and encode writes it back (65535 in `PIC 9(4) COMP`); only what the bytes cannot
    /// hold is refused. Ferrule's default: it reads every record exactly as stored.
    #[default]
    Bin,
}

impl Trunc {
    /// `std`, `opt` or `bin` (case-insensitive).
    pub fn by_name(name: &str) -> Option<Trunc> {
        match name.to_ascii_lowercase().as_str() {
            "std" => Some(Trunc::Std),
            "opt" => Some(Trunc::Opt),
            "bin" => Some(Trunc::Bin),
            _ => None,
        }
    }

    /// True when binary (not COMP-5) and even-digit packed items may hold values beyond
    /// their PIC digits, up to what their bytes hold.
    pub fn beyond_pic(self) -> bool {
        self == Trunc::Bin
    }
}

impl Default for Dialect {
    fn default() -> Self {
        Dialect::IBM
    }
}

/// What a program's SPECIAL-NAMES paragraph says about numeric-edited pictures:
/// `DECIMAL-POINT IS COMMA` and `CURRENCY SIGN IS "£" [WITH PICTURE SYMBOL "L"]`.
///
/// Unlike [`Dialect`], these change what a PICTURE means (`Z.ZZ9,99` has two decimals
/// only under DECIMAL-POINT IS COMMA), so they are given when a layout is loaded and
/// travel with each edited field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EditSymbols {
    /// `DECIMAL-POINT IS COMMA`: `,` is the decimal point and `.` the grouping insertion,
    /// in PICTUREs and in the data.
    pub decimal_comma: bool,
    /// The currency sign the data shows (`$`, `£`, `€`): one character.
    pub currency_sign: char,
    /// The PICTURE symbol that stands for the sign: the sign itself unless `WITH PICTURE
    /// SYMBOL` names another one.
    pub currency_symbol: char,
}

impl Default for EditSymbols {
    fn default() -> Self {
        EditSymbols::STANDARD
    }
}

/// Characters that can never be a PICTURE's currency symbol: the other PICTURE symbols
/// and COBOL's punctuation (IBM's list for `PICTURE SYMBOL`).
const NOT_A_CURRENCY_SYMBOL: &str = "0123456789ABCDEGNPRSVXZabcdegnprsvxz*+-/,.;()\"'= ";

/// Characters an edited field shows for other reasons, so a currency sign cannot be one
/// of them (it could not be told apart when reading the field back).
const NOT_A_CURRENCY_SIGN: &str = "0123456789*+-/,.;()\"'= CRDBcrdb";

impl EditSymbols {
    /// `.` decimal point, `,` grouping, `$` currency.
    pub const STANDARD: EditSymbols = EditSymbols {
        decimal_comma: false,
        currency_sign: '$',
        currency_symbol: '$',
    };

    /// True for the standard symbols (nothing declared).
    pub fn is_standard(&self) -> bool {
        *self == EditSymbols::STANDARD
    }

    /// `comma` -> true, `period` (or `point`, `dot`) -> false, for `--decimal-point`.
    pub fn decimal_point_by_name(name: &str) -> Option<bool> {
        match name.to_ascii_lowercase().as_str() {
            "comma" => Some(true),
            "period" | "point" | "dot" => Some(false),
            _ => None,
        }
    }

    /// These symbols with `CURRENCY SIGN IS sign [WITH PICTURE SYMBOL symbol]`.
    pub fn with_currency(self, sign: &str, symbol: Option<&str>) -> Result<EditSymbols, String> {
        let one = |s: &str, what: &str| -> Result<char, String> {
            let mut cs = s.chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) => Ok(c),
                (None, _) => Err(format!("the {what} is empty")),
                _ => Err(format!(
                    "the {what} `{s}` has {} characters; only a one-character currency \
                     sign (such as £ or €) is supported",
                    s.chars().count()
                )),
            }
        };
        let sign_c = one(sign, "currency sign")?;
        if NOT_A_CURRENCY_SIGN.contains(sign_c) {
            return Err(format!(
                "`{sign_c}` cannot be a currency sign: edited fields show it for digits, \
                 signs or punctuation"
            ));
        }
        let symbol_c = match symbol {
            Some(p) => one(p, "currency PICTURE SYMBOL")?,
            None => sign_c,
        };
        if NOT_A_CURRENCY_SYMBOL.contains(symbol_c) {
            return Err(format!(
                "`{symbol_c}` cannot be the currency symbol of a PICTURE: it is a PICTURE \
                 symbol or punctuation{}",
                if symbol.is_none() {
                    "; name another with WITH PICTURE SYMBOL (--currency-symbol)"
                } else {
                    ""
                }
            ));
        }
        Ok(EditSymbols {
            currency_sign: sign_c,
            currency_symbol: symbol_c,
            ..self
        })
    }

    /// These symbols (given by the caller) combined with the ones a layout file declares:
    /// DECIMAL-POINT IS COMMA if either says so; a currency from either, but two
    /// different currencies are refused.
    pub fn merge(self, declared: EditSymbols) -> Result<EditSymbols, String> {
        let currency = |s: &EditSymbols| (s.currency_sign, s.currency_symbol);
        let std = currency(&EditSymbols::STANDARD);
        let (mine, theirs) = (currency(&self), currency(&declared));
        if mine != std && theirs != std && mine != theirs {
            return Err(format!(
                "the currency sign {} given to Ferrule differs from the {} the layout declares",
                self.currency_sign, declared.currency_sign
            ));
        }
        let (currency_sign, currency_symbol) = if theirs != std { theirs } else { mine };
        Ok(EditSymbols {
            decimal_comma: self.decimal_comma || declared.decimal_comma,
            currency_sign,
            currency_symbol,
        })
    }

    /// The character the data shows for `.` (the point), `,` (grouping) and `$` (the
    /// currency sign) of a standard picture; any other character as it is.
    pub fn show(&self, standard: u8) -> char {
        match standard {
            b'.' if self.decimal_comma => ',',
            b',' if self.decimal_comma => '.',
            b'$' => self.currency_sign,
            b => char::from(b),
        }
    }

    /// The standard character for a character of the data: the inverse of [`Self::show`].
    /// `None` for a character these symbols never show (a non-ASCII character, or `$`
    /// when the currency sign is another).
    pub fn standard(&self, shown: char) -> Option<u8> {
        if shown == self.currency_sign {
            return Some(b'$');
        }
        match shown {
            '.' if self.decimal_comma => Some(b','),
            ',' if self.decimal_comma => Some(b'.'),
            '$' => None,
            c if c.is_ascii() => u8::try_from(c).ok(),
            _ => None,
        }
    }

    /// Rewrites a PICTURE string in the standard symbols (`.` point, `,` grouping, `$`
    /// currency) and gives, for each byte of the result, its byte offset in `picture`.
    /// Fails with the offending byte offset when `picture` uses `$` while another
    /// currency symbol is declared.
    pub fn normalize(&self, picture: &str) -> Result<(String, Vec<usize>), (usize, String)> {
        let mut out = String::with_capacity(picture.len());
        let mut offsets = Vec::with_capacity(picture.len());
        for (at, c) in picture.char_indices() {
            // PICTURE letters are case-insensitive, a currency symbol `L` too.
            let std = if c == self.currency_symbol
                || (c.is_ascii_alphabetic() && c.eq_ignore_ascii_case(&self.currency_symbol))
            {
                '$'
            } else {
                match c {
                    '$' => {
                        return Err((
                            at,
                            format!(
                                "`$` is not the currency symbol here: the currency symbol is \
                                 `{}`",
                                self.currency_symbol
                            ),
                        ))
                    }
                    '.' if self.decimal_comma => ',',
                    ',' if self.decimal_comma => '.',
                    c => c,
                }
            };
            out.push(std);
            offsets.extend(std::iter::repeat_n(at, std.len_utf8()));
        }
        Ok((out, offsets))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_and_unknown_names_do_not() {
        assert_eq!(Dialect::by_name("IBM"), Some(Dialect::IBM));
        assert_eq!(
            Dialect::by_name("gnucobol").map(|d| d.comp5_endian),
            Some(Endian::Little)
        );
        assert_eq!(Dialect::by_name("cobol-85"), None);
    }

    #[test]
    fn currency_signs_and_symbols() {
        // A sign alone is also the PICTURE symbol; WITH PICTURE SYMBOL names another.
        let s = EditSymbols::STANDARD.with_currency("£", None).unwrap();
        assert_eq!((s.currency_sign, s.currency_symbol), ('£', '£'));
        let s = EditSymbols::STANDARD
            .with_currency("€", Some("e"))
            .unwrap_err();
        assert!(s.contains("PICTURE symbol"), "{s}");
        let s = EditSymbols::STANDARD.with_currency("€", Some("U")).unwrap();
        assert_eq!((s.currency_sign, s.currency_symbol), ('€', 'U'));
        // Refused: several characters, a digit, a PICTURE letter without another symbol.
        assert!(EditSymbols::STANDARD
            .with_currency("EUR", None)
            .unwrap_err()
            .contains("3 characters"));
        assert!(EditSymbols::STANDARD.with_currency("", None).is_err());
        assert!(EditSymbols::STANDARD.with_currency("7", None).is_err());
        assert!(EditSymbols::STANDARD
            .with_currency("Z", None)
            .unwrap_err()
            .contains("WITH PICTURE SYMBOL"));
        assert!(EditSymbols::STANDARD.with_currency("-", Some("L")).is_err());
    }

    #[test]
    fn normalize_swaps_point_and_comma_and_maps_the_currency() {
        let comma = EditSymbols {
            decimal_comma: true,
            ..EditSymbols::STANDARD
        };
        assert_eq!(comma.normalize("Z.ZZ9,99").unwrap().0, "Z,ZZ9.99");
        // A two-byte symbol becomes one byte; offsets still point into the original.
        let pound = EditSymbols::STANDARD.with_currency("£", None).unwrap();
        let (s, offsets) = pound.normalize("££9.9Q").unwrap();
        assert_eq!(s, "$$9.9Q");
        assert_eq!(offsets, vec![0, 2, 4, 5, 6, 7]);
        // `$` while another symbol is declared.
        assert_eq!(pound.normalize("9$").unwrap_err().0, 1);
        // show / standard are inverse on what an edited field prints.
        for b in *b"0123456789 .,$*+-/CRDB" {
            assert_eq!(comma.standard(comma.show(b)), Some(b));
            assert_eq!(pound.standard(pound.show(b)), Some(b));
        }
        assert_eq!(pound.standard('$'), None);
        assert_eq!(pound.standard('é'), None);
    }

    #[test]
    fn trunc_names_resolve_and_only_bin_goes_beyond_the_pic() {
        // IBM's spellings, any case; bin is the default and the only one beyond the PIC.
        assert_eq!(Trunc::by_name("STD"), Some(Trunc::Std));
        assert_eq!(Trunc::by_name("opt"), Some(Trunc::Opt));
        assert_eq!(Trunc::by_name("Bin"), Some(Trunc::Bin));
        assert_eq!(Trunc::by_name("binary"), None);
        assert_eq!(Trunc::default(), Trunc::Bin);
        assert!(Trunc::Bin.beyond_pic());
        assert!(!Trunc::Std.beyond_pic() && !Trunc::Opt.beyond_pic());
    }
}
