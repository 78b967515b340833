//! One elementary item's bytes -> its JSON value, shared by both decode walks (the
//! general tree walk and the flat program), so they write the same text by construction.

use crate::codepage::CodePage;
use crate::dialect::Endian;
use crate::layout::{DataType, Field, NumericPic};
use crate::numeric::{self, edited::EditedPicture, zoned::ZonedCode, Decimal, NumericError};

use super::blank::{read_blank, Blank};
use super::error::RecordErrorKind;
use super::text::{needs_escaping, write_str};
use super::walk_rules::{trim_padding, trim_trailing, utf16_units};
use super::CodecOptions;

/// What writing an item needs besides the item: the options and a reusable buffer.
pub(crate) struct ItemWriter {
    pub opts: CodecOptions,
    pub zoned: ZonedCode,
    /// The code page's space, which pads text.
    pub space: u8,
    scratch: Vec<u8>,
}

impl ItemWriter {
    pub fn new(opts: CodecOptions) -> ItemWriter {
        ItemWriter {
            opts,
            zoned: ZonedCode {
                ebcdic: opts.codepage.is_ebcdic(),
                ascii_sign: opts.dialect.ascii_sign,
            },
            space: opts.codepage.space(),
            scratch: Vec::with_capacity(256),
        }
    }

    /// Writes one elementary value as JSON; on error `out` may hold a partial value
    /// (the caller truncates).
    pub fn item(
        &mut self,
        f: &Field,
        dt: &DataType,
        edited: Option<&EditedPicture>,
        bytes: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), RecordErrorKind> {
        let cp = self.opts.codepage;
        if let Some(b) = read_blank(self.opts.blank_numbers, f, dt, bytes, self.space) {
            let start = out.len();
            self.blank(b, out);
            // The same stored-digits string as a zero written as digits ("000").
            if let (Blank::Zero(_), DataType::Zoned { pic, .. }) = (b, dt) {
                if self.opts.numbers_as_strings && !pic.signed && pic.scale == 0 {
                    zero_pad(out, start + 1, usize::from(pic.digits));
                }
            }
            return Ok(());
        }
        match dt {
            DataType::Alphanumeric { .. } => self.text(f.justified_right, bytes, out),
            DataType::National { .. } => national(f, bytes, out),
            DataType::Zoned { pic, sign } => {
                let start = out.len();
                self.quoted(out, |out| {
                    numeric::zoned::write_json(bytes, pic, *sign, self.zoned, out)
                })?;
                if self.opts.numbers_as_strings && !pic.signed && pic.scale == 0 {
                    // An unsigned display integer is often a code (an account number, a
                    // date): as a string it keeps the digits stored, leading zeros too.
                    zero_pad(out, start + 1, usize::from(pic.digits));
                }
                Ok(())
            }
            DataType::Packed { pic } if !self.opts.trunc.beyond_pic() => self.quoted(out, |out| {
                // TRUNC(STD/OPT): a digit in the pad nibble is refused, as encode would.
                within_pic(numeric::packed::decode(bytes, pic)?, pic, out)
            }),
            DataType::Packed { pic } => {
                self.quoted(out, |out| numeric::packed::write_json(bytes, pic, out))
            }
            DataType::Binary { pic, native, .. } => {
                let endian = if *native {
                    self.opts.dialect.comp5_endian
                } else {
                    Endian::Big
                };
                // COMP-5 is native binary whatever TRUNC says (as on IBM hosts).
                if !self.opts.trunc.beyond_pic() && !native {
                    return self.quoted(out, |out| {
                        within_pic(numeric::binary::decode(bytes, pic, endian)?, pic, out)
                    });
                }
                self.quoted(out, |out| {
                    numeric::binary::write_json(bytes, pic, endian, out)
                })
            }
            // COMP-X is binary and COMP-6's pad nibble a packed one: TRUNC(STD/OPT) holds
            // both to the PIC's digits, as encode does.
            DataType::CompX { pic, .. } if !self.opts.trunc.beyond_pic() => self
                .quoted(out, |out| {
                    within_pic(numeric::compx::decode(bytes, pic)?, pic, out)
                }),
            DataType::CompX { pic, .. } => {
                self.quoted(out, |out| numeric::compx::write_json(bytes, pic, out))
            }
            DataType::Comp6 { pic } if !self.opts.trunc.beyond_pic() => self.quoted(out, |out| {
                within_pic(numeric::comp6::decode(bytes, pic)?, pic, out)
            }),
            DataType::Comp6 { pic } => {
                self.quoted(out, |out| numeric::comp6::write_json(bytes, pic, out))
            }
            DataType::Float { width } => {
                let q = self.opts.numbers_as_strings;
                if q {
                    out.push(b'"');
                }
                numeric::float::decode_json(bytes, *width, self.opts.dialect.float_format, out)?;
                if q {
                    out.push(b'"');
                }
                Ok(())
            }
            DataType::Edited { .. } => {
                let Some(pic) = edited else {
                    return Err(RecordErrorKind::Json("edited picture not compiled".into()));
                };
                let text = cp.decode(bytes)?;
                let d = pic.decode(&text)?;
                self.number(&d, out)
            }
        }
    }

