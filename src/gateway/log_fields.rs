//! The text log lines' field formatter: tracing-subscriber's `DefaultFields`, byte for
//! byte, with plain string fields written directly.
//!
//! Every request opens a span with four string fields (method, route, request id, trace id), and
//! `DefaultFields` writes each through `write!` with colour wrappers that print nothing
//! without colours and `{:?}` escaping char by char: ~5k instructions of every call.
//! Here a string field of printable ASCII is written as that produces it (`name="value"`,
//! `"` and `\` escaped); anything else (the message, `r#` names, other types, other
//! bytes, colours on) goes to `DefaultVisitor` itself. The tests compare the two.
//!
//! Plain fields are gathered in a small buffer and handed to the writer in one piece
//! (before anything `DefaultVisitor` writes, and at the end): the span's field string
//! then grows once instead of once per piece (five reallocations of every request).

use std::fmt;

use tracing::field::{Field, Visit};
use tracing_subscriber::field::{MakeVisitor, VisitFmt, VisitOutput};
use tracing_subscriber::fmt::format::{DefaultVisitor, Writer};

use super::log_text::{escaped, plain};

/// The formatter (see the module doc).
#[derive(Debug, Default, Clone, Copy)]
pub struct LogFields;

impl<'a> MakeVisitor<Writer<'a>> for LogFields {
    type Visitor = LogVisitor<'a>;

    fn make_visitor(&self, target: Writer<'a>) -> LogVisitor<'a> {
        LogVisitor {
            writer: target,
            is_empty: true,
            result: Ok(()),
            batch: [0; BATCH],
            len: 0,
        }
    }
}

/// Bytes of plain fields gathered before a write (the gateway's span: ~130).
const BATCH: usize = 256;

/// Writes one set of fields; `is_empty` until the first is written (no leading space).
pub struct LogVisitor<'a> {
    writer: Writer<'a>,
    is_empty: bool,
    result: fmt::Result,
    /// Text not yet handed to `writer`: `batch[..len]`, whole `str` pieces only.
    batch: [u8; BATCH],
    len: usize,
}

impl LogVisitor<'_> {
    /// Appends `s` to the batch (written at once when it would not fit).
    fn push(&mut self, s: &str) {
        if self.len + s.len() > BATCH {
            self.flush();
            if s.len() > BATCH {
                if self.result.is_ok() {
                    self.result = self.writer.write_str(s);
                }
                return;
            }
        }
        if let Some(dst) = self.batch.get_mut(self.len..self.len + s.len()) {
            dst.copy_from_slice(s.as_bytes());
            self.len += s.len();
        }
    }

    /// Hands the batch to the writer.
    fn flush(&mut self) {
        let pending = self.batch.get(..self.len).unwrap_or_default();
        self.len = 0;
        if pending.is_empty() || self.result.is_err() {
            return;
        }
        // Whole `str` pieces were copied in: always UTF-8.
        self.result = match std::str::from_utf8(pending) {
            Ok(text) => self.writer.write_str(text),
            Err(_) => Err(fmt::Error),
        };
    }

    /// `DefaultVisitor` for one field, continuing where this visitor is.
    fn delegate(&mut self, field: &Field, record: impl FnOnce(&mut DefaultVisitor<'_>)) {
        self.flush();
        if self.result.is_err() {
            return;
        }
        let mut v = DefaultVisitor::new(self.writer.by_ref(), self.is_empty);
        record(&mut v);
        self.result = v.finish();
        // `log.*` fields (from the `log` crate's records) are skipped there, unpadded.
        if !field.name().starts_with("log.") {
            self.is_empty = false;
        }
    }

    /// `name="value"` as `DefaultVisitor` writes a plain string without colours.
    fn plain_str(&mut self, name: &str, value: &str) {
        if self.is_empty {
            self.is_empty = false;
        } else {
            self.push(" ");
        }
        self.push(name);
        self.push("=\"");
        escaped(value, |piece| self.push(piece));
        self.push("\"");
    }
}

impl Visit for LogVisitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        let name = field.name();
        let direct = self.result.is_ok()
            && !self.writer.has_ansi_escapes()
            && name != "message"
            && !name.starts_with("r#")
            && !name.starts_with("log.")
            && plain(value);
        if direct {
            self.plain_str(name, value);
        } else {
            self.delegate(field, |v| v.record_str(field, value));
        }
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.delegate(field, |v| v.record_error(field, value));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.delegate(field, |v| v.record_debug(field, value));
    }
}

impl VisitOutput<fmt::Result> for LogVisitor<'_> {
    fn finish(mut self) -> fmt::Result {
        self.flush();
        self.result
    }
}

impl VisitFmt for LogVisitor<'_> {
    fn writer(&mut self) -> &mut dyn fmt::Write {
        // Whoever writes next comes after what is gathered.
        self.flush();
        &mut self.writer
    }
}

impl Drop for LogVisitor<'_> {
    /// A visitor dropped without `finish` still writes what it gathered.
    fn drop(&mut self) {
        self.flush();
    }
}

#[cfg(test)]
mod tests;
