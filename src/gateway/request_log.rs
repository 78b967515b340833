//! The per-request `request done` line, written straight into a reused buffer.
//!
//! At `info` every call writes this line, and tracing-subscriber's formatter cost ~11k
//! instructions of a ~86k-instruction call (field visitors, `write!` chains, the span's
//! context looked up in the registry). When the gateway's own subscriber is installed
//! ([`super::logs::init`], no colours), the line is written here instead, byte for byte
//! what that subscriber prints (text or JSON; the tests compare the two). Anything this
//! writer does not cover (colours, another subscriber, an unusual byte in the request id)
//! goes through the `tracing` event as before, so the content never changes.

use std::cell::RefCell;
use std::time::{Duration, SystemTime};

use tracing::{Level, Span};

use super::log_text::{escaped, plain};
use super::logs::{self, LineSink};

/// The target the line is logged under (shown in it, and what `RUST_LOG` filters by).
const TARGET: &str = "ferrule::gateway::stack";

/// The request's span: every line logged while serving the request names it, and its
/// trace (32 hex digits).
pub fn request_span(method: &'static str, route: &str, request_id: &str, trace_id: &str) -> Span {
    tracing::info_span!("request", method, route, request_id, trace_id)
}

/// One finished request, as the line reports it.
pub struct Done<'a> {
    pub method: &'static str,
    pub route: &'a str,
    pub request_id: &'a str,
    /// The trace id as 32 lowercase hex digits.
    pub trace_id: &'a str,
    pub status: u16,
    pub latency: Duration,
}

