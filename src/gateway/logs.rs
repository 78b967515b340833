//! Log output: `tracing` lines to stderr (stdout carries the listening line), text or
//! JSON, filtered by `RUST_LOG` (default `info`).

use std::os::fd::AsFd;
use std::sync::Arc;

use tracing_subscriber::fmt::writer::BoxMakeWriter;
use tracing_subscriber::EnvFilter;

/// Where log lines go: stderr, written one whole line per `write` through a duplicate of
/// its descriptor. `std::io::stderr()` takes a process-wide lock per line, which the
/// worker threads fought over on every request (a futex round per call under load); the
/// kernel already keeps each single `write` of a line whole.
fn line_writer() -> BoxMakeWriter {
    match std::io::stderr().as_fd().try_clone_to_owned() {
        Ok(fd) => BoxMakeWriter::new(Arc::new(std::fs::File::from(fd))),
        Err(_) => BoxMakeWriter::new(std::io::stderr),
    }
}

/// Installs the global subscriber; a second call is a no-op.
pub fn init(json: bool) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(line_writer())
        // Colour codes only for a person at a terminal, not in files or collectors.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let _ = if json {
        builder
            .json()
            .flatten_event(true)
            .with_span_list(false)
            .try_init()
    } else {
        builder.try_init()
    };
}
