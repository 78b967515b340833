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
}
