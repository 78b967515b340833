//! `LogFields` against `DefaultFields`: the same lines for the same spans and events.

use std::sync::{Arc, Mutex};

use tracing_subscriber::fmt::format::DefaultFields;
use tracing_subscriber::fmt::MakeWriter;

use super::*;

/// Collects what a subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
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

#[derive(Debug)]
struct Oops;

impl std::fmt::Display for Oops {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("it \"broke\"")
    }
}

impl std::error::Error for Oops {}

/// Spans and events with every kind of field the gateway logs, and some it does not.
fn log_everything() {
    let plain = tracing::info_span!(
        "request",
        method = "GET",
        route = "/v1/x/{id}",
        request_id = "a\"b\\c\td"
    );
    let _g = plain.enter();
    tracing::info!(status = 200u64, latency_ms = 1.25, "request done");
    let odd = tracing::info_span!(
        "inner",
        r#type = "kind",
        caf = "caf\u{e9}",
        n = 7i64,
        ok = true
    );
    let _h = odd.enter();
    tracing::warn!(error = %Oops, route = "/r", "backend failed");
    let e: &(dyn std::error::Error + 'static) = &Oops;
    tracing::error!(error = e, empty = "", "an error value");
    tracing::info!(line = "new\nline", ctl = "\u{7f}", "escaped the slow way");
    tracing::info!(message = "explicit message", after = "x");
    tracing::info!(only = "fields");
    // Plain fields longer than the batch, before and after one written the slow way.
    let long = "x".repeat(300);
    let near = "y".repeat(250);
    tracing::info!(
        a = near.as_str(),
        b = long.as_str(),
        n = 3u64,
        c = near.as_str(),
        "long"
    );
    plain.record("route", "/v1/changed");
    tracing::info!("after a record");
}

fn lines(fields_fast: bool, ansi: bool) -> String {
    let out = Captured::default();
    let builder = tracing_subscriber::fmt()
        .with_writer(out.clone())
        .without_time()
        .with_ansi(ansi);
    if fields_fast {
        tracing::subscriber::with_default(builder.fmt_fields(LogFields).finish(), log_everything);
    } else {
        let sub = builder.fmt_fields(DefaultFields::new()).finish();
        tracing::subscriber::with_default(sub, log_everything);
    }
    let bytes = out.0.lock().unwrap().clone();
    String::from_utf8(bytes).unwrap()
}

#[test]
fn lines_are_the_default_formatters_bytes() {
    let ours = lines(true, false);
    assert_eq!(ours, lines(false, false));
    // The fast path was taken and escaped as `{:?}` does.
    assert!(ours.contains(r#"request_id="a\"b\\c\td""#), "{ours}");
    assert!(ours.contains("after a record"), "{ours}");
}

#[test]
fn with_colours_the_default_formatter_writes() {
    assert_eq!(lines(true, true), lines(false, true));
}
