//! Distributed tracing: W3C Trace Context in and out, and spans exported over OTLP/HTTP.
//!
//! Every request belongs to a trace: the caller's (`traceparent`) or a new one. Its
//! trace id is on the request's log lines and audit line, and `http` backends receive
//! `traceparent`/`tracestate` naming it. With `[telemetry] otlp_endpoint` the request
//! also has a server span and each backend exchange a client span, batched to the
//! collector off the request path. [`context`] is the header format, [`spans`] the
//! spans of a call, [`export`] the pipeline, [`client`] its HTTP client, [`config`]
//! the `[telemetry]` table.

mod client;
pub mod config;
pub mod context;
pub mod export;
pub mod spans;

pub use config::{Telemetry, TelemetryConfig};
pub use export::Exporter;
pub use spans::Traced;
