//! The text log lines' field formatter: tracing-subscriber's `DefaultFields`, byte for
//! byte, with plain string fields written directly.
//!
//! Every request opens a span with four string fields (method, route, request id, trace id), and
//! `DefaultFields` writes each through `write!` with colour wrappers that print nothing
//! without colours and `{:?}` escaping char by char: ~5k instructions of every call.
//! Here a string field of printable ASCII is written as that produces it (`name="value"`,
//! `"` and `\` escaped); anything else (the message, `r#` names, other types, other
//! bytes, colours on) goes to `DefaultVisitor` itself. The tests compare the two.

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
        }
    }
}

/// Writes one set of fields; `is_empty` until the first is written (no leading space).
pub struct LogVisitor<'a> {
    writer: Writer<'a>,
    is_empty: bool,
    result: fmt::Result,
}

impl LogVisitor<'_> {
    /// `DefaultVisitor` for one field, continuing where this visitor is.
    fn delegate(&mut self, field: &Field, record: impl FnOnce(&mut DefaultVisitor<'_>)) {
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
    fn plain_str(&mut self, name: &str, value: &str) -> fmt::Result {
        if self.is_empty {
            self.is_empty = false;
        } else {
            self.writer.write_char(' ')?;
        }
        self.writer.write_str(name)?;
        self.writer.write_str("=\"")?;
        let mut result = Ok(());
        escaped(value, |piece| {
            if result.is_ok() {
                result = self.writer.write_str(piece);
            }
        });
        result?;
        self.writer.write_char('"')
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
            self.result = self.plain_str(name, value);
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
    fn finish(self) -> fmt::Result {
        self.result
    }
}

impl VisitFmt for LogVisitor<'_> {
    fn writer(&mut self) -> &mut dyn fmt::Write {
        &mut self.writer
    }
}

#[cfg(test)]
mod tests;
