//! Log output: `tracing` lines to stderr (stdout carries the listening line), text or
//! JSON, filtered by `RUST_LOG` (default `info`).
//!
//! A log line that cannot be written (stderr on a full disk, a closed pipe) is dropped
//! and counted in `ferrule_log_lines_dropped_total`; it never fails a call or ends the
//! process. tracing-subscriber reports a failed write with `eprintln!`, which panics
//! when stderr itself is the thing failing: so the writer here never reports a failure
//! upward, and the subscriber's own error reporting is off as well.

use std::io::Write;
use std::os::fd::AsFd;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::FormatTime;
use tracing_subscriber::fmt::writer::{BoxMakeWriter, MakeWriter};
use tracing_subscriber::EnvFilter;

use super::log_fields::LogFields;
use crate::audit::time::Stamp;
use crate::telemetry;

/// The lines' timestamp, `2024-03-01T12:34:56.789012Z` (UTC, microseconds): the text
/// tracing-subscriber's own `SystemTime` timer writes, without its `write!` machinery
/// (~2,400 instructions of every line, one line per request at info). Times it would
/// print differently (before 1970, past 9999) go through its timer.
struct LogTime;

impl FormatTime for LogTime {
    fn format_time(&self, w: &mut Writer<'_>) -> std::fmt::Result {
        match stamp(SystemTime::now()) {
            Some(b) => w.write_str(std::str::from_utf8(&b).map_err(|_| std::fmt::Error)?),
            None => tracing_subscriber::fmt::time::SystemTime.format_time(w),
        }
    }
}

/// First second of the year 10000.
const YEAR_10000: u64 = 253_402_300_800;

thread_local! {
    /// The last second [`stamp`] wrote on this thread, and its text.
    static SECOND: std::cell::Cell<(u64, [u8; 19])> =
        const { std::cell::Cell::new((u64::MAX, [0; 19])) };
}

/// `t` as `YYYY-MM-DDTHH:MM:SS.ffffffZ`, or `None` outside 1970..=9999.
pub(super) fn stamp(t: SystemTime) -> Option<[u8; 27]> {
    let d = t.duration_since(UNIX_EPOCH).ok()?;
    if d.as_secs() >= YEAR_10000 {
        return None;
    }
    // The date and time to the second from the audit stamp, once a second per thread
    // (a line per request would otherwise work out the calendar each time); the
    // microseconds here.
    let mut b = *b"1970-01-01T00:00:00.000000Z";
    let whole = d.as_secs();
    let (cached, text) = SECOND.get();
    let text = if cached == whole {
        text
    } else {
        let mut text = [0u8; 19];
        text.copy_from_slice(Stamp::of(t).as_str().as_bytes().get(..19)?);
        SECOND.set((whole, text));
        text
    };
    b.get_mut(..19)?.copy_from_slice(&text);
    let mut micros = d.subsec_micros();
    for slot in b.get_mut(20..26)?.iter_mut().rev() {
        // micros % 10 < 10: one ASCII digit.
        *slot = b'0' + (micros % 10) as u8;
        micros /= 10;
    }
    Some(b)
}

/// Where log lines go: stderr, through a duplicate of its descriptor, whole lines per
/// `write` (a serving thread's batch of them, `log_batch`, or one). `std::io::stderr()`
/// takes a process-wide lock per line, which the worker threads fought over on every
/// request (a futex round per call under load); the kernel already keeps each single
/// `write` whole.
fn line_writer(out: &Out) -> BoxMakeWriter {
    match out {
        Out::Dup(file) => BoxMakeWriter::new(Batched(file.clone())),
        Out::Stderr => BoxMakeWriter::new(Dropping(Arc::new(std::io::stderr()))),
    }
}

/// The stream log lines are written to.
#[derive(Clone)]
enum Out {
    /// A duplicate of stderr's descriptor (see [`line_writer`]).
    Dup(Arc<std::fs::File>),
    /// stderr itself, when it could not be duplicated.
    Stderr,
}