    /// A number written by `write`, between quotes with `numbers_as_strings`.
    #[inline]
    fn quoted(
        &self,
        out: &mut Vec<u8>,
        write: impl FnOnce(&mut Vec<u8>) -> Result<(), numeric::NumericError>,
    ) -> Result<(), RecordErrorKind> {
        if self.opts.numbers_as_strings {
            out.push(b'"');
            write(out)?;
            out.push(b'"');
        } else {
            write(out)?;
        }
        Ok(())
    }

    /// A blank number as `--blank-numbers` reads it (items written as JSON numbers).
    pub fn blank(&self, b: Blank, out: &mut Vec<u8>) {
        match b {
            Blank::Null => out.extend_from_slice(b"null"),
            Blank::Zero(scale) => {
                let _ = self.number(&Decimal::zero(scale), out);
            }
        }
    }

    fn number(&self, d: &Decimal, out: &mut Vec<u8>) -> Result<(), RecordErrorKind> {
        if self.opts.numbers_as_strings {
            out.push(b'"');
            d.write_json(out);
            out.push(b'"');
        } else {
            d.write_json(out);
        }
        Ok(())
    }

    /// Alphanumeric text, its padding side trimmed, as a JSON string.
    pub fn text(
        &mut self,
        justified_right: bool,
        bytes: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), RecordErrorKind> {
        let cp: CodePage = self.opts.codepage;
        let sp = cp.space();
        // Only the padding side is trimmed, so encoding restores the same bytes.
        let t = match justified_right {
            false => trim_trailing(bytes, sp),
            true => trim_padding(bytes, sp, true),
        };
        if cp.json_string_plain(t, out) {
            return Ok(());
        }
        // Decode straight into the output between quotes; only text holding a quote,
        // backslash or control character (rare) is moved aside and written escaped.
        let mark = out.len();
        out.push(b'"');
        cp.decode_to_utf8(t, out)?;
        let text = out.get(mark + 1..).unwrap_or_default();
        if needs_escaping(text) {
            self.scratch.clear();
            self.scratch.extend_from_slice(text);
            out.truncate(mark);
            write_str(out, &self.scratch);
        } else {
            out.push(b'"');
        }
        Ok(())
    }
}

/// Writes `v` if it has no more digits than its PIC (TRUNC(STD) and TRUNC(OPT)): the
/// same Overflow error encode gives for that value.
fn within_pic(v: Decimal, pic: &NumericPic, out: &mut Vec<u8>) -> Result<(), NumericError> {
    numeric::check_fits(&v, pic)?;
    v.write_json(out);
    Ok(())
}

/// UTF-16BE national text, trailing U+0020 padding trimmed.
fn national(f: &Field, bytes: &[u8], out: &mut Vec<u8>) -> Result<(), RecordErrorKind> {
    let units = utf16_units(bytes);
    let body = trim_padding(&units, 0x20, f.justified_right);
    let s = String::from_utf16(body).map_err(|_| RecordErrorKind::BadNational)?;
    write_str(out, s.as_bytes());
    Ok(())
}

/// Left-pads the digits written from `from` (to the closing quote) with zeros to `width`.
fn zero_pad(out: &mut Vec<u8>, from: usize, width: usize) {
    let Some(written) = out.get(from..out.len().saturating_sub(1)) else {
        return;
    };
    if !written.iter().all(u8::is_ascii_digit) || written.len() >= width {
        return;
    }
    let pad = width - written.len();
    out.splice(from..from, std::iter::repeat_n(b'0', pad));
}

#[cfg(test)]
mod tests {
    use super::zero_pad;

    #[test]
    fn zero_pad_keeps_stored_width() {
        // `"123"` from a 6-digit field: three zeros after the quote.
        let mut out = b"{\"n\":\"123\"".to_vec();
        zero_pad(&mut out, 6, 6);
        assert_eq!(out, b"{\"n\":\"000123\"");
        // Already full width, or not plain digits (a sign): untouched.
        let mut full = b"\"123456\"".to_vec();
        zero_pad(&mut full, 1, 6);
        assert_eq!(full, b"\"123456\"");
        let mut neg = b"\"-12\"".to_vec();
        zero_pad(&mut neg, 1, 6);
        assert_eq!(neg, b"\"-12\"");
        // Nothing written (a start past the end): nothing to pad.
        let mut empty = b"\"".to_vec();
        zero_pad(&mut empty, 5, 6);
        assert_eq!(empty, b"\"");
    }
}