impl Done<'_> {
    /// Logs the line: 5xx at warn, everything else at info, inside `span` (the request's).
    pub fn log(&self, span: &Span) {
        // Microseconds as a whole number: the line prints milliseconds to the microsecond.
        let micros = (self.latency.as_secs_f64() * 1_000_000.0).round();
        let warn = (500..600).contains(&self.status);
        let level = if warn { Level::WARN } else { Level::INFO };
        let enabled = if warn {
            tracing::enabled!(target: TARGET, Level::WARN)
        } else {
            tracing::enabled!(target: TARGET, Level::INFO)
        };
        if !enabled {
            return;
        }
        if let Some(sink) = logs::line_sink() {
            if self.write_to(sink, level, micros, !span.is_disabled()) {
                return;
            }
        }
        self.event(span, warn, micros / 1000.0);
    }

    /// The `tracing` event this module stands in for.
    fn event(&self, span: &Span, warn: bool, latency_ms: f64) {
        let status = self.status;
        span.in_scope(|| {
            if warn {
                tracing::warn!(target: TARGET, status, latency_ms, "request done");
            } else {
                tracing::info!(target: TARGET, status, latency_ms, "request done");
            }
        });
    }

    /// Formats and writes the line; false when this writer cannot print it exactly as
    /// the subscriber would (the caller then logs the event).
    fn write_to(&self, sink: &LineSink, level: Level, micros: f64, in_span: bool) -> bool {
        // Past 2^53 µs (285 years) an f64 no longer holds every microsecond.
        if !(0.0..9.0e15).contains(&micros)
            || !plain(self.route)
            || !plain(self.request_id)
            || !plain(self.trace_id)
            || !plain(self.method)
        {
            return false;
        }
        let Some(stamp) = logs::stamp(SystemTime::now()) else {
            return false;
        };
        // `micros` is a whole number below 2^53: exact as an integer.
        let micros = micros as u64;
        LINE.with(|cell| {
            let Ok(mut buf) = cell.try_borrow_mut() else {
                return false;
            };
            buf.clear();
            if sink.json {
                self.json(&mut buf, &stamp, level, micros, in_span);
            } else {
                self.text(&mut buf, &stamp, level, micros, in_span);
            }
            sink.write(&buf, level);
            true
        })
    }

    /// `2024-03-01T12:34:56.789012Z  INFO request{method="GET" route="/r" request_id="x" trace_id="…"}:
    /// ferrule::gateway::stack: request done status=200 latency_ms=1.234` (one line).
    fn text(&self, buf: &mut Vec<u8>, stamp: &[u8], level: Level, micros: u64, in_span: bool) {
        buf.extend_from_slice(stamp);
        buf.extend_from_slice(if level == Level::WARN {
            b"  WARN "
        } else {
            b"  INFO "
        });
        if in_span {
            buf.extend_from_slice(b"request{method=\"");
            escaped_into(buf, self.method);
            buf.extend_from_slice(b"\" route=\"");
            escaped_into(buf, self.route);
            buf.extend_from_slice(b"\" request_id=\"");
            escaped_into(buf, self.request_id);
            buf.extend_from_slice(b"\" trace_id=\"");
            escaped_into(buf, self.trace_id);
            buf.extend_from_slice(b"\"}: ");
        }
        buf.extend_from_slice(TARGET.as_bytes());
        buf.extend_from_slice(b": request done status=");
        decimal(buf, u64::from(self.status));
        buf.extend_from_slice(b" latency_ms=");
        millis(buf, micros);
        buf.push(b'\n');
    }

    /// The JSON subscriber's line (`flatten_event`, the current span only).
    fn json(&self, buf: &mut Vec<u8>, stamp: &[u8], level: Level, micros: u64, in_span: bool) {
        buf.extend_from_slice(b"{\"timestamp\":\"");
        buf.extend_from_slice(stamp);
        buf.extend_from_slice(if level == Level::WARN {
            b"\",\"level\":\"WARN\""
        } else {
            b"\",\"level\":\"INFO\""
        });
        buf.extend_from_slice(b",\"message\":\"request done\",\"status\":");
        decimal(buf, u64::from(self.status));
        buf.extend_from_slice(b",\"latency_ms\":");
        millis(buf, micros);
        buf.extend_from_slice(b",\"target\":\"");
        buf.extend_from_slice(TARGET.as_bytes());
        buf.push(b'"');
        if in_span {
            buf.extend_from_slice(b",\"span\":{\"method\":\"");
            escaped_into(buf, self.method);
            buf.extend_from_slice(b"\",\"request_id\":\"");
            escaped_into(buf, self.request_id);
            buf.extend_from_slice(b"\",\"route\":\"");
            escaped_into(buf, self.route);
            buf.extend_from_slice(b"\",\"trace_id\":\"");
            escaped_into(buf, self.trace_id);
            buf.extend_from_slice(b"\",\"name\":\"request\"}");
        }
        buf.extend_from_slice(b"}\n");
    }
}

thread_local! {
    /// One line's bytes, reused: no allocation per request once it has grown.
    static LINE: RefCell<Vec<u8>> = RefCell::new(Vec::with_capacity(256));
}

/// A plain string's escaped text (the same for `{:?}` and JSON), a run at a time.
fn escaped_into(buf: &mut Vec<u8>, s: &str) {
    escaped(s, |piece| buf.extend_from_slice(piece.as_bytes()));
}

fn decimal(buf: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        // n % 10 < 10: one ASCII digit.
        if let Some(d) = digits.get_mut(at) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || at == 0 {
            break;
        }
    }
    buf.extend_from_slice(digits.get(at..).unwrap_or_default());
}

/// `micros / 1000` as the shortest decimal, as `{:?}` (and ryu) print that f64: at least
/// one fractional digit, no trailing zeros beyond it (`1.0`, `1.2`, `0.005`).
fn millis(buf: &mut Vec<u8>, micros: u64) {
    decimal(buf, micros / 1000);
    buf.push(b'.');
    let frac = micros % 1000;
    if frac == 0 {
        buf.push(b'0');
        return;
    }
    let digits = [frac / 100, frac / 10 % 10, frac % 10];
    let keep = if !frac.is_multiple_of(10) {
        3
    } else if !frac.is_multiple_of(100) {
        2
    } else {
        1
    };
    for d in digits.iter().take(keep) {
        // d < 10: one ASCII digit.
        buf.push(b'0' + *d as u8);
    }
}

#[cfg(test)]
mod tests;