impl Out {
    fn stderr() -> Out {
        match std::io::stderr().as_fd().try_clone_to_owned() {
            Ok(fd) => Out::Dup(Arc::new(std::fs::File::from(fd))),
            Err(_) => Out::Stderr,
        }
    }
}

/// The installed subscriber's output and format, for lines written without it (the
/// per-request line, `request_log`): set only when [`init`] installed the subscriber
/// and it prints without colours.
pub struct LineSink {
    /// JSON lines (`log_format = "json"`) rather than text.
    pub json: bool,
    out: Out,
}

impl LineSink {
    /// Writes one whole line of `level` as the subscriber's writer does: dropped (and
    /// counted) when it cannot be written.
    pub fn write(&self, line: &[u8], level: tracing::Level) {
        match &self.out {
            Out::Dup(file) => emit(file, line, urgent(level)),
            Out::Stderr => {
                write_or_drop(std::io::stderr(), line);
            }
        }
    }
}

static LINE_SINK: std::sync::OnceLock<LineSink> = std::sync::OnceLock::new();

/// See [`LineSink`]; `None` when lines must go through `tracing`.
pub fn line_sink() -> Option<&'static LineSink> {
    LINE_SINK.get()
}

/// Lines to the duplicate of stderr, through the thread's batch when it batches
/// (`log_batch`), else each at once.
struct Batched(Arc<std::fs::File>);

impl<'a> MakeWriter<'a> for Batched {
    type Writer = BatchedLine<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        BatchedLine(&self.0, true)
    }

    fn make_writer_for(&'a self, meta: &tracing::Metadata<'_>) -> Self::Writer {
        BatchedLine(&self.0, urgent(*meta.level()))
    }
}

/// Warnings and errors are written at once, not batched.
fn urgent(level: tracing::Level) -> bool {
    level <= tracing::Level::WARN
}

/// One line's writer (the formatter hands it the whole line in one `write`), and
/// whether the line is [`urgent`].
pub struct BatchedLine<'a>(&'a Arc<std::fs::File>, bool);

impl Write for BatchedLine<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        emit(self.0, buf, self.1);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        // Batches are written when due (`log_batch`), not when a line asks.
        Ok(())
    }
}

/// One whole line to `file`: into this thread's batch, or written (or dropped) now.
fn emit(file: &Arc<std::fs::File>, line: &[u8], urgent: bool) {
    if !super::log_batch::append(file, line, urgent) {
        write_or_drop(&**file, line);
    }
}

/// A sink for whole log lines that drops (and counts) a line it cannot write.
struct Dropping<W>(Arc<W>);

impl<'a, W> MakeWriter<'a> for Dropping<W>
where
    W: 'static,
    for<'w> &'w W: Write,
{
    type Writer = DroppingLine<'a, W>;

    fn make_writer(&'a self) -> Self::Writer {
        DroppingLine(&self.0)
    }
}

/// One line's writer: the formatter hands it the whole line in one `write`.
pub struct DroppingLine<'a, W>(&'a W);

impl<W> Write for DroppingLine<'_, W>
where
    for<'w> &'w W: Write,
{
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        write_or_drop(self.0, buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        // Unbuffered: every line is already with the kernel (or dropped).
        Ok(())
    }
}

/// Writes `line` whole, or counts it as dropped: a half-written line counts too, since
/// its reader sees no complete line.
fn write_or_drop(mut out: impl Write, line: &[u8]) -> bool {
    match out.write_all(line) {
        Ok(()) => true,
        Err(_) => {
            metrics::counter!(telemetry::LOG_LINES_DROPPED_TOTAL).increment(1);
            false
        }
    }
}

