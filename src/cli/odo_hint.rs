//! What to suggest when a fixed-framed file of OCCURS DEPENDING ON records stops at a
//! counter that cannot be right. Read at their actual length, records follow one another
//! as their counters say; a file padded to the maximum (`--odo-stored-max`) or one with
//! length headers (`--framing rdw`...) read that way fails at record 2 with an absurd
//! count. Each reading is tried on the first bytes of the input, which the decode loop
//! keeps (at most [`KEEP`]), so the hint names one that would have worked.

use ferrule_parsers::framing::{Framing, RecordReader};
use ferrule_parsers::json::{CodecOptions, Decoder, FieldErrorMode};
use ferrule_parsers::layout::Layout;

/// Bytes from the start of the input kept for trying other readings.
pub const KEEP: usize = 64 * 1024;

/// Variable-length framings worth trying, most common first.
const FRAMINGS: &[&str] = &[
    "rdw",
    "bdw",
    "rdw-excl",
    "len4",
    "len2",
    "rdw-le",
    "rdw-le-excl",
];

/// The first bytes of the input (up to [`KEEP`]).
#[derive(Default)]
pub struct Seen(Vec<u8>);

impl Seen {
    /// Adds the next bytes of the input, as far as [`KEEP`] allows.
    pub fn push(&mut self, bytes: &[u8]) {
        let room = KEEP.saturating_sub(self.0.len());
        self.0.extend(bytes.iter().take(room));
    }
}

/// A line of advice naming a reading under which every record wholly within `seen`
/// decodes cleanly (at least one), or `None` when neither does.
pub fn hint(layout: &Layout, opts: CodecOptions, seen: &Seen) -> Option<String> {
    let seen = &seen.0;
    if let Some(n) = stored_max(layout, opts, seen) {
        return Some(format!(
            "hint: read with --odo-stored-max (tables stored at full size, {} bytes a record), the first {n} record(s) decode cleanly",
            layout.max_len()
        ));
    }
    FRAMINGS.iter().find_map(|name| {
        let n = framed(layout, opts, seen, name)?;
        Some(format!(
            "hint: read with --framing {name}, the first {n} record(s) decode cleanly and are as long as their counters say"
        ))
    })
}

/// How many records of the layout's maximum length at the start of `seen` decode
/// without a single bad field with tables stored at full size.
fn stored_max(layout: &Layout, opts: CodecOptions, seen: &[u8]) -> Option<usize> {
    let max = layout.max_len();
    let opts = CodecOptions {
        odo_stored_max: true,
        ..opts
    };
    let mut dec = Decoder::new(layout, opts).ok()?;
    let mut out = Vec::new();
    let mut n = 0;
    for rec in seen.chunks_exact(max.max(1)) {
        out.clear();
        let d = dec.decode(rec, &mut out, FieldErrorMode::Fail).ok()?;
        if !d.field_errors.is_empty() {
            return None;
        }
        n += 1;
    }
    (n > 0).then_some(n)
}

/// How many whole records `seen` holds in framing `name` that decode without a bad
/// field and whose ODO length is the length their header gives.
fn framed(layout: &Layout, opts: CodecOptions, seen: &[u8], name: &str) -> Option<usize> {
    let framing = Framing::parse(name).ok()?;
    let mut reader = RecordReader::new(seen, framing).with_max_record_len(layout.max_len());
    let mut dec = Decoder::new(layout, opts).ok()?;
    let mut out = Vec::new();
    let mut n = 0;
    // The end of `seen` usually cuts a record: the records before it are the evidence.
    while let Ok(Some(rec)) = reader.next_record() {
        out.clear();
        let d = dec.decode(rec, &mut out, FieldErrorMode::Fail).ok()?;
        if !d.field_errors.is_empty() || d.consumed != rec.len() || rec.is_empty() {
            return None;
        }
        n += 1;
    }
    (n > 0).then_some(n)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use ferrule_parsers::codepage::CodePage;
    use ferrule_parsers::copybook::{parse, ParseOptions};

    const CPY: &str = "\
       01 REC.
           05 CNT PIC 9.
           05 TBL OCCURS 0 TO 5 TIMES DEPENDING ON CNT PIC XX.
           05 TAIL PIC 9.
";

    fn opts() -> CodecOptions {
        CodecOptions {
            codepage: CodePage::by_name("latin1").unwrap(),
            ..CodecOptions::default()
        }
    }

    fn hint_for(bytes: &[u8]) -> Option<String> {
        let layout = parse(CPY, &ParseOptions::default()).unwrap();
        let mut seen = Seen::default();
        seen.push(bytes);
        hint(&layout, opts(), &seen)
    }

    #[test]
    fn a_file_padded_to_the_maximum_suggests_odo_stored_max() {
        let h = hint_for(b"2aabb      13aabbcc    2").unwrap();
        assert!(h.contains("--odo-stored-max"), "{h}");
        assert!(h.contains("first 2 record(s)"), "{h}");
    }

    #[test]
    fn a_file_with_rdws_suggests_that_framing() {
        // Two RDW records (6 and 8 data bytes), the second cut by the end of what was kept.
        let h = hint_for(b"\x00\x0a\x00\x002aabb1\x00\x0c\x00\x003aab").unwrap();
        assert!(h.contains("--framing rdw,"), "{h}");
        // len2: 2-byte length counting the record only.
        let h = hint_for(b"\x00\x062aabb1\x00\x083aabbcc2").unwrap();
        assert!(h.contains("--framing len2"), "{h}");
    }

    #[test]
    fn ebcdic_padding_read_as_a_binary_counter() {
        // The case from the field: S9(4) COMP counter, cp037, file padded with EBCDIC
        // spaces; record 2 read at actual length takes two spaces (0x4040 = 16448) as its
        // count. Stored at full size, both records decode.
        const BIN: &str = "\
       01 REC.
           05 CNT PIC S9(4) COMP.
           05 TBL OCCURS 0 TO 5 TIMES DEPENDING ON CNT PIC X.
";
        let layout = parse(BIN, &ParseOptions::default()).unwrap();
        let mut seen = Seen::default();
        seen.push(b"\x00\x01\xc1\x40\x40\x40\x40\x00\x02\xc1\xc2\x40\x40\x40");
        let h = hint(&layout, CodecOptions::default(), &seen).unwrap();
        assert!(h.contains("--odo-stored-max"), "{h}");
        assert!(h.contains("first 2 record(s)"), "{h}");
    }

    #[test]
    fn garbage_gets_no_hint() {
        // Neither reading decodes a clean record: no advice rather than a wrong one.
        assert_eq!(hint_for(b"xxxxxxxxxxxxxxxxxxxxxxxx"), None);
        assert_eq!(hint_for(b""), None);
    }

    #[test]
    fn seen_keeps_only_the_first_bytes() {
        let mut s = Seen::default();
        s.push(&vec![1; KEEP - 1]);
        s.push(&[2, 3, 4]);
        assert_eq!(s.0.len(), KEEP);
        assert_eq!(s.0.last(), Some(&2));
    }
}
