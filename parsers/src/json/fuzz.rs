//! The decoder fuzz property, shared by the cargo-fuzz target and the corpus replay test.
//!
//! Input: the first byte picks one of a few embedded copybooks and the codec options, the
//! rest is one record. Checked: decoding with [`FieldErrorMode::Null`] never panics and
//! writes valid JSON; a record that decodes with no field errors encodes again, and that
//! record decodes to the same JSON.

use std::sync::OnceLock;

use serde_json::Value;

use super::{BlankNumbers, CodecOptions, Decoder, Encoder, FieldErrorMode, RedefinesMode};
use crate::codepage::CodePage;
use crate::copybook::{parse, ParseOptions};
use crate::dialect::{Dialect, Trunc};
use crate::layout::Layout;

/// The copybooks the selector byte chooses from (low three bits, modulo the count).
const COPYBOOKS: [(&str, &str); 5] = [
    ("custody", include_str!("../../../samples/custody.cpy")),
    ("person", include_str!("../../../samples/person.cpy")),
    ("vehicle", include_str!("../../../samples/vehicle.cpy")),
    (
        "redefines-odo",
        include_str!("../../../fuzz/copybooks/redefines-odo.cpy"),
    ),
    (
        "edited-float",
        include_str!("../../../fuzz/copybooks/edited-float.cpy"),
    ),
];

/// Code pages the selector byte chooses from (bits 3-4).
const PAGES: [&str; 4] = ["cp037", "cp1047", "latin1", "utf-8"];

/// The embedded copybooks, parsed once (fuzzing calls this millions of times).
fn layouts() -> &'static [Layout] {
    static LAYOUTS: OnceLock<Vec<Layout>> = OnceLock::new();
    LAYOUTS.get_or_init(|| {
        COPYBOOKS
            .iter()
            .map(|(name, text)| {
                parse(text, &ParseOptions::default())
                    .unwrap_or_else(|e| panic!("embedded copybook {name}: {e}"))
            })
            .collect()
    })
}

/// Codec options from the selector byte (blank numbers are errors): bits 3-4 code page, bit 5 GnuCOBOL dialect,
/// bit 6 every REDEFINES alternative, bit 7 ODO tables stored at their maximum; `--trunc
/// std` when the low three bits pass the copybook count.
fn options(selector: u8) -> CodecOptions {
    let page = PAGES
        .get(usize::from(selector >> 3) & 3)
        .and_then(|name| CodePage::by_name(name))
        .unwrap_or(CodecOptions::default().codepage);
    CodecOptions {
        codepage: page,
        dialect: if selector & 0x20 != 0 {
            Dialect::GNUCOBOL
        } else {
            Dialect::IBM
        },
        redefines: if selector & 0x40 != 0 {
            RedefinesMode::All
        } else {
            RedefinesMode::First
        },
        numbers_as_strings: false,
        odo_stored_max: selector & 0x80 != 0,
        // Low bits 5-7 wrap round to the first copybooks: try those under TRUNC(STD),
        // where decode refuses what encode would.
        trunc: if selector & 7 >= COPYBOOKS.len() as u8 {
            Trunc::Std
        } else {
            Trunc::Bin
        },
        blank_numbers: BlankNumbers::Error,
    }
}

/// Decodes one record to a JSON value, failing on the first bad field.
fn decode_clean(layout: &Layout, opts: CodecOptions, record: &[u8]) -> Value {
    let mut out = Vec::new();
    let mut dec = Decoder::new(layout, opts).unwrap_or_else(|e| panic!("decoder: {e}"));
    if let Err(e) = dec.decode(record, &mut out, FieldErrorMode::Fail) {
        panic!("a re-encoded record does not decode: {e}");
    }
    serde_json::from_slice(&out).unwrap_or_else(|e| panic!("decoder wrote invalid JSON: {e}"))
}

/// Encodes a JSON value, as a short record if it lacks its last fields.
fn encode(layout: &Layout, opts: CodecOptions, value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = Encoder::new(layout, opts).unwrap_or_else(|e| panic!("encoder: {e}"));
    if let Err(e) = enc.encode(value, &mut out, true) {
        panic!("a cleanly decoded record does not encode: {e}\n{value}");
    }
    out
}

/// Runs the decoder fuzz property on one input; panics when it does not hold.
pub fn fuzz_check(data: &[u8]) {
    let Some((&selector, record)) = data.split_first() else {
        return;
    };
    let all = layouts();
    let Some(layout) = all.get(usize::from(selector & 7) % all.len()) else {
        return;
    };
    // Blank numbers by the record's length, the selector's bits being taken: the JSON
    // round trip holds in every mode (null and zero are written back as values that
    // read the same, though not as the same bytes).
    let opts = CodecOptions {
        blank_numbers: match record.len() % 3 {
            0 => BlankNumbers::Error,
            1 => BlankNumbers::Null,
            _ => BlankNumbers::Zero,
        },
        ..options(selector)
    };
    let mut out = Vec::new();
    let mut dec = Decoder::new(layout, opts).unwrap_or_else(|e| panic!("decoder: {e}"));
    let Ok(decoded) = dec.decode(record, &mut out, FieldErrorMode::Null) else {
        // A record-level error (an ODO count out of range): nothing to round-trip.
        return;
    };
    assert!(decoded.consumed <= record.len(), "consumed past the end");
    let first: Value = serde_json::from_slice(&out).unwrap_or_else(|e| {
        panic!(
            "decoder wrote invalid JSON ({e}): {}",
            String::from_utf8_lossy(&out)
        )
    });
    if !decoded.field_errors.is_empty() {
        return;
    }
    let second = decode_clean(layout, opts, &encode(layout, opts, &first));
    match opts.redefines {
        RedefinesMode::First => assert_eq!(first, second, "JSON changed on re-encoding"),
        // Every alternative is shown but only one is written back, the others follow
        // from its bytes: the JSON settles one round later.
        RedefinesMode::All => {
            let third = decode_clean(layout, opts, &encode(layout, opts, &second));
            assert_eq!(second, third, "JSON changed on re-encoding");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_copybooks_parse() {
        // A copybook that stopped parsing would make every input a panic.
        assert_eq!(layouts().len(), COPYBOOKS.len());
    }

    #[test]
    fn fuzz_check_accepts_valid_and_invalid_records() {
        // Empty input, selector only, a short custody record, garbage for each copybook
        // and option bit, and an invalid packed nibble in vehicle's ENGINE-CC.
        fuzz_check(b"");
        fuzz_check(b"\x00");
        fuzz_check(b"\x00\xc3\xe4\xe2");
        for selector in [0u8, 1, 2, 3, 4, 0x0b, 0x14, 0x3c, 0x5b, 0xfc] {
            fuzz_check(&[selector, 0xff, 0x00, 0x40, 0xf1, 0x5c, 0x12, 0x3d, 0x7a]);
        }
        let mut vehicle = vec![2u8];
        vehicle.extend([0x40; 53]);
        vehicle.extend([
            0xf2, 0xf0, 0xf2, 0xf4, 0xf0, 0xf1, 0xf0, 0xf1, 0x1a, 0x2b, 0x3c,
        ]);
        fuzz_check(&vehicle);
    }
}
