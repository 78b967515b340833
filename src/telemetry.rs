//! Every metric name in one place, described at start-up; labels are bounded (route
//! pattern, backend name, status, outcome, error kind), never values from records.

/// HTTP requests, by `route`, `method` and `status`.
pub const REQUESTS_TOTAL: &str = "ferrule_http_requests_total";
/// HTTP request latency, by `route`.
pub const REQUEST_SECONDS: &str = "ferrule_http_request_duration_seconds";
/// Backend exchange latency, by `backend` and `outcome` (`ok` or an error kind).
pub const BACKEND_SECONDS: &str = "ferrule_backend_duration_seconds";
/// Backend errors, by `backend` and `kind`.
pub const BACKEND_ERRORS_TOTAL: &str = "ferrule_backend_errors_total";
/// Sessions (connections, processes) in use, by `backend`.
pub const SESSIONS_IN_USE: &str = "ferrule_backend_sessions_in_use";
/// Requests waiting for a session, by `backend`.
pub const QUEUE_DEPTH: &str = "ferrule_backend_queue_depth";
/// Records that failed to encode or decode, by `route` and `direction`.
pub const CODEC_ERRORS_TOTAL: &str = "ferrule_codec_errors_total";
/// Inbound records served, by `listener`, `route` and `outcome`.
pub const INBOUND_RECORDS_TOTAL: &str = "ferrule_inbound_records_total";
/// Inbound API call latency, by `route` and `outcome`.
pub const INBOUND_CALL_SECONDS: &str = "ferrule_inbound_call_duration_seconds";
/// Legacy programs connected, by `listener`.
pub const INBOUND_CONNECTIONS: &str = "ferrule_inbound_connections";
/// Config reloads, by `outcome` (`ok`, `rejected`).
pub const RELOADS_TOTAL: &str = "ferrule_config_reloads_total";
/// Log lines that could not be written (stderr full or closed) and were dropped.
pub const LOG_LINES_DROPPED_TOTAL: &str = "ferrule_log_lines_dropped_total";
/// Span batches the OTLP collector did not take (down, slow, refusing).
pub const TRACE_EXPORT_FAILURES_TOTAL: &str = "ferrule_trace_export_failures_total";
/// Spans dropped because their batch could not be exported.
pub const TRACE_SPANS_DROPPED_TOTAL: &str = "ferrule_trace_spans_dropped_total";

/// Registers descriptions so `/metrics` explains each name.
pub fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_counter!(REQUESTS_TOTAL, "HTTP requests by route, method and status");
    describe_histogram!(
        REQUEST_SECONDS,
        Unit::Seconds,
        "HTTP request latency by route"
    );
    describe_histogram!(
        BACKEND_SECONDS,
        Unit::Seconds,
        "Backend exchange latency by backend and outcome"
    );
    describe_counter!(BACKEND_ERRORS_TOTAL, "Backend errors by backend and kind");
    describe_gauge!(SESSIONS_IN_USE, "Backend sessions in use");
    describe_gauge!(QUEUE_DEPTH, "Requests waiting for a backend session");
    describe_counter!(
        CODEC_ERRORS_TOTAL,
        "Records that failed to encode or decode"
    );
    describe_counter!(
        INBOUND_RECORDS_TOTAL,
        "Inbound records served by listener, route and outcome"
    );
    describe_histogram!(
        INBOUND_CALL_SECONDS,
        Unit::Seconds,
        "Inbound API call latency by route and outcome"
    );
    describe_gauge!(
        INBOUND_CONNECTIONS,
        "Legacy programs connected, by listener"
    );
    describe_counter!(RELOADS_TOTAL, "Config reloads by outcome");
    describe_counter!(
        LOG_LINES_DROPPED_TOTAL,
        "Log lines dropped because stderr could not take them"
    );
    describe_counter!(
        TRACE_EXPORT_FAILURES_TOTAL,
        "Span batches the OTLP collector did not take"
    );
    describe_counter!(
        TRACE_SPANS_DROPPED_TOTAL,
        "Spans dropped because their batch could not be exported"
    );
}
