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
}

impl Dialect {
    pub const IBM: Dialect = Dialect {
        comp5_endian: Endian::Big,
        float_format: FloatFormat::IbmHex,
        ascii_sign: AsciiSign::Letters,
    };
    pub const GNUCOBOL: Dialect = Dialect {
        comp5_endian: Endian::Little,
        float_format: FloatFormat::Ieee(Endian::Little),
        ascii_sign: AsciiSign::Lowercase,
    };
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
/// (COMP, COMP-4, BINARY) may hold beyond the digits its PIC names, and Ferrule applies the
/// same rule to the pad nibble of a packed item with an even digit count (the one other
/// place bytes hold more digits than the PIC). Decode and encode always agree: a value one
/// side refuses, the other refuses too, so whatever decodes encodes back.
///
/// COMP-5 items ignore it: IBM handles them as under `TRUNC(BIN)` whatever the option says.
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