/// Installs the global subscriber; a second call is a no-op.
pub fn init(json: bool) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let out = Out::stderr();
    // Colour codes only for a person at a terminal, not in files or collectors.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(line_writer(&out))
        .with_timer(LogTime)
        // Its report of a failed write goes to stderr through `eprintln!`, which panics
        // when stderr is what failed (the writer above reports none; this is the net).
        .log_internal_errors(false)
        .with_ansi(ansi);
    let installed = if json {
        builder
            .json()
            .flatten_event(true)
            .with_span_list(false)
            .try_init()
    } else {
        // The default field format, faster for the per-request span's fields.
        builder.fmt_fields(LogFields).try_init()
    };
    // Only this subscriber's format is known to the hand-written lines, and only without
    // colour codes.
    if installed.is_ok() && !ansi {
        let _ = LINE_SINK.set(LineSink { json, out });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink that always fails, as stderr on `/dev/full` or a closed pipe does.
    struct Broken;

    impl Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::from(std::io::ErrorKind::BrokenPipe))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Takes two bytes per write, then fails: a line cut short.
    struct Short(usize);

    impl Write for Short {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.0 == 0 {
                return Err(std::io::Error::from(std::io::ErrorKind::StorageFull));
            }
            self.0 -= 1;
            Ok(buf.len().min(2))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn text(t: SystemTime) -> Option<String> {
        stamp(t).map(|b| String::from_utf8(b.to_vec()).unwrap())
    }

    #[test]
    fn log_time_is_the_subscribers_text() {
        use std::time::Duration;
        let at = |s: u64, us: u64| UNIX_EPOCH + Duration::from_secs(s) + Duration::from_micros(us);
        // What tracing-subscriber's SystemTime timer writes for the same instants.
        assert_eq!(text(at(0, 0)).unwrap(), "1970-01-01T00:00:00.000000Z");
        assert_eq!(
            text(at(1_709_296_496, 789_012)).unwrap(),
            "2024-03-01T12:34:56.789012Z"
        );
        assert_eq!(
            text(at(951_782_400 - 1, 999_999)).unwrap(),
            "2000-02-28T23:59:59.999999Z"
        );
        assert_eq!(
            text(at(951_782_400 + 86_400, 7)).unwrap(),
            "2000-03-01T00:00:00.000007Z"
        );
        assert_eq!(
            text(at(YEAR_10000 - 1, 999_999)).unwrap(),
            "9999-12-31T23:59:59.999999Z"
        );
        // Outside the four-digit years: the subscriber's own timer, not a clamped stamp.
        assert_eq!(text(at(YEAR_10000, 0)), None);
        assert_eq!(text(UNIX_EPOCH - Duration::from_secs(1)), None);
    }

    #[test]
    fn the_remembered_second_never_leaks_into_another() {
        use std::time::Duration;
        let at = |s: u64, us: u64| UNIX_EPOCH + Duration::from_secs(s) + Duration::from_micros(us);
        // Same second twice (the cached text), the next, and back again.
        let day = 1_709_296_496;
        assert_eq!(text(at(day, 1)).unwrap(), "2024-03-01T12:34:56.000001Z");
        assert_eq!(
            text(at(day, 999_999)).unwrap(),
            "2024-03-01T12:34:56.999999Z"
        );
        assert_eq!(text(at(day + 1, 0)).unwrap(), "2024-03-01T12:34:57.000000Z");
        assert_eq!(text(at(day, 5)).unwrap(), "2024-03-01T12:34:56.000005Z");
        assert_eq!(
            text(at(day + 86_400, 0)).unwrap(),
            "2024-03-02T12:34:56.000000Z"
        );
    }

    #[test]
    fn a_failed_or_cut_line_is_dropped_not_reported() {
        assert!(!write_or_drop(Broken, b"line\n"));
        assert!(!write_or_drop(Short(1), b"line\n"));
        let mut ok = Vec::new();
        assert!(write_or_drop(&mut ok, b"line\n"));
        assert_eq!(ok, b"line\n");
    }

    #[test]
    fn the_line_writer_claims_every_byte_even_when_the_sink_fails() {
        // /dev/full fails every write with ENOSPC: the formatter must still see success.
        let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
            return;
        };
        let sink = Dropping(Arc::new(full));
        let mut w = sink.make_writer();
        assert_eq!(w.write(b"a log line\n").unwrap(), 11);
        w.write_all(b"another\n").unwrap();
        w.flush().unwrap();
    }
}
