//! The hand-written line against the subscriber's own, for the same request.

use std::io::Write;
use std::sync::{Arc, Mutex};

use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::FormatTime;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

use super::*;

const STAMP: &[u8; 27] = b"2024-03-01T12:34:56.789012Z";

/// The timer of these tests: always [`STAMP`].
struct Fixed;

impl FormatTime for Fixed {
    fn format_time(&self, w: &mut Writer<'_>) -> std::fmt::Result {
        w.write_str("2024-03-01T12:34:56.789012Z")
    }
}

/// Collects what the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

/// What `logs::init`'s subscriber (same settings, the fixed timer) prints for `done`.
fn subscriber_line(done: &Done<'_>, json: bool, filter: &str) -> String {
    let out = Captured::default();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(filter))
        .with_writer(out.clone())
        .with_timer(Fixed)
        .log_internal_errors(false)
        .with_ansi(false);
    let micros = (done.latency.as_secs_f64() * 1_000_000.0).round();
    let warn = (500..600).contains(&done.status);
    let run = || {
        let span = request_span(done.method, done.route, done.request_id, done.trace_id);
        done.event(&span, warn, micros / 1000.0);
    };
    if json {
        let sub = builder
            .json()
            .flatten_event(true)
            .with_span_list(false)
            .finish();
        tracing::subscriber::with_default(sub, run);
    } else {
        tracing::subscriber::with_default(builder.finish(), run);
    }
    let bytes = out.0.lock().unwrap().clone();
    String::from_utf8(bytes).unwrap()
}

/// What this module writes for `done`, the span enabled or not.
fn hand_line(done: &Done<'_>, json: bool, in_span: bool) -> String {
    let micros = (done.latency.as_secs_f64() * 1_000_000.0).round() as u64;
    let level = if (500..600).contains(&done.status) {
        Level::WARN
    } else {
        Level::INFO
    };
    let mut buf = Vec::new();
    if json {
        done.json(&mut buf, STAMP, level, micros, in_span);
    } else {
        done.text(&mut buf, STAMP, level, micros, in_span);
    }
    String::from_utf8(buf).unwrap()
}

fn done(status: u16, latency: Duration, route: &'static str, id: &'static str) -> Done<'static> {
    Done {
        method: "GET",
        route,
        request_id: id,
        trace_id: "4bf92f3577b34da6a3ce929d0e0e4736",
        status,
        latency,
    }
}

/// Requests covering the line's variable parts.
fn cases() -> Vec<Done<'static>> {
    let us = Duration::from_micros;
    let id = "6f1c2a9e-8d4b-4c1e-9a7f-2b3c4d5e6f70";
    vec![
        // The common call: 200, a millisecond and a bit.
        done(200, us(1234), "/v1/vehicles/{vrm}", id),
        // Trailing zeros of the milliseconds go, one fractional digit stays.
        done(200, us(1200), "/v1/vehicles/{vrm}", id),
        done(200, us(1000), "/v1/vehicles/{vrm}", id),
        done(200, us(1230), "/v1/vehicles/{vrm}", id),
        done(201, Duration::ZERO, "/v1/vehicles/{vrm}", id),
        done(200, us(5), "/v1/vehicles/{vrm}", id),
        done(200, us(50), "/v1/vehicles/{vrm}", id),
        // Half a microsecond rounds as the f64 did.
        done(200, Duration::from_nanos(1500), "/v1/x", id),
        done(200, Duration::from_nanos(2_499), "/v1/x", id),
        done(200, us(999_999), "/v1/x", id),
        done(200, Duration::from_secs(3600), "/v1/x", id),
        // Client faults stay at info; no route matched.
        done(404, us(80), "unmatched", ""),
        done(413, us(80), "/v1/x", id),
        // Server faults are warnings.
        done(502, us(30_001), "/v1/vehicles/{vrm}", id),
        done(504, us(5_000_000), "/v1/vehicles/{vrm}", id),
        // A client's own request id with characters both formats escape.
        done(200, us(7), "/v1/x", "a \"quoted\" \\ id\twith tab"),
        done(200, us(7), "/v1/x", "' ~ {} = : ,"),
    ]
}

#[test]
fn text_lines_are_the_subscribers_bytes() {
    for d in cases() {
        assert_eq!(
            hand_line(&d, false, true),
            subscriber_line(&d, false, "info")
        );
    }
}

#[test]
fn json_lines_are_the_subscribers_bytes() {
    for d in cases() {
        assert_eq!(hand_line(&d, true, true), subscriber_line(&d, true, "info"));
    }
}

#[test]
fn with_the_span_filtered_out_the_line_has_no_span() {
    // RUST_LOG=warn: the info span is off, the 5xx line is still written, bare.
    let d = done(503, Duration::from_micros(10), "/v1/x", "id-1");
    for json in [false, true] {
        let theirs = subscriber_line(&d, json, "warn");
        assert!(
            !theirs.contains("request{") && !theirs.contains("\"span\""),
            "{theirs}"
        );
        assert_eq!(hand_line(&d, json, false), theirs);
    }
}

#[test]
fn numbers_print_as_the_subscriber_prints_them() {
    let text = |f: fn(&mut Vec<u8>, u64), n| {
        let mut b = Vec::new();
        f(&mut b, n);
        String::from_utf8(b).unwrap()
    };
    assert_eq!(text(decimal, 0), "0");
    assert_eq!(text(decimal, u64::MAX), u64::MAX.to_string());
    for n in [
        0u64,
        1,
        10,
        100,
        999,
        1000,
        1001,
        1010,
        1100,
        123_456_789,
        9_000_000_000_000,
    ] {
        assert_eq!(text(millis, n), format!("{:?}", n as f64 / 1000.0), "{n}");
    }
}
