//! W3C Trace Context (level 1) for one request: the `traceparent` a caller sent, read
//! without allocating, and the ids this gateway goes on with.
//!
//! Sans-I/O: header bytes in, ids out, header bytes back. A malformed `traceparent` is
//! never an error: the request starts a new trace (the spec's "restart the trace"), and
//! its `tracestate` is dropped with it, since that belongs to the trace it came with.

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use opentelemetry::trace::{SpanId, TraceId};
use opentelemetry_sdk::trace::{IdGenerator, RandomIdGenerator};

/// The request header carrying the caller's trace and span.
pub const TRACEPARENT: &str = "traceparent";
/// [`TRACEPARENT`] as a header name (a lookup by `&str` parses the name every time).
const TRACEPARENT_NAME: HeaderName = HeaderName::from_static(TRACEPARENT);
/// Vendor-specific trace data that travels with `traceparent`, passed through untouched.
pub const TRACESTATE: &str = "tracestate";
/// The response header naming the trace and the span that answered (W3C Trace Context
/// level 2's `traceresponse`, same format as `traceparent`).
pub const TRACERESPONSE: &str = "traceresponse";

/// The trace-flags bit meaning "the caller may have recorded this trace".
pub const SAMPLED: u8 = 0x01;

/// A `traceparent`'s length for version 00 (and the part read of later versions).
const LEN: usize = 55;

/// What a valid incoming `traceparent` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parent {
    pub trace_id: [u8; 16],
    /// The caller's span: the parent of this request's span.
    pub span_id: [u8; 8],
    /// Trace flags; only the sampled bit is kept (level 1 defines no other).
    pub flags: u8,
}

/// The trace a request belongs to and its own span in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceContext {
    pub trace_id: [u8; 16],
    /// This request's span (the server span when spans are exported).
    pub span_id: [u8; 8],
    /// The caller's span, when it sent a valid `traceparent`.
    pub parent: Option<[u8; 8]>,
    pub flags: u8,
    /// The caller's `tracestate`, as received (only with a valid `traceparent`).
    pub state: Option<HeaderValue>,
}

impl TraceContext {
    /// The caller's trace with a new span of this request, or a new trace.
    pub fn start(headers: &HeaderMap) -> TraceContext {
        let parent = incoming(headers);
        let ids = RandomIdGenerator::default();
        match parent {
            Some(p) => TraceContext {
                trace_id: p.trace_id,
                span_id: ids.new_span_id().to_bytes(),
                parent: Some(p.span_id),
                flags: p.flags,
                state: state(headers),
            },
            None => TraceContext {
                trace_id: ids.new_trace_id().to_bytes(),
                span_id: ids.new_span_id().to_bytes(),
                parent: None,
                // Nothing records a trace that started here unless spans are exported
                // (which then decides the flag itself).
                flags: 0,
                state: None,
            },
        }
    }

    pub fn otel_trace_id(&self) -> TraceId {
        TraceId::from_bytes(self.trace_id)
    }

    /// The trace id as 32 lowercase hex digits (log and audit lines).
    pub fn trace_hex(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        hex_into(&self.trace_id, &mut out);
        out
    }

    /// `00-<trace id>-<span>-<flags>`: the header a callee receives, naming `span` (one
    /// of this request's spans) as its parent.
    pub fn traceparent(&self, span: [u8; 8]) -> HeaderValue {
        let mut b = [0u8; LEN];
        b[..3].copy_from_slice(b"00-");
        hex_into(&self.trace_id, &mut b[3..35]);
        b[35] = b'-';
        hex_into(&span, &mut b[36..52]);
        b[52] = b'-';
        hex_into(&[self.flags & SAMPLED], &mut b[53..55]);
        // Hex digits and dashes only: always a valid header value.
        HeaderValue::from_bytes(&b).unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    /// The [`SpanId`] of this request's span.
    pub fn otel_span_id(&self) -> SpanId {
        SpanId::from_bytes(self.span_id)
    }
}

/// The caller's `traceparent`, when there is exactly one and it is valid.
pub fn incoming(headers: &HeaderMap) -> Option<Parent> {
    let mut values = headers.get_all(TRACEPARENT_NAME).iter();
    let first = values.next()?;
    // Two `traceparent` headers: which one is the caller's is unknowable.
    if values.next().is_some() {
        return None;
    }
    parse(first.as_bytes())
}

/// Reads a `traceparent` value (W3C Trace Context level 1, section 3.2).
pub fn parse(v: &[u8]) -> Option<Parent> {
    let version = hex_byte(v.get(0..2)?)?;
    // ff is forbidden; 00 is exactly 55 bytes; a later version is read as far as 00
    // goes, and must continue with a dash if it is longer.
    match version {
        0xff => return None,
        0x00 if v.len() != LEN => return None,
        _ if v.len() < LEN || (v.len() > LEN && v.get(LEN) != Some(&b'-')) => return None,
        _ => {}
    }
    if v.get(2) != Some(&b'-') || v.get(35) != Some(&b'-') || v.get(52) != Some(&b'-') {
        return None;
    }
    let mut trace_id = [0u8; 16];
    hex_decode(v.get(3..35)?, &mut trace_id)?;
    let mut span_id = [0u8; 8];
    hex_decode(v.get(36..52)?, &mut span_id)?;
    let flags = hex_byte(v.get(53..55)?)?;
    if trace_id == [0; 16] || span_id == [0; 8] {
        return None;
    }
    Some(Parent {
        trace_id,
        span_id,
        flags: flags & SAMPLED,
    })
}

/// The caller's `tracestate`: one header as it is, several joined with commas (the
/// spec's way of combining them); dropped when it is not valid header text.
fn state(headers: &HeaderMap) -> Option<HeaderValue> {
    let mut values = headers.get_all(TRACESTATE).iter();
    let first = values.next()?;
    let Some(second) = values.next() else {
        return Some(first.clone());
    };
    let mut joined = first.as_bytes().to_vec();
    for v in std::iter::once(second).chain(values) {
        joined.push(b',');
        joined.extend_from_slice(v.as_bytes());
    }
    HeaderValue::from_bytes(&joined).ok()
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Lowercase hex of `bytes` into `out` (twice as long).
pub fn hex_into(bytes: &[u8], out: &mut [u8]) {
    for (pair, b) in out.chunks_exact_mut(2).zip(bytes) {
        if let [hi, lo] = pair {
            *hi = HEX[usize::from(b >> 4)];
            *lo = HEX[usize::from(b & 0x0f)];
        }
    }
}

/// One lowercase hex digit (the spec allows no capitals).
fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

fn hex_byte(two: &[u8]) -> Option<u8> {
    match two {
        [hi, lo] => Some((nibble(*hi)? << 4) | nibble(*lo)?),
        _ => None,
    }
}

fn hex_decode(text: &[u8], out: &mut [u8]) -> Option<()> {
    if text.len() != out.len() * 2 {
        return None;
    }
    for (b, two) in out.iter_mut().zip(text.chunks_exact(2)) {
        *b = hex_byte(two)?;
    }
    Some(())
}

#[cfg(test)]
mod tests;
